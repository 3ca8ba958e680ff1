/**
 * The menu's frame (button or Ctrl+Shift+M): a dialog on the right on wide
 * screens, a bottom sheet on phones in portrait (client/app.css). It keeps
 * the keyboard inside while open (Tab wraps), closes on Escape, on
 * Ctrl+Shift+M, on its close button and on a tap outside, and gives the
 * focus back to where it was (the desktop's keyboard field). Its content is
 * sections ({@linkcode MenuSection}); client/components/main_menu.tsx fills it.
 *
 * @module
 */

import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { trapFocus } from "../lib/focus_trap.ts";
import { matchShortcut } from "../lib/shortcuts.ts";

/** Props of {@linkcode Menu}. */
export interface MenuProps {
  onClose(): void;
  /** The sections. */
  children?: ComponentChildren;
}

/** The menu dialog. */
export function Menu(props: MenuProps) {
  const panel = useRef<HTMLElement>(null);
  useEffect(() => {
    const element = panel.current!;
    const previous = element.ownerDocument.activeElement as HTMLElement | null;
    const untrap = trapFocus(element);
    element.focus({ preventScroll: true });
    return () => {
      untrap();
      // Back to the desktop's keyboard field, so typing reaches the desktop again.
      if (previous?.isConnected) previous.focus({ preventScroll: true });
    };
  }, []);
  const onKeyDown = (ev: KeyboardEvent) => {
    if (ev.key === "Escape" || matchShortcut(ev) === "menu") {
      ev.preventDefault();
      ev.stopPropagation();
      props.onClose();
    }
  };
  return (
    <>
      <div class="menu-backdrop" onClick={props.onClose} />
      <aside
        class="menu"
        role="dialog"
        aria-modal="true"
        aria-labelledby="menu-title"
        tabIndex={-1}
        ref={panel}
        onKeyDown={onKeyDown}
      >
        <header>
          <span class="menu-grip" aria-hidden="true" />
          <h1 id="menu-title">Skerry</h1>
          <button type="button" class="close" aria-label="Close menu" onClick={props.onClose}>
            ×
          </button>
        </header>
        <div class="menu-body">{props.children}</div>
        <p class="hint">
          <kbd>Ctrl+Shift+M</kbd> menu · <kbd>Ctrl+Shift+F</kbd> fullscreen ·{" "}
          <kbd>Ctrl+Shift+.</kbd> statistics · <kbd>Ctrl+Shift+click</kbd> lock pointer · hold{" "}
          <kbd>Esc</kbd> to leave fullscreen
        </p>
      </aside>
    </>
  );
}

/** Props of {@linkcode MenuSection}. */
export interface MenuSectionProps {
  /** The heading, e.g. "Stream". */
  title: string;
  /** `data-section` of the section, for styling and tests. */
  name: string;
  children?: ComponentChildren;
}

/** One titled group of controls. */
export function MenuSection(props: MenuSectionProps) {
  const id = `menu-${props.name}`;
  return (
    <section class="menu-section" data-section={props.name} aria-labelledby={id}>
      <h2 id={id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

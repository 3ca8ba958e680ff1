/**
 * Keeps the keyboard focus inside an open panel (the menu): Tab from the
 * last control goes to the first, Shift+Tab from the first to the last, and
 * focus that escaped comes back. {@linkcode wrapFocus} is the pure rule;
 * {@linkcode trapFocus} wires it to a container.
 *
 * @module
 */

/** What can take the focus inside a panel (disabled controls cannot). */
export const FOCUSABLE = [
  "a[href]",
  "button:not([disabled])",
  "input:not([disabled])",
  "select:not([disabled])",
  "textarea:not([disabled])",
  '[tabindex]:not([tabindex="-1"])',
].join(",");

/**
 * Where Tab (or Shift+Tab, `backwards`) moves from control `index` of
 * `count`, when it must wrap around; undefined when the browser's own move
 * stays inside. `index` -1 means the focus is outside the panel.
 */
export function wrapFocus(count: number, index: number, backwards: boolean): number | undefined {
  if (count === 0) return undefined;
  if (index < 0) return backwards ? count - 1 : 0;
  if (backwards && index === 0) return count - 1;
  if (!backwards && index === count - 1) return 0;
  return undefined;
}

/** Traps Tab inside `container`; returns the function that stops. */
export function trapFocus(container: HTMLElement): () => void {
  const onKey = (ev: KeyboardEvent) => {
    if (ev.key !== "Tab") return;
    const list = [...container.querySelectorAll<HTMLElement>(FOCUSABLE)]
      .filter((e) => e.offsetParent !== null || e === container.ownerDocument.activeElement);
    const active = container.ownerDocument.activeElement as HTMLElement | null;
    const target = wrapFocus(list.length, active ? list.indexOf(active) : -1, ev.shiftKey);
    if (target === undefined) return;
    ev.preventDefault();
    list[target]?.focus();
  };
  container.addEventListener("keydown", onKey);
  return () => container.removeEventListener("keydown", onKey);
}

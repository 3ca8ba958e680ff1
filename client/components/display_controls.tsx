/**
 * The menu's Display section: fullscreen, pointer lock, and how the desktop
 * is scaled (fit the window, or one desktop pixel per screen pixel). The
 * screen-size controls (resize, HiDPI) drop in as `children`.
 *
 * @module
 */

import type { ComponentChildren } from "preact";
import type { ScaleMode } from "../lib/preferences.ts";

/** Props of {@linkcode DisplayControls}. */
export interface DisplayControlsProps {
  /** Whether the page is fullscreen now. */
  fullscreen: boolean;
  onFullscreen(): void;
  /** Locks the pointer to the desktop (relative mouse, for games); Escape leaves. */
  onPointerLock(): void;
  /** How the desktop is drawn. */
  scale: ScaleMode;
  onScale(mode: ScaleMode): void;
  /** More display controls (resize to the window, HiDPI), each its own component. */
  children?: ComponentChildren;
}

const SCALES: { mode: ScaleMode; label: string; hint: string }[] = [
  { mode: "fit", label: "Fit window", hint: "The whole desktop, scaled to the window" },
  { mode: "native", label: "1:1 pixels", hint: "Sharp: one desktop pixel per screen pixel" },
];

/** Two buttons and a two-way choice. */
export function DisplayControls(props: DisplayControlsProps) {
  return (
    <>
      <div class="buttons">
        <button type="button" aria-pressed={props.fullscreen} onClick={props.onFullscreen}>
          {props.fullscreen ? "Leave fullscreen" : "Fullscreen"} <kbd>Ctrl+Shift+F</kbd>
        </button>
        <button
          type="button"
          class="fine-only"
          title="Relative mouse, for games; Escape leaves"
          onClick={props.onPointerLock}
        >
          Lock pointer <kbd>Esc</kbd>
        </button>
      </div>
      <fieldset class="segmented" aria-label="Scale">
        {SCALES.map(({ mode, label, hint }) => (
          <label key={mode} title={hint}>
            <input
              type="radio"
              name="scale"
              value={mode}
              checked={props.scale === mode}
              onChange={() => props.onScale(mode)}
            />
            <span>{label}</span>
          </label>
        ))}
      </fieldset>
      {props.children}
    </>
  );
}

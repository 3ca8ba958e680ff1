/** The side menu (Ctrl+Shift+M): connection facts and the few actions there are. */

import type { ComponentChildren } from "preact";
import type { ConnectionState } from "../lib/connection.ts";
import { statusText } from "./status_line.tsx";

/** Props of {@linkcode Menu}. */
export interface MenuProps {
  state: ConnectionState;
  /** Video frame size, e.g. "1280x720", or "" before the first frame. */
  frameSize: string;
  /** Whether input is being forwarded. */
  inputActive: boolean;
  /** Whether the connection uses TURN relays only. */
  relay: boolean;
  /** Reconnects with relays only, or not (reloads the page). */
  onRelay(on: boolean): void;
  onFullscreen(): void;
  onClose(): void;
  /** More controls, each its own component (the video format picker, the live settings). */
  children?: ComponentChildren;
}

/** A panel on the right; closes with its button or Ctrl+Shift+M again. */
export function Menu(props: MenuProps) {
  return (
    <aside class="menu" aria-label="Skerry menu">
      <header>
        <strong>Skerry</strong>
        <button type="button" class="close" aria-label="Close menu" onClick={props.onClose}>
          ×
        </button>
      </header>
      <dl>
        <dt>Status</dt>
        <dd>{statusText(props.state)}</dd>
        <dt>Screen</dt>
        <dd>{props.frameSize || "—"}</dd>
        <dt>Input</dt>
        <dd>{props.inputActive ? "connected" : "not connected"}</dd>
      </dl>
      {props.children}
      <label>
        <input
          type="checkbox"
          checked={props.relay}
          onChange={(e) => props.onRelay(e.currentTarget.checked)}
        />{" "}
        Force relay connection (TURN)
      </label>
      <button type="button" onClick={props.onFullscreen}>Fullscreen (Ctrl+Shift+F)</button>
      <p class="hint">
        Ctrl+Shift+click locks the pointer (Escape leaves). In fullscreen, hold Escape to leave.
      </p>
    </aside>
  );
}

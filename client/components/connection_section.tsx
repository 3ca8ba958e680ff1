/**
 * The menu's Connection section: the state, the screen size, whether input
 * flows, relay-only ("try TURN"), and a button that connects again at once.
 *
 * @module
 */

import type { ConnectionState } from "../lib/connection_state.ts";
import { statusText } from "./status_line.tsx";

/** Props of {@linkcode ConnectionSection}. */
export interface ConnectionSectionProps {
  state: ConnectionState;
  /** Video frame size, e.g. "1280x720", or "" before the first frame. */
  frameSize: string;
  /** Whether input is being forwarded. */
  inputActive: boolean;
  /** Whether the connection uses TURN relays only. */
  relay: boolean;
  /** Connects again, with relays only or not. */
  onRelay(on: boolean): void;
  onReconnect(): void;
}

/** Facts, a switch and a button. */
export function ConnectionSection(props: ConnectionSectionProps) {
  return (
    <>
      <dl class="facts">
        <dt>Status</dt>
        <dd data-phase={props.state.phase}>{statusText(props.state)}</dd>
        <dt>Screen</dt>
        <dd>{props.frameSize || "—"}</dd>
        <dt>Input</dt>
        <dd>{props.inputActive ? "connected" : "not connected"}</dd>
      </dl>
      <label class="check">
        <input
          type="checkbox"
          name="relay"
          checked={props.relay}
          onChange={(e) => props.onRelay(e.currentTarget.checked)}
        />{" "}
        Relay only (TURN): for networks that block direct connections
      </label>
      <div class="buttons">
        <button type="button" onClick={props.onReconnect}>Reconnect</button>
      </div>
    </>
  );
}

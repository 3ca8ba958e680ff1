/** The status pill at the top of the page. */

import { useEffect, useState } from "preact/hooks";
import type { ConnectionState } from "../lib/connection.ts";

/** Text for a connection state, in words a user understands. */
export function statusText(state: ConnectionState): string {
  const seconds = state.retryInMs === undefined
    ? ""
    : ` in ${Math.max(1, Math.round(state.retryInMs / 1000))} s`;
  switch (state.phase) {
    case "connecting":
      return "Connecting…";
    case "starting":
      return "Starting the stream…";
    case "live":
      return "Live";
    case "restarting":
      return `Stream stopped, restarting${seconds}…`;
    case "reconnecting":
      // detail: the server's reason for closing, e.g. "The server is full: …".
      return state.detail
        ? `${state.detail}; retrying${seconds}…`
        : `Connection lost, reconnecting${seconds}…`;
    case "error":
      return state.detail ? `Error: ${state.detail}` : "Error";
  }
}

/** Shows the connection state; fades out two seconds after going live. */
export function StatusLine({ state }: { state: ConnectionState }) {
  const [hidden, setHidden] = useState(false);
  useEffect(() => {
    setHidden(false);
    if (state.phase !== "live") return;
    const timer = setTimeout(() => setHidden(true), 2000);
    return () => clearTimeout(timer);
  }, [state.phase]);
  const tone = state.phase === "live" ? "live" : state.phase === "error" ? "error" : "";
  return (
    <div
      class={`status ${tone} ${hidden ? "hidden" : ""}`}
      role="status"
      aria-live="polite"
      data-phase={state.phase}
    >
      <span class="dot" />
      <span>{statusText(state)}</span>
    </div>
  );
}

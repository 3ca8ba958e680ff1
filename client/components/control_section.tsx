/**
 * The menu's Control section: who controls the desktop, the hand-over
 * button (take control or release it), and this viewer's display name as
 * other viewers see it (docs/PROTOCOL.md, "Roles and control").
 *
 * @module
 */

import type { ControlView } from "../../lib/protocol/control.ts";
import { controlSummary } from "./control_badge.tsx";

/** Props of {@linkcode ControlSection}. */
export interface ControlSectionProps {
  /** The last `control` message; null before the first. */
  view: ControlView | null;
  onTake(): void;
  onRelease(): void;
  /** The display name this browser remembers. */
  name: string;
  /** Remembers a new name and tells the server. */
  onName(name: string): void;
}

/** A line, a button, a name field. */
export function ControlSection(props: ControlSectionProps) {
  const summary = props.view ? controlSummary(props.view) : undefined;
  return (
    <>
      <p class="line" data-control={summary?.state}>
        {summary?.text ?? "Waiting for the server…"}
      </p>
      {summary?.action && (
        <div class="buttons">
          <button
            type="button"
            class={summary.action === "take" ? "primary" : ""}
            onClick={summary.action === "take" ? props.onTake : props.onRelease}
          >
            {summary.action === "take" ? "Take control" : "Release control"}
          </button>
        </div>
      )}
      <label class="row">
        Your name
        <input
          type="text"
          name="displayName"
          maxLength={32}
          placeholder="viewer"
          autoComplete="nickname"
          value={props.name}
          onChange={(e) => props.onName(e.currentTarget.value)}
        />
      </label>
    </>
  );
}

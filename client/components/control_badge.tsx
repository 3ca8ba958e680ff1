/**
 * Who controls the desktop, shown to every viewer, and the "Take control"
 * button of full-control viewers (docs/PROTOCOL.md, "Roles and control").
 * A small pill at the top right; the menu may show the same facts later.
 *
 * @module
 */

import type { JSX } from "preact";
import type { ControlView } from "../../lib/protocol/control.ts";

/** What the badge says and offers for a control state. */
export interface ControlSummary {
  /** One line for the pill. */
  text: string;
  /** The button it offers: take control, give it up, or none. */
  action: "take" | "release" | undefined;
  /** `data-control` of the pill, for styling and tests. */
  state: "you" | "other" | "free" | "view-only";
}

/** The words and the button for `view`. */
export function controlSummary(view: ControlView): ControlSummary {
  const controller = view.controller;
  if (view.you.role === "view") {
    return {
      text: controller ? `View only · ${controller.name} has control` : "View only",
      action: undefined,
      state: "view-only",
    };
  }
  if (!controller) {
    return { text: "Nobody has control: type or click to take it", action: "take", state: "free" };
  }
  if (controller.peer === view.you.peer) {
    return { text: "You have control", action: "release", state: "you" };
  }
  return { text: `${controller.name} has control`, action: "take", state: "other" };
}

/** Props of {@linkcode ControlBadge}. */
export interface ControlBadgeProps {
  /** The last `control` message, or null before the first. */
  view: ControlView | null;
  onTake(): void;
  onRelease(): void;
}

const PILL: JSX.CSSProperties = {
  position: "fixed",
  top: "calc(12px + env(safe-area-inset-top))",
  right: "calc(12px + env(safe-area-inset-right))",
  display: "flex",
  alignItems: "center",
  gap: "8px",
  maxWidth: "min(420px, calc(100vw - 24px))",
  padding: "4px 6px 4px 12px",
  borderRadius: "999px",
  background: "rgba(32, 33, 36, 0.88)",
  boxShadow: "0 2px 8px rgba(0, 0, 0, 0.4)",
  fontSize: "13px",
  zIndex: "10",
  // The pill sits over the video: only its button takes the pointer.
  pointerEvents: "none",
};

const BUTTON: JSX.CSSProperties = {
  font: "inherit",
  color: "inherit",
  background: "#1a73e8",
  border: "none",
  borderRadius: "999px",
  padding: "4px 10px",
  cursor: "pointer",
  pointerEvents: "auto",
  whiteSpace: "nowrap",
};

/** The control pill; nothing before the server has said who controls. */
export function ControlBadge(props: ControlBadgeProps): JSX.Element | null {
  if (!props.view) return null;
  const summary = controlSummary(props.view);
  const action = summary.action;
  return (
    <div
      class="control"
      style={action ? PILL : { ...PILL, paddingRight: "12px" }}
      role="status"
      aria-live="polite"
      data-control={summary.state}
    >
      <span style={{ overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>
        {summary.text}
      </span>
      {action && (
        <button
          type="button"
          style={action === "take" ? BUTTON : { ...BUTTON, background: "#3c4043" }}
          // Keep the focus on the input textarea: typing goes on reaching the desktop.
          onMouseDown={(ev) => ev.preventDefault()}
          onClick={action === "take" ? props.onTake : props.onRelease}
        >
          {action === "take" ? "Take control" : "Release"}
        </button>
      )}
    </div>
  );
}

/**
 * Roles and control (docs/PROTOCOL.md, "Roles and control"): what a viewer
 * may do, who controls the desktop now, and the display names viewers show
 * each other. Shared by server and client.
 *
 * @module
 */

/**
 * What a login may do: `full` watches and controls (input, clipboard, file
 * transfer); `view` only watches. The password a viewer logged in with decides.
 */
export type Role = "full" | "view";

/** The viewer who controls the desktop, as every viewer is shown it. */
export interface Controller {
  /** Its peer id. */
  peer: string;
  /** The name it chose, or "viewer N". */
  name: string;
}

/** The `control` message's content: who the recipient is, and who controls. */
export interface ControlView {
  /** The recipient: its peer id and role. */
  you: { peer: string; role: Role };
  /** The viewer in control, or null when nobody is. */
  controller: Controller | null;
}

/** Longest display name kept, in characters (code points); longer ones are cut. */
export const MAX_DISPLAY_NAME = 32;

/**
 * C0 and C1 control characters, DEL, and the format characters that reorder
 * or hide text (bidirectional overrides and isolates, zero-width joiners and
 * marks, the BOM): a name must look like what it is.
 */
// deno-lint-ignore no-control-regex
const UNSHOWABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu;

/**
 * A display name fit to show to other viewers: unshowable characters
 * removed, runs of white space made one space, trimmed, cut to
 * {@linkcode MAX_DISPLAY_NAME} characters. "" when nothing is left.
 */
export function cleanDisplayName(raw: string): string {
  const text = raw.replace(UNSHOWABLE, "").replace(/\s+/gu, " ").trim();
  return [...text].slice(0, MAX_DISPLAY_NAME).join("").trim();
}

/** The name of a viewer who chose none: peer `p7` is "viewer 7". */
export function defaultDisplayName(peer: string): string {
  return `viewer ${peer.replace(/^p/, "")}`;
}

/** Whether `value` is a role. */
export function isRole(value: unknown): value is Role {
  return value === "full" || value === "view";
}

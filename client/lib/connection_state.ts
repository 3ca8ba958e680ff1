/**
 * The connection's state as the page shows it: the phase (status line) and,
 * when known, what failed (the connection screen's advice,
 * client/lib/connection_advice.ts). Pure types, shared by the connection and
 * the components.
 *
 * @module
 */

/** What the status line shows. */
export type Phase =
  | "connecting"
  | "starting"
  | "live"
  | "restarting"
  | "reconnecting"
  | "error";

/**
 * Why the connection is not live, when the client knows more than the phase
 * says (the connection screen's advice: client/lib/connection_advice.ts).
 * - `unauthorized`: the server refused the login (HTTP 401: the password is
 *   wrong or changed); no retry, a reload asks again.
 * - `login-blocked`: too many failed logins from this address (HTTP 429).
 * - `forbidden`: the server refused the page (HTTP 403 on `ws-token`).
 * - `refused`: the page token came, but the WebSocket upgrade was refused
 *   (an origin not in `--allowed-origins`, a proxy without WebSocket support).
 * - `unreachable`: the server did not answer at all.
 * - `full`, `too-big`: the server's `error` codes (it closes the socket next).
 * - `ice-failed`: no network path for the media (ICE failed): try the relay.
 * - `browser`: this browser could not set the stream up.
 */
export type FailureReason =
  | "unauthorized"
  | "login-blocked"
  | "forbidden"
  | "refused"
  | "unreachable"
  | "full"
  | "too-big"
  | "ice-failed"
  | "browser";

/** The connection's state for the UI. */
export interface ConnectionState {
  phase: Phase;
  /** What failed, when known. */
  reason?: FailureReason;
  /** The server's `error` code behind an `error` phase (`no-codec`, `media`). */
  code?: string;
  /** Extra text, e.g. the server's error message. */
  detail?: string;
  /** When the next attempt happens, in ms from now. */
  retryInMs?: number;
}

/**
 * What the media session needs of a helper: a message pipe and a process to
 * stop. `HelperProcess` is the real one; tests use a recording fake.
 *
 * @module
 */

import type { FromHelper, ToHelper } from "./protocol/helper.ts";

/** How a helper process ended. */
export interface HelperExitStatus {
  /** Exit code (128 + signal number when killed). */
  code: number;
  /** Signal that killed it, if any. */
  signal: Deno.Signal | null;
}

/** One running helper, seen from the server. */
export interface HelperLink {
  /** Its process id. */
  readonly pid: number;
  /** Resolves when it has exited and its output is drained. */
  readonly exited: Promise<HelperExitStatus>;
  /** Writes one message; returns false (and drops it) when the helper no longer reads. */
  send(message: ToHelper): boolean;
  /** Sends `stop`, SIGKILL after `graceMs` (default 3000) if it has not exited; resolves on exit. */
  stop(graceMs?: number): Promise<HelperExitStatus>;
  /** SIGKILL, ignoring a helper that is already gone. */
  kill(): void;
}

/** Starts a helper whose messages go to `onMessage`. */
export type SpawnHelper = (onMessage: (message: FromHelper) => void) => HelperLink;

/**
 * Stopping a child process: ask it to exit, then SIGKILL it after a grace
 * period. The one way the server stops the helper, the X server and the
 * desktop's programs, and the tests stop a server.
 *
 * @module
 */

/** What {@linkcode stopProcess} needs of a child; `Deno.ChildProcess` is one. */
export interface StoppableProcess<S> {
  kill(signal?: Deno.Signal): void;
  /** Resolves when the process has exited. */
  readonly status: Promise<S>;
}

/** Options of {@linkcode stopProcess}. */
export interface StopProcessOptions {
  /** Asks the process to exit. Default: send SIGTERM. */
  ask?: () => void;
  /** How long to wait after asking before SIGKILL, in ms. Default 2000. */
  graceMs?: number;
  /** Called when the grace period ran out, just before SIGKILL (to log it). */
  onKill?: () => void;
}

/**
 * Asks `child` to exit (SIGTERM unless `ask` says otherwise), sends SIGKILL if
 * it is still running `graceMs` later, and resolves with its exit status. A
 * process that has already exited is fine.
 */
export async function stopProcess<S>(
  child: StoppableProcess<S>,
  options: StopProcessOptions = {},
): Promise<S> {
  const { ask = () => signalProcess(child, "SIGTERM"), graceMs = 2000 } = options;
  ask();
  const timer = setTimeout(() => {
    options.onKill?.();
    signalProcess(child, "SIGKILL");
  }, graceMs);
  try {
    return await child.status;
  } finally {
    clearTimeout(timer);
  }
}

/** Sends `signal` to `child`, ignoring a process that has already exited. */
export function signalProcess(
  child: Pick<StoppableProcess<unknown>, "kill">,
  signal: Deno.Signal,
): void {
  try {
    child.kill(signal);
  } catch {
    // already exited
  }
}

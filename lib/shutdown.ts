/**
 * Stopping Skerry: the cleanups (web server, input, helper, desktop, X
 * server) run once, last started first stopped, within a deadline, whatever
 * asked for the stop: SIGINT, SIGTERM, SIGHUP (the terminal hung up: the
 * user is gone), an uncaught error or an unhandled rejection, or a failed
 * start. What a `kill -9` leaves behind is handled by the children's
 * parent-death signal (child_command.ts), not here.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";

const log = getLogger(["skerry", "shutdown"]);

/** Signals that stop Skerry. */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** Options of {@linkcode Shutdown}. */
export interface ShutdownOptions {
  /** How long all cleanups together may take, in ms, before Skerry exits anyway. Default 5000. */
  deadlineMs?: number;
  /** Ends the process. Default `Deno.exit`. */
  exit?: (code: number) => void;
}

/** One thing to undo. */
interface Cleanup {
  name: string;
  run: () => Promise<void> | void;
}

/**
 * The cleanups and the one stop that runs them. Exit codes: the first
 * stop's code (0 for a signal, 1 for an error), 1 when the deadline passes
 * or a third signal forces the exit.
 */
export class Shutdown {
  readonly #cleanups: Cleanup[] = [];
  readonly #deadlineMs: number;
  readonly #exit: (code: number) => void;
  #stopping: Promise<void> | undefined;
  #signals = 0;
  #exited = false;

  constructor(options: ShutdownOptions = {}) {
    this.#deadlineMs = options.deadlineMs ?? 5000;
    this.#exit = options.exit ?? ((code) => Deno.exit(code));
  }

  /** Adds a cleanup; it runs before every cleanup added earlier. */
  add(name: string, run: () => Promise<void> | void): void {
    this.#cleanups.push({ name, run });
  }

  /** Whether a stop has begun. */
  get stopping(): boolean {
    return this.#stopping !== undefined;
  }

  /**
   * Runs every cleanup once, last added first, each awaited (one that throws
   * is logged and the rest still run), then exits with `code`. Exits with 1
   * if they take longer than the deadline. Later calls return the first
   * call's promise.
   */
  stop(code: number): Promise<void> {
    this.#stopping ??= this.#run(code);
    return this.#stopping;
  }

  /**
   * A stop signal arrived: the first stops with code 0, the second only says
   * a stop is under way, the third exits at once with 1.
   */
  signal(signal: Deno.Signal): void {
    this.#signals++;
    if (this.#signals === 1) {
      log.info("Received {signal}, stopping", { signal });
      void this.stop(0);
    } else if (this.#signals === 2) {
      log.warn("Received {signal} while stopping; one more ends Skerry at once", { signal });
    } else {
      log.warn("Received {signal} a third time: exiting without finishing the cleanups", {
        signal,
      });
      this.#end(1);
    }
  }

  /** An uncaught error or unhandled rejection: one log line, then stop with 1. */
  crash(kind: "error" | "rejection", error: unknown): void {
    log.fatal(`Uncaught ${kind === "error" ? "error" : "promise rejection"} {error}; stopping`, {
      error: describe(error),
    });
    void this.stop(1);
  }

  async #run(code: number): Promise<void> {
    let current = "";
    const timer = setTimeout(() => {
      log.error("Cleanups did not finish within {deadlineMs} ms (stuck at {cleanup}); exiting", {
        deadlineMs: this.#deadlineMs,
        cleanup: current,
      });
      this.#end(1);
    }, this.#deadlineMs);
    for (const cleanup of this.#cleanups.toReversed()) {
      if (this.#exited) return;
      current = cleanup.name;
      try {
        await cleanup.run();
        log.debug("Stopped {cleanup}", { cleanup: cleanup.name });
      } catch (error) {
        log.warn("Stopping {cleanup} failed: {error}", {
          cleanup: cleanup.name,
          error: describe(error),
        });
      }
    }
    clearTimeout(timer);
    this.#end(code);
  }

  #end(code: number): void {
    if (this.#exited) return;
    this.#exited = true;
    this.#exit(code);
  }
}

/** "TypeError: x is undefined (at file.ts:12:3)": one line for a log. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const where = error.stack?.split("\n").find((l) => /^\s+at /.test(l))?.trim().slice(3);
  return `${error.name}: ${error.message}${where ? ` (at ${where})` : ""}`;
}

/**
 * Routes the stop signals and the global `error` and `unhandledrejection`
 * events to `shutdown` (the events' default, exiting at once without the
 * cleanups, is prevented).
 */
export function installShutdownHandlers(shutdown: Shutdown): void {
  for (const signal of STOP_SIGNALS) {
    Deno.addSignalListener(signal, () => shutdown.signal(signal));
  }
  globalThis.addEventListener("error", (event) => {
    event.preventDefault();
    shutdown.crash("error", event.error);
  });
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    shutdown.crash("rejection", event.reason);
  });
}

/**
 * Runs test/fixtures/x_recorder.ts on a display and collects what the X
 * server delivered to it.
 *
 * @module
 */

import { stopProcess } from "../lib/process.ts";
import { readLines } from "../lib/read_lines.ts";

/** One event as the recorder prints it. */
export interface RecordedEvent {
  type: "key" | "button" | "motion";
  down?: boolean;
  keycode?: number;
  keysym?: number;
  text?: string;
  button?: number;
  x?: number;
  y?: number;
  state: number;
  /** Epoch ms, sub-millisecond precision. */
  t: number;
}

/** A running recorder. */
export interface Recorder {
  /** Everything recorded so far. */
  readonly events: RecordedEvent[];
  /** Key-down events' text, joined. */
  typed(): string;
  /**
   * Resolves once `predicate` holds for the events (checked now and at each
   * event that arrives); rejects after `timeoutMs` (default 5000) or when
   * the recorder exits.
   */
  until(
    what: string,
    predicate: (events: RecordedEvent[]) => boolean,
    timeoutMs?: number,
  ): Promise<void>;
  /** Forgets what was recorded so far. */
  clear(): void;
  stop(): Promise<void>;
}

interface Waiter {
  predicate: (events: RecordedEvent[]) => boolean;
  resolve(): void;
  reject(error: Error): void;
}

/** An X display and what a client needs in its environment to open it. */
export interface TestDisplay {
  readonly name: string;
  /** DISPLAY and XAUTHORITY. */
  readonly env: Readonly<Record<string, string>>;
}

/** Starts the recorder on `display` and waits until its window has the focus. */
export async function startRecorder(display: TestDisplay): Promise<Recorder> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-ffi",
      "--allow-env",
      new URL("./fixtures/x_recorder.ts", import.meta.url).pathname,
      "--display",
      display.name,
    ],
    env: display.env,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const events: RecordedEvent[] = [];
  const waiters = new Set<Waiter>();
  const ready = Promise.withResolvers<void>();
  const reading = (async () => {
    for await (const line of readLines(child.stdout)) {
      const event = JSON.parse(line) as RecordedEvent | { type: "ready" };
      if (event.type === "ready") {
        ready.resolve();
        continue;
      }
      events.push(event as RecordedEvent);
      for (const waiter of waiters) if (waiter.predicate(events)) waiter.resolve();
    }
    const gone = new Error("the recorder exited");
    ready.reject(gone);
    for (const waiter of waiters) waiter.reject(gone);
  })();
  await ready.promise;
  return {
    events,
    typed: () => events.filter((e) => e.type === "key" && e.down).map((e) => e.text).join(""),
    until(what, predicate, timeoutMs = 5000) {
      if (predicate(events)) return Promise.resolve();
      const { promise, resolve, reject } = Promise.withResolvers<void>();
      const timer = setTimeout(() => {
        reject(
          new Error(`Timed out waiting for ${what}; recorded ${JSON.stringify(events.slice(-10))}`),
        );
      }, timeoutMs);
      const waiter: Waiter = { predicate, resolve, reject };
      waiters.add(waiter);
      return promise.finally(() => {
        clearTimeout(timer);
        waiters.delete(waiter);
      });
    },
    clear: () => void events.splice(0),
    async stop() {
      await stopProcess(child);
      await reading.catch(() => {});
    },
  };
}

/** Runs `setxkbmap` on `display`. */
export async function setLayout(display: TestDisplay, layout: string): Promise<void> {
  const out = await new Deno.Command("setxkbmap", {
    args: ["-display", display.name, layout],
    env: display.env,
    stderr: "piped",
  })
    .output();
  if (!out.success) throw new Error(`setxkbmap ${layout}: ${new TextDecoder().decode(out.stderr)}`);
}

/**
 * Starts bench/clock_painter.ts (the time code the benches and the heal test
 * read back from every presented frame) as a child process.
 *
 * @module
 */

import { readLines } from "../lib/read_lines.ts";

/** Options of {@linkcode startClockPainter}. */
export interface PainterOptions {
  /** Repaint interval in ms, or a `"MIN-MAX"` range (a random pause each time); default the painter's own. */
  intervalMs?: number | string;
  /** Scroll the whole screen behind the clock (the `motion` scene). */
  motion?: boolean;
  /** Move a 256x256 box across the still screen every frame (the `window` scene). */
  window?: boolean;
  /** Paint the code once, then change nothing (the `idle` scene). */
  still?: boolean;
  /** Repaint the code each time a key goes down (the `typing` scene). */
  onKey?: boolean;
}

/** Starts the painter on `display` and resolves once its window is mapped ("ready"). */
export async function startClockPainter(
  display: { name: string; env?: Record<string, string> },
  options: PainterOptions = {},
): Promise<Deno.ChildProcess> {
  const painter = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-ffi",
      "--allow-env",
      new URL("./clock_painter.ts", import.meta.url).pathname,
      "--display",
      display.name,
      ...(options.intervalMs === undefined ? [] : ["--interval-ms", String(options.intervalMs)]),
      ...(options.motion ? ["--motion"] : []),
      ...(options.window ? ["--window"] : []),
      ...(options.still ? ["--still"] : []),
      ...(options.onKey ? ["--on-key"] : []),
    ],
    env: display.env ?? {},
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  await readLines(painter.stdout)[Symbol.asyncIterator]().next(); // "ready"
  return painter;
}

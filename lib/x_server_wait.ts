/**
 * Starting an X server on a number of its own: a free display number, the
 * wait for its socket (and that the socket is its own, not a racing
 * server's), and what its output says when it fails.
 *
 * @module
 */

import { pollUntil } from "./poll.ts";
import { stopProcess } from "./process.ts";
import { readLines } from "./read_lines.ts";

/** Returns the lowest display number >= `first` with neither a socket nor a lock file. */
export function freeDisplayNumber(first = 20): number {
  for (let n = first; n < first + 1000; n++) {
    if (!exists(`/tmp/.X11-unix/X${n}`) && !exists(`/tmp/.X${n}-lock`)) return n;
  }
  throw new Error(`No free X display number in ${first}-${first + 999}`);
}

/**
 * Resolves when `/tmp/.X11-unix/X<number>` exists; rejects if `child` exits
 * first (saying why, from `output`: its lines once it has exited) or is not
 * ready after `timeoutMs` (then stops it).
 */
export async function waitForSocket(
  number: number,
  child: Deno.ChildProcess,
  timeoutMs: number,
  output: () => Promise<string[]>,
): Promise<void> {
  let exited = false;
  let taken = false;
  child.status.then(() => exited = true);
  try {
    await pollUntil(() => {
      if (exited) throw new Error(`X server for :${number} exited`);
      if (!exists(`/tmp/.X11-unix/X${number}`)) return false;
      // Another process may have started a server on the same number a moment earlier: the
      // socket is then its, and ours is about to exit. The lock file names the owner.
      const owner = lockOwner(number);
      if (owner === child.pid) return true;
      if (owner !== undefined) taken = true;
      if (taken) throw new Error(`X server for :${number}: another server is already active`);
      return false;
    }, { what: `the X socket of :${number}`, timeoutMs, intervalMs: 20 });
  } catch {
    if (taken) {
      await stopProcess(child);
      await output();
      throw new Error(`Server is already active for display ${number}`);
    }
    if (exited) throw new Error(`X server for :${number} exited: ${firstError(await output())}`);
    await stopProcess(child);
    await output();
    throw new Error(`X server for :${number} not ready after ${timeoutMs} ms`);
  }
}

/** The process id in `/tmp/.X<number>-lock` (the server that owns the number), if readable. */
function lockOwner(number: number): number | undefined {
  try {
    const pid = Number(Deno.readTextFileSync(`/tmp/.X${number}-lock`).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The most telling line of an X server's output: its first error, else its last line. */
function firstError(lines: string[]): string {
  const strip = (l: string) => l.replace(/^\(EE\)\s*/, "").trim();
  // Xorg prints "(EE) Fatal server error:" and the reason on the next line.
  const fatal = lines.findIndex((l) => /Fatal server error/.test(l));
  const reason = fatal >= 0
    ? lines.slice(fatal + 1).find((l) => strip(l) !== "")
    : lines.find((l) => /^\(EE\) \S/.test(l));
  return strip(reason ?? lines.filter((l) => l.trim()).pop() ?? "no output");
}

/** Collects the last 50 lines of a stream in the background. */
export function tail(stream: ReadableStream<Uint8Array>): { lines: string[]; done: Promise<void> } {
  const lines: string[] = [];
  const done = (async () => {
    for await (const line of readLines(stream, 8192)) {
      lines.push(line);
      if (lines.length > 50) lines.shift();
    }
  })().catch(() => {});
  return { lines, done };
}

export function readLog(path: string): string[] {
  try {
    return Deno.readTextFileSync(path).split("\n");
  } catch {
    return [];
  }
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

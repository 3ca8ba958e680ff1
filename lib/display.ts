/**
 * Virtual X displays: find a free display number, start an X server on it,
 * wait until it accepts connections, stop it.
 *
 * @module
 */

/** A running X server that this process started. */
export interface VirtualDisplay {
  /** The display name, e.g. `":12"`. */
  readonly name: string;
  /** Which server runs it. */
  readonly backend: "xvfb" | "xorg";
  /** Screen size at start, in pixels. */
  readonly width: number;
  readonly height: number;
  /** Stops the server (SIGTERM, then SIGKILL after 2 s) and removes its files. */
  stop(): Promise<void>;
}

/** Options of {@linkcode startXvfb}. */
export interface StartXvfbOptions {
  /** Screen width in pixels. Default 1280. */
  width?: number;
  /** Screen height in pixels. Default 720. */
  height?: number;
  /** First display number to try. Default 20. */
  firstDisplay?: number;
  /** How long to wait for the server to accept connections, in ms. Default 10000. */
  timeoutMs?: number;
}

/** Returns the lowest display number >= `first` with neither a socket nor a lock file. */
export function freeDisplayNumber(first = 20): number {
  for (let n = first; n < first + 1000; n++) {
    if (!exists(`/tmp/.X11-unix/X${n}`) && !exists(`/tmp/.X${n}-lock`)) return n;
  }
  throw new Error(`No free X display number in ${first}-${first + 999}`);
}

/** Starts Xvfb on a free display and resolves once it accepts connections. */
export async function startXvfb(options: StartXvfbOptions = {}): Promise<VirtualDisplay> {
  const { width = 1280, height = 720, firstDisplay = 20, timeoutMs = 10_000 } = options;
  const number = freeDisplayNumber(firstDisplay);
  const name = `:${number}`;
  const child = new Deno.Command("Xvfb", {
    args: [name, "-screen", "0", `${width}x${height}x24`, "-nolisten", "tcp", "-noreset"],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitForSocket(number, child, timeoutMs);
  return {
    name,
    backend: "xvfb",
    width,
    height,
    stop: () => stopChild(child),
  };
}

/** Resolves when `/tmp/.X11-unix/X<number>` exists; rejects if `child` exits first. */
export async function waitForSocket(
  number: number,
  child: Deno.ChildProcess,
  timeoutMs: number,
): Promise<void> {
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + timeoutMs;
  while (!exists(`/tmp/.X11-unix/X${number}`)) {
    if (exited) throw new Error(`X server for :${number} exited before it was ready`);
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`X server for :${number} not ready after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export async function stopChild(child: Deno.ChildProcess, graceMs = 2000): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch {
    return; // already gone
  }
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, graceMs);
  await child.status;
  clearTimeout(timer);
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

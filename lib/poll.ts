/**
 * Waiting for a condition that nothing announces (a socket file appearing, a
 * frame counter growing): call a check every few ms until it holds.
 *
 * @module
 */

/** Options of {@linkcode pollUntil}. */
export interface PollOptions {
  /** What is awaited, for the timeout message, e.g. "the X socket". */
  what: string;
  /** Give up after this long, in ms. Default 10000. */
  timeoutMs?: number;
  /** Pause between two checks, in ms. Default 100. */
  intervalMs?: number;
}

/**
 * Calls `check` until it returns a truthy value, and resolves with that
 * value. Rethrows what `check` throws. After `timeoutMs` rejects with
 * `Timed out after <timeoutMs> ms waiting for <what> (last: <last value>)`.
 */
export async function pollUntil<T>(
  check: () => T | Promise<T>,
  options: PollOptions,
): Promise<NonNullable<T>> {
  const { what, timeoutMs = 10_000, intervalMs = 100 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (last: ${show(value)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, left)));
  }
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

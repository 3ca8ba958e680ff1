/**
 * At most once per interval: for log lines and error replies under a flood.
 * Pure: the caller passes the time.
 *
 * @module
 */

/** Says yes at most once per `intervalMs`. */
export class Throttle {
  readonly #intervalMs: number;
  #next = -Infinity;

  /** @param intervalMs the shortest time between two yeses, in ms. */
  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** True when `intervalMs` has passed since the last true (or never was one), at `now` (ms). */
  due(now: number): boolean {
    if (now < this.#next) return false;
    this.#next = now + this.#intervalMs;
    return true;
  }
}

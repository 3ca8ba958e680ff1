/**
 * Exponential backoff for restarting something that keeps failing (the media
 * helper): a pure model, no timers and no clock of its own.
 *
 * @module
 */

/** Options of {@linkcode Backoff}; every value in ms. */
export interface BackoffOptions {
  /** First delay after a failure. Default 250. */
  initialMs?: number;
  /** Largest delay. Default 8000. */
  maxMs?: number;
  /** An attempt that ran this long counts as a success: the delay starts over. Default 10000. */
  stableMs?: number;
}

/**
 * Delays of `initialMs`, doubling up to `maxMs` while attempts keep failing;
 * an attempt that ran at least `stableMs` starts the sequence over.
 *
 * ```ts
 * const backoff = new Backoff();
 * backoff.next(); // 250
 * backoff.next(); // 500
 * backoff.next(12_000); // 250: the last attempt ran 12 s
 * ```
 */
export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly stableMs: number;
  #nextMs: number;
  #lastMs = 0;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 250;
    this.maxMs = options.maxMs ?? 8000;
    this.stableMs = options.stableMs ?? 10_000;
    if (!(this.initialMs > 0 && this.initialMs <= this.maxMs)) {
      throw new RangeError(
        `Cannot create Backoff: initialMs must be 1-${this.maxMs}, received ${this.initialMs}`,
      );
    }
    this.#nextMs = this.initialMs;
  }

  /**
   * The delay before the next attempt, in ms; each call doubles the one after
   * it, up to `maxMs`. `ranMs` is how long the attempt that just failed ran,
   * in ms (default 0): at least `stableMs` resets the delay first.
   */
  next(ranMs = 0): number {
    if (ranMs >= this.stableMs) this.reset();
    this.#lastMs = this.#nextMs;
    this.#nextMs = Math.min(this.#nextMs * 2, this.maxMs);
    return this.#lastMs;
  }

  /** Starts over: the next delay is `initialMs`. */
  reset(): void {
    this.#nextMs = this.initialMs;
    this.#lastMs = 0;
  }

  /** Whether the last delay given was `maxMs`: attempts keep failing. */
  get atMax(): boolean {
    return this.#lastMs === this.maxMs;
  }
}

/**
 * A token bucket: the rate limit of every per-viewer limit (signalling
 * frames, input messages, scroll notches, typed characters, gamepad
 * connects). Pure: the caller passes the time, so tests need no clock.
 *
 * @module
 */

/** The shape of a {@linkcode TokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added per second: the sustained rate. */
  ratePerSecond: number;
  /** Most tokens held at once: the largest burst. The bucket starts full. */
  capacity: number;
}

/** Allows `ratePerSecond` events on average and bursts of up to `capacity`. */
export class TokenBucket {
  readonly #rate: number;
  readonly #capacity: number;
  #tokens: number;
  #at: number;

  /** A full bucket at time `now` (ms, any clock that only moves forward). */
  constructor(options: TokenBucketOptions, now: number) {
    if (!(options.ratePerSecond >= 0) || !(options.capacity >= 1)) {
      throw new RangeError(
        `Cannot make a token bucket: rate must be >= 0 and capacity >= 1, received ${options.ratePerSecond} and ${options.capacity}`,
      );
    }
    this.#rate = options.ratePerSecond;
    this.#capacity = options.capacity;
    this.#tokens = options.capacity;
    this.#at = now;
  }

  /** Takes `n` tokens (default 1) at time `now` (ms); false, taking none, when fewer are left. */
  take(now: number, n = 1): boolean {
    this.#refill(now);
    if (this.#tokens < n) return false;
    this.#tokens -= n;
    return true;
  }

  /** Takes up to `n` tokens at time `now` (ms) and returns how many it took (whole tokens). */
  takeUpTo(now: number, n: number): number {
    this.#refill(now);
    const taken = Math.max(0, Math.min(n, Math.floor(this.#tokens)));
    this.#tokens -= taken;
    return taken;
  }

  /** Whole tokens available at time `now` (ms). */
  available(now: number): number {
    this.#refill(now);
    return Math.floor(this.#tokens);
  }

  #refill(now: number): void {
    // A clock that steps back (fake time in tests, a wall-clock change) adds nothing.
    const elapsed = Math.max(0, now - this.#at);
    this.#at = Math.max(this.#at, now);
    if (elapsed === 0) return; // and Infinity * 0 never makes NaN
    this.#tokens = Math.min(this.#capacity, this.#tokens + (elapsed * this.#rate) / 1000);
  }
}

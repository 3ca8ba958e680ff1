/**
 * Failed-login rate limit per client address: after `maxFailures` wrong
 * passwords within `windowMs`, that address is answered 429 for `blockMs`,
 * whatever it sends. IPv6 addresses count per /64 (one host usually holds a
 * whole /64, so rotating within it would dodge the limit).
 *
 * A pure model: no I/O; the clock is injected.
 *
 * @module
 */

/** Options of {@linkcode LoginLimiter}. */
export interface LoginLimiterOptions {
  /** Failures that start a block. Default 5. */
  maxFailures?: number;
  /** The sliding window the failures are counted in, in ms. Default 60000. */
  windowMs?: number;
  /** How long a block lasts, in ms. Default 300000 (5 min). */
  blockMs?: number;
  /** Addresses remembered at most (oldest forgotten first). Default 10000. */
  maxAddresses?: number;
  /** The clock, in ms. Default `Date.now`. */
  now?: () => number;
}

interface Entry {
  /** Times of the failures still in the window, oldest first, in ms. */
  failures: number[];
  /** When the block ends, in ms; 0 when not blocked. */
  blockedUntil: number;
}

/** What {@linkcode LoginLimiter.fail} concluded. */
export interface FailureVerdict {
  /** Failures in the window, this one included (0 once a block starts). */
  failures: number;
  /** Set when this failure started a block: how long it lasts, in ms. */
  blockedForMs?: number;
}

/** Counts failed logins per address and says when to refuse. */
export class LoginLimiter {
  readonly #entries = new Map<string, Entry>();
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #blockMs: number;
  readonly #maxAddresses: number;
  readonly #now: () => number;

  constructor(options: LoginLimiterOptions = {}) {
    this.#maxFailures = options.maxFailures ?? 5;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#blockMs = options.blockMs ?? 300_000;
    this.#maxAddresses = options.maxAddresses ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** How long `address` must still wait, in ms; 0 when it may try. */
  retryAfterMs(address: string): number {
    const entry = this.#entries.get(limitKey(address));
    return entry ? Math.max(0, entry.blockedUntil - this.#now()) : 0;
  }

  /** Records a wrong password from `address`. */
  fail(address: string): FailureVerdict {
    const key = limitKey(address);
    const now = this.#now();
    const entry = this.#entries.get(key) ?? { failures: [], blockedUntil: 0 };
    this.#entries.delete(key); // re-inserted below: the map stays in least-recent order
    entry.failures = entry.failures.filter((t) => t > now - this.#windowMs);
    entry.failures.push(now);
    let verdict: FailureVerdict = { failures: entry.failures.length };
    if (entry.failures.length >= this.#maxFailures) {
      entry.failures = [];
      entry.blockedUntil = now + this.#blockMs;
      verdict = { failures: 0, blockedForMs: this.#blockMs };
    }
    this.#entries.set(key, entry);
    this.#forgetOld(now);
    return verdict;
  }

  /** Addresses currently remembered (for tests). */
  get size(): number {
    return this.#entries.size;
  }

  #forgetOld(now: number): void {
    if (this.#entries.size <= this.#maxAddresses) return;
    for (const [key, entry] of this.#entries) {
      const stale = entry.blockedUntil <= now &&
        entry.failures.every((t) => t <= now - this.#windowMs);
      if (stale) this.#entries.delete(key);
    }
    // Still full: forget the least recently failing ones.
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxAddresses) break;
      this.#entries.delete(key);
    }
  }
}

/**
 * The key an address is counted under: IPv4 as is (also when mapped into
 * IPv6), IPv6 by its /64 prefix, anything else as is.
 */
export function limitKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(":")) return address;
  const groups = expandIpv6(address.replace(/%.*$/, ""));
  return groups ? `${groups.slice(0, 4).join(":")}::/64` : address;
}

/** The eight 16-bit groups of an IPv6 address, as hex without leading zeros; undefined if invalid. */
function expandIpv6(address: string): string[] | undefined {
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  const head = parse(halves[0]!);
  const tail = parse(halves[1] ?? "");
  // A trailing dotted IPv4 part stands for two groups.
  const last = tail.length > 0 ? tail : head;
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(last[last.length - 1] ?? "");
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    last.splice(-1, 1, ((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
  }
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill("0"), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.map((g) => parseInt(g, 16).toString(16));
}

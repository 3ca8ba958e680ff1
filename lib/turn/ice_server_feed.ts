/**
 * The current RTC configuration, kept fresh: takes the first source that
 * answers (highest precedence first), renews time-limited credentials when
 * half their lifetime has passed, asks a source that failed again every
 * minute, re-reads a watched source when it changes, and tells subscribers
 * (the browsers, the helper) whenever the configuration changes.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { IceSource } from "./ice_sources.ts";
import { grantExpiryMs, type IceGrant, type RtcConfiguration } from "./rtc_configuration.ts";

const log = getLogger(["skerry", "turn"]);

/** Options of {@linkcode IceServerFeed}. */
export interface IceServerFeedOptions {
  /** How long after a failure a higher source is asked again, in ms. Default 60000. */
  retryMs?: number;
  /** Shortest time between two renewals, in ms. Default 1000. */
  minRenewMs?: number;
}

interface Cached {
  grant: IceGrant;
  /** When to ask the source again, in ms since the epoch (Infinity: never). */
  renewAtMs: number;
}

/** The RTC configuration from the first available source, renewed and watched. */
export class IceServerFeed {
  readonly #sources: readonly IceSource[];
  readonly #retryMs: number;
  readonly #minRenewMs: number;
  readonly #cache = new Map<IceSource, Cached>();
  readonly #listeners = new Set<(config: RtcConfiguration) => void>();
  /** The last failure of each source, so a lasting one is logged once. */
  readonly #failures = new Map<IceSource, string>();
  readonly #unwatch: (() => void)[] = [];
  #current: RtcConfiguration = { iceServers: [] };
  #chosen: IceSource | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> = Promise.resolve();
  #pending = false;
  /** Set once the first configuration is in: later ones are news for subscribers. */
  #started = false;
  #closed = false;

  constructor(sources: readonly IceSource[], options: IceServerFeedOptions = {}) {
    this.#sources = sources;
    this.#retryMs = options.retryMs ?? 60_000;
    this.#minRenewMs = options.minRenewMs ?? 1000;
  }

  /** Resolves the first configuration and starts watching the sources that can be watched. */
  async start(): Promise<void> {
    for (const source of this.#sources) {
      const stop = source.watch?.(() => {
        this.#cache.delete(source);
        void this.refresh();
      });
      if (stop) this.#unwatch.push(stop);
    }
    await this.refresh();
    this.#started = true;
  }

  /** The configuration now. */
  get current(): RtcConfiguration {
    return this.#current;
  }

  /** The source the configuration comes from (for logs and tests). */
  get source(): string | undefined {
    return this.#chosen?.name;
  }

  /** Calls `listener` with every later configuration; returns a function that unsubscribes. */
  subscribe(listener: (config: RtcConfiguration) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Asks the sources again (those whose answer is still fresh answer from
   * the cache); calls queued while one runs coalesce into one more.
   */
  refresh(): Promise<void> {
    if (this.#pending) return this.#running;
    this.#pending = true;
    this.#running = this.#running.then(() => {
      this.#pending = false;
      return this.#update();
    });
    return this.#running;
  }

  /** Stops timers and watchers. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    for (const stop of this.#unwatch.splice(0)) stop();
    this.#listeners.clear();
  }

  async #update(): Promise<void> {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    const now = Date.now();
    let chosen: { source: IceSource; cached: Cached; index: number } | undefined;
    for (const [index, source] of this.#sources.entries()) {
      const cached = await this.#ask(source, now);
      if (cached) {
        chosen = { source, cached, index };
        break;
      }
    }
    if (this.#closed || !chosen) return;
    if (this.#chosen !== chosen.source) {
      log.info("ICE servers from {source}", { source: chosen.source.name });
      this.#chosen = chosen.source;
    }
    const config = chosen.cached.grant.config;
    if (JSON.stringify(config) !== JSON.stringify(this.#current)) {
      this.#current = config;
      if (this.#started) { for (const listener of this.#listeners) listener(config); }
    }
    // Renew the chosen source's credentials in time; ask failed higher sources again.
    let next = chosen.cached.renewAtMs;
    if (chosen.index > 0) next = Math.min(next, now + this.#retryMs);
    if (Number.isFinite(next)) {
      this.#timer = setTimeout(() => void this.refresh(), Math.max(0, next - Date.now()));
    }
  }

  /** The source's answer, from the cache while fresh; undefined (logged) when it fails. */
  async #ask(source: IceSource, now: number): Promise<Cached | undefined> {
    const cached = this.#cache.get(source);
    if (cached && now < cached.renewAtMs) return cached;
    try {
      const grant = await source.resolve(now);
      const expiry = grantExpiryMs(grant);
      let renewAtMs = expiry === undefined ? Infinity : now + (expiry - now) / 2;
      if (source.pollMs !== undefined) renewAtMs = Math.min(renewAtMs, now + source.pollMs);
      renewAtMs = Math.max(renewAtMs, now + this.#minRenewMs);
      const fresh = { grant, renewAtMs };
      this.#cache.set(source, fresh);
      this.#failures.delete(source);
      return fresh;
    } catch (error) {
      const reason = (error as Error).message;
      if (this.#failures.get(source) !== reason) {
        log.warn("ICE servers: {reason}; falling back to the next source", { reason });
      }
      this.#failures.set(source, reason);
      // Credentials that still work are kept a while longer; otherwise the next source answers.
      const expiry = cached ? grantExpiryMs(cached.grant) : undefined;
      if (cached && expiry !== undefined && expiry > now + this.#minRenewMs) {
        cached.renewAtMs = now +
          Math.max(this.#minRenewMs, Math.min(this.#retryMs, (expiry - now) / 2));
        return cached;
      }
      this.#cache.delete(source);
      return undefined;
    }
  }
}

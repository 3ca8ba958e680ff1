/**
 * What the helper forwards of one viewer's data-channel messages: each is
 * base64'd into a JSON line for the server, so a viewer sending as fast and
 * as large as SCTP allows would make the helper and the server do that work
 * for nothing. Messages over {@linkcode MAX_CHANNEL_MESSAGE} or over the
 * {@linkcode CHANNEL_RATE} are dropped here and counted; the server applies
 * the per-message limits of each channel (docs/PROTOCOL.md, "Limits").
 *
 * Pure: the caller passes the time.
 *
 * @module
 */

import { TokenBucket } from "../lib/token_bucket.ts";

/**
 * Largest data-channel message forwarded, in bytes. The input channel's
 * largest message is 1025 bytes (Text); a browser may send up to the SCTP
 * maximum message size webrtcbin offers (64 KiB).
 */
export const MAX_CHANNEL_MESSAGE = 4096;

/**
 * Messages forwarded per viewer: twice the server's input limit (2000/s,
 * bursts of 4000), so that the server's limits, which count each kind of
 * message, bite first; this one only stops floods at SCTP speed.
 */
export const CHANNEL_RATE = { ratePerSecond: 4000, capacity: 8000 } as const;

/** Why a message was dropped. */
export type ChannelDrop = "too-big" | "rate" | "text";

/** Counts of one viewer's data-channel messages. */
export interface ChannelGateStats {
  /** Messages forwarded to the server. */
  forwarded: number;
  /** Messages over {@linkcode MAX_CHANNEL_MESSAGE}. */
  tooBig: number;
  /** Messages over {@linkcode CHANNEL_RATE}. */
  limited: number;
  /** Text messages: every channel carries binary messages only. */
  text: number;
}

/** Decides, per message, whether the helper forwards it. */
export class ChannelGate {
  readonly #rate: TokenBucket;
  /** Counters, for the helper's log. */
  readonly stats: ChannelGateStats = { forwarded: 0, tooBig: 0, limited: 0, text: 0 };

  /** A gate with a full burst at time `now` (ms). */
  constructor(now: number) {
    this.#rate = new TokenBucket(CHANNEL_RATE, now);
  }

  /** Whether to forward a message of `size` bytes at `now` (ms); a drop is counted. */
  admit(size: number, now: number): ChannelDrop | "forward" {
    if (size > MAX_CHANNEL_MESSAGE) {
      this.stats.tooBig++;
      return "too-big";
    }
    if (!this.#rate.take(now)) {
      this.stats.limited++;
      return "rate";
    }
    this.stats.forwarded++;
    return "forward";
  }

  /** Counts a text message, which is never forwarded. */
  text(): ChannelDrop {
    this.stats.text++;
    return "text";
  }
}

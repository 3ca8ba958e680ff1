/**
 * Reads each linked viewer's webrtcbin statistics (`get-stats`, queued on
 * that viewer like any other call) four times a second for the congestion
 * loop (helper/congestion.ts) while frames are sent near the bitrate the
 * loop allows, and every second sends one `stats` message per viewer with
 * the pipeline's frame count (docs/PROTOCOL.md, "Helper").
 *
 * @module
 */

import type { CongestionLoop, ViewerRates } from "./congestion.ts";
import { log } from "./log.ts";
import type { Peer } from "./peer.ts";
import type { Pipeline } from "./pipeline.ts";
import { send } from "./send.ts";
import { sendRate, type SendSample, statsReport } from "./stats_report.ts";

/** How often statistics are sent, in ms: Prometheus scrapes every 15 s or so. */
export const STATS_INTERVAL_MS = 1000;
/**
 * How often statistics are read for the congestion loop, in ms: transport-wide
 * feedback covers 300 ms windows; a quarter second sees each about once.
 */
export const CONTROL_INTERVAL_MS = 250;
/**
 * Below this share of the bitrate the congestion loop allows a viewer, its
 * stream cannot be what congests the path (a clock, typing: a few kbit/s of
 * megabits): the once-a-second reading for the report feeds the loop, and
 * the three between are skipped (each costs webrtcbin's statistics walked
 * through FFI).
 */
export const LIGHT_SHARE = 0.1;

/** Whether a viewer sent `sentBps` so far under `allowedBps` that the loop needs no reading between reports. */
export function isLightStream(
  sentBps: number | undefined,
  allowedBps: number | undefined,
): boolean {
  return sentBps !== undefined && allowedBps !== undefined && allowedBps > 0 &&
    sentBps < allowedBps * LIGHT_SHARE;
}

/** Options of {@linkcode StatsPoller}. */
export interface StatsPollerOptions {
  /** The viewers now. */
  peers(): Iterable<Peer>;
  /** The shared pipeline, for the frame count. */
  pipeline: Pipeline;
  /** The congestion loop fed with every reading, if any. */
  loop?: CongestionLoop;
  /** A viewer's encoder's frame count (its encode tier's); default the pipeline's. */
  framesOf?: (peer: Peer) => Promise<number | undefined>;
  /**
   * Frames the capture has pushed so far, if it counts them: while none is
   * new, nothing was sent, so the congestion loop's readings are skipped (a
   * still screen then costs one reading a second, for the report).
   */
  framesPushed?: () => number | undefined;
  /** Reading interval in ms; default {@linkcode CONTROL_INTERVAL_MS} with a loop, else {@linkcode STATS_INTERVAL_MS}. */
  intervalMs?: number;
}

/** Sends each viewer's statistics once per interval while started. */
export class StatsPoller {
  readonly #options: StatsPollerOptions;
  readonly #previous = new Map<Peer, SendSample>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #busy = false;
  #failures = 0;
  #lastSent = -Infinity;
  #lastPushed: number | undefined;
  /** Every viewer's stream was light at the last report: no reading until the next. */
  #light = false;

  constructor(options: StatsPollerOptions) {
    this.#options = options;
  }

  /** Starts polling. */
  start(): void {
    this.#timer ??= setInterval(() => {
      // A round still waiting on a busy webrtcbin is not doubled up.
      if (this.#busy) return;
      this.#busy = true;
      void this.#round().finally(() => this.#busy = false);
    }, this.#options.intervalMs ?? (this.#options.loop ? CONTROL_INTERVAL_MS : STATS_INTERVAL_MS));
  }

  /** Stops polling; a round under way sends nothing more. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #round(): Promise<void> {
    const peers = [...this.#options.peers()];
    for (const gone of [...this.#previous.keys()].filter((p) => !peers.includes(p))) {
      this.#previous.delete(gone);
      this.#options.loop?.forget(gone.id);
    }
    const now = performance.now();
    // Sent once a second (a little early rather than a round late).
    const due = now - this.#lastSent >= STATS_INTERVAL_MS - CONTROL_INTERVAL_MS / 2;
    const pushed = this.#options.framesPushed?.();
    const still = pushed !== undefined && pushed === this.#lastPushed;
    this.#lastPushed = pushed;
    // A still screen sent nothing since the last round, or too little to congest anything:
    // no congestion reading to take.
    if (!due && (still || this.#light)) return;
    if (due) {
      this.#lastSent = now;
      this.#light = peers.length > 0;
    }
    const frames = due ? await this.#options.pipeline.framesEncoded() : undefined;
    for (const peer of peers) {
      try {
        const own = due && this.#options.framesOf ? await this.#options.framesOf(peer) : frames;
        if (!await this.#report(peer, own, due)) this.#light = false;
      } catch (error) {
        this.#light = false;
        // One line for the first failure, not one a second.
        if (this.#failures++ === 0) {
          log.warning("Cannot read statistics of {peer}: {error}", {
            peer: peer.id,
            error: (error as Error).message,
          });
        }
      }
    }
    await this.#options.loop?.apply();
  }

  /** Reads `peer`'s statistics, reports them when `due`; resolves with whether its stream is light. */
  async #report(peer: Peer, frames: number | undefined, due: boolean): Promise<boolean> {
    const reply = await peer.readStats();
    const at = performance.now();
    if (reply === null || !this.#timer) return false;
    this.#options.loop?.observe(peer.id, reply, at);
    if (!due) return false;
    const stats = statsReport(reply);
    if (stats === null) return false;
    if (frames !== undefined && peer.framesAtLink !== undefined) {
      stats.framesSent = Math.max(0, frames - peer.framesAtLink);
    }
    const sample = { bytesSent: stats.bytesSent, at };
    const rate = sendRate(this.#previous.get(peer), sample);
    if (rate !== undefined) stats.sendBitsPerSecond = rate;
    this.#previous.set(peer, sample);
    const rates: Partial<ViewerRates> = this.#options.loop?.rates(peer.id) ?? {};
    Object.assign(stats, rates);
    send({ type: "stats", peer: peer.id, stats });
    return isLightStream(rate, rates.availableBitsPerSecond ?? rates.encoderBitsPerSecond);
  }
}

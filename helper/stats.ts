/**
 * Every second, reads each linked viewer's webrtcbin statistics (`get-stats`,
 * queued on that viewer like any other call) and the pipeline's frame count,
 * and sends one `stats` message per viewer (docs/PROTOCOL.md, "Helper").
 *
 * @module
 */

import { log } from "./log.ts";
import type { Peer } from "./peer.ts";
import type { Pipeline } from "./pipeline.ts";
import { send } from "./send.ts";
import { sendRate, type SendSample, statsReport } from "./stats_report.ts";

/** How often statistics are read and sent, in ms: Prometheus scrapes every 15 s or so. */
export const STATS_INTERVAL_MS = 1000;

/** Options of {@linkcode StatsPoller}. */
export interface StatsPollerOptions {
  /** The viewers now. */
  peers(): Iterable<Peer>;
  /** The shared pipeline, for the frame count. */
  pipeline: Pipeline;
  /** A viewer's encoder's frame count (its encode tier's); default the pipeline's. */
  framesOf?: (peer: Peer) => Promise<number | undefined>;
  /** Interval in ms; default {@linkcode STATS_INTERVAL_MS}. */
  intervalMs?: number;
}

/** Sends each viewer's statistics once per interval while started. */
export class StatsPoller {
  readonly #options: StatsPollerOptions;
  readonly #previous = new Map<Peer, SendSample>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #busy = false;
  #failures = 0;

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
    }, this.#options.intervalMs ?? STATS_INTERVAL_MS);
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
    }
    const frames = await this.#options.pipeline.framesEncoded();
    for (const peer of peers) {
      try {
        await this.#report(
          peer,
          this.#options.framesOf ? await this.#options.framesOf(peer) : frames,
        );
      } catch (error) {
        // One line for the first failure, not one a second.
        if (this.#failures++ === 0) {
          log.warning("Cannot read statistics of {peer}: {error}", {
            peer: peer.id,
            error: (error as Error).message,
          });
        }
      }
    }
  }

  async #report(peer: Peer, frames: number | undefined): Promise<void> {
    const reply = await peer.readStats();
    const at = performance.now();
    if (reply === null || !this.#timer) return;
    const stats = statsReport(reply);
    if (stats === null) return;
    if (frames !== undefined && peer.framesAtLink !== undefined) {
      stats.framesSent = Math.max(0, frames - peer.framesAtLink);
    }
    const sample = { bytesSent: stats.bytesSent, at };
    const rate = sendRate(this.#previous.get(peer), sample);
    if (rate !== undefined) stats.sendBitsPerSecond = rate;
    this.#previous.set(peer, sample);
    send({ type: "stats", peer: peer.id, stats });
  }
}

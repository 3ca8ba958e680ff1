/**
 * Watches each viewer's send queue (the leaky queue in front of its
 * webrtcbin, pipelines/video.ts `peerBranch()`) for dropped packets, and
 * answers a drop with a keyframe at once.
 *
 * A packet dropped there never reaches webrtcbin, so it is not in the RTX
 * history and no NACK can bring it back: the browser's picture stays broken
 * until a keyframe. Chromium asks for one only after about 3 s without a
 * decodable frame, so the sender asks itself: the queue's `overrun` signal
 * (emitted before each drop) is counted by a native stub, with no JS on the
 * streaming thread, and the counts are read every 100 ms.
 *
 * @module
 */

import { gst } from "../ffi/gst.ts";
import { countSignal, type SignalCounter } from "../ffi/gst_live.ts";
import { cstr } from "../ffi/gst.ts";
import { SEND_QUEUE } from "../pipelines/video.ts";
import { Throttle } from "../lib/throttle.ts";
import { log } from "./log.ts";
import type { Pipeline } from "./pipeline.ts";

/** How often the drop counts are read, in ms: the longest a broken picture waits for this. */
export const SEND_QUEUE_POLL_MS = 100;

/** What makes a viewer's keyframes: its encode tier, or the single-encode pipeline. */
export interface KeyframeSource {
  requestKeyframe(): void;
}

interface Watched {
  queue: Deno.PointerObject;
  counter: SignalCounter;
  seen: number;
  log: Throttle;
  /** Where this viewer's keyframes come from. */
  encoder: KeyframeSource;
}

/** The send queues of the viewers, and the keyframes their drops call for. */
export class SendQueueWatch {
  readonly #pipeline: Pipeline;
  readonly #watched = new Map<string, Watched>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(pipeline: Pipeline) {
    this.#pipeline = pipeline;
  }

  /**
   * Starts watching viewer `peer`, whose branch bin is named `branch`; its
   * drops ask `encoder` (its encode tier, or the pipeline) for a keyframe.
   */
  add(peer: string, branch: string, encoder: KeyframeSource = this.#pipeline): void {
    if (this.#watched.has(peer)) return;
    const lib = gst();
    const bin = this.#pipeline.findElement(branch);
    if (bin === null) return;
    const queue = lib.gst_bin_get_by_name(bin, cstr(SEND_QUEUE));
    lib.gst_object_unref(bin);
    if (queue === null) return;
    const counter = countSignal(queue, "overrun");
    if (counter === null) return lib.gst_object_unref(queue);
    this.#watched.set(peer, { queue, counter, seen: 0, log: new Throttle(5000), encoder });
    this.#timer ??= setInterval(() => this.#check(), SEND_QUEUE_POLL_MS);
  }

  /** Stops watching viewer `peer` (its branch may be gone already). */
  remove(peer: string): void {
    const watched = this.#watched.get(peer);
    if (!watched) return;
    this.#watched.delete(peer);
    watched.counter.disconnect();
    gst().gst_object_unref(watched.queue);
    if (this.#watched.size === 0) this.stop();
  }

  /** Stops polling (the helper is stopping; the pipeline goes to NULL next). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #check(): void {
    const encoders = new Set<KeyframeSource>();
    for (const [peer, watched] of this.#watched) {
      const count = watched.counter.count;
      if (count === watched.seen) continue;
      if (watched.log.due(Date.now())) {
        log.warning(
          "Peer {peer}: its send queue dropped packets ({drops} so far); sending a keyframe",
          {
            peer,
            drops: count,
          },
        );
      }
      watched.seen = count;
      encoders.add(watched.encoder);
    }
    // One keyframe per encoder answers every viewer on it that dropped since the last look.
    for (const encoder of encoders) encoder.requestKeyframe();
  }
}

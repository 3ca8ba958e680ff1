/**
 * Everything that changes the running stream without a rebuild, in one
 * place for the helper: the encoder knobs (helper/encoder_control.ts), the
 * congestion loop (helper/congestion.ts), the send-queue watch
 * (helper/send_queue_watch.ts), and the viewers' live settings (`settings`
 * messages: bitrate, frame rate, audio).
 *
 * @module
 */

import type { HelperStart } from "../lib/protocol/helper.ts";
import type { LiveSettingsChange } from "../lib/protocol/live_settings.ts";
import { CAPTURE_CAPS } from "../pipelines/video.ts";
import { CongestionLoop } from "./congestion.ts";
import { EncoderControl, type LiveEncoder } from "./encoder_control.ts";
import { log } from "./log.ts";
import type { Pipeline } from "./pipeline.ts";
import { type KeyframeSource, SendQueueWatch } from "./send_queue_watch.ts";

/** The live parts of one running pipeline. */
export class LiveControl {
  /** The congestion loop, fed by the statistics poller; absent without `tuning` in `start`. */
  readonly loop: CongestionLoop | undefined;
  readonly #encoder: EncoderControl | undefined;
  readonly #queues: SendQueueWatch;
  readonly #encoderName: string;

  constructor(pipeline: Pipeline, spec: HelperStart) {
    this.#encoderName = spec.encoder;
    this.#queues = new SendQueueWatch(pipeline);
    const tuning = spec.tuning;
    if (!tuning) return;
    this.#encoder = EncoderControl.find(pipeline, {
      encoder: spec.encoder,
      captureCaps: CAPTURE_CAPS,
      bitrateKbps: tuning.videoBitrate,
      framerate: tuning.framerate,
      keyframeDistance: tuning.keyframeDistance,
      captureFramerate: (fps) => pipeline.setCaptureFramerate(fps),
    });
    this.loop = new CongestionLoop({
      encoder: this.#encoder,
      bitrateKbps: tuning.videoBitrate,
      framerate: tuning.framerate,
      enabled: tuning.congestionControl,
    });
  }

  /** Applies a viewer's change of bitrate, frame rate or audio. */
  settings(change: LiveSettingsChange): void {
    const { audio, ...video } = change;
    if (audio !== undefined) {
      // This helper streams video only: the switch has nothing to turn.
      log.info("Audio {state} asked for: no audio stream in this helper, nothing changed", {
        state: audio ? "on" : "off",
      });
    }
    if (Object.keys(video).length === 0) return;
    if (!this.loop) return log.warning("Live settings need tuning in start; ignored");
    log.info("Live settings {change}", { change: JSON.stringify(video) });
    this.loop.settings(video);
    void this.loop.apply();
  }

  /** Steers an encode tier's encoder too (once the tier is open). */
  attachTier(
    tier: {
      id: string;
      findElement(name: string): Deno.PointerObject | null;
      x264?: LiveEncoder | null;
    },
  ): void {
    if (tier.x264) return void this.#encoder?.attachLive(tier.id, tier.x264);
    const element = this.#encoder && tier.findElement(this.#encoderName);
    if (element) void this.#encoder!.attach(tier.id, element);
  }

  /** Stops steering a tier's encoder (the tier is being removed). */
  detachTier(id: string): void {
    void this.#encoder?.detach(id);
  }

  /** Starts watching a viewer's send queue once its branch is linked. */
  watch(peer: string, branch: string, encoder?: KeyframeSource): void {
    this.#queues.add(peer, branch, encoder);
  }

  /** Stops watching a viewer that is being removed. */
  unwatch(peer: string): void {
    this.#queues.remove(peer);
  }

  /** Stops the timers (before the pipeline goes to NULL). */
  stop(): void {
    this.#queues.stop();
  }

  /** Releases the elements (after the pipeline is in NULL). */
  async close(): Promise<void> {
    await this.#encoder?.close();
  }
}

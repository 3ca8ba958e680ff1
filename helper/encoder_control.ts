/**
 * Live changes to the running encode, without a rebuild: the encoder's
 * bitrate (and the buffer sizes that follow the frame rate), the capture
 * frame rate, and the least time between forced keyframes.
 *
 * - Bitrate: every encoder in the recipes takes a new bitrate while it runs
 *   (x264enc reconfigures at the next frame, vpx at the next frame,
 *   openh264 and NVENC likewise); the property and its unit come from
 *   `liveEncoderSettings()` in pipelines/video.ts.
 * - Frame rate: new caps on the capsfilter after `ximagesrc`; the source
 *   renegotiates and captures at the new rate (no wasted captures), the
 *   encoder is reconfigured by the new caps. x264enc restarts its encoder on
 *   new caps, so a change costs one keyframe.
 * - Keyframes: GstVideoEncoder's `min-force-key-unit-interval`. Each viewer's
 *   PLI or FIR becomes a force-key-unit event that travels up the tee to the
 *   one shared encoder; within the interval they wait and coalesce into one
 *   keyframe, which answers them all (see helper/keyframes.ts).
 *
 * @module
 */

import { gst } from "../ffi/gst.ts";
import { factoryName, setProperty } from "../ffi/gst_live.ts";
import { captureCaps, liveEncoderSettings } from "../pipelines/video.ts";
import { log } from "./log.ts";
import type { Pipeline } from "./pipeline.ts";

/** Options of {@linkcode EncoderControl.find}. */
export interface EncoderControlOptions {
  /** Name of the encoder in the pipeline. */
  encoder: string;
  /** Name of the capture capsfilter in the pipeline. */
  captureCaps: string;
  /** What the pipeline was built with. */
  bitrateKbps: number;
  framerate: number;
  /** Seconds between forced keyframes (-1: on request only), for the buffer sizes. */
  keyframeDistance: number;
}

/** The encoder and capture of one pipeline, changed live. */
export class EncoderControl {
  readonly #encoder: Deno.PointerObject | null;
  readonly #capture: Deno.PointerObject | null;
  /** The encoder's factory name (`"x264enc"`), or null without an encoder. */
  readonly factory: string | null;
  readonly #keyframeDistance: number;
  #bitrateKbps: number;
  #framerate: number;
  #keyframeIntervalMs: number | undefined;
  #queue: Promise<void> = Promise.resolve();

  private constructor(
    parts: { encoder: Deno.PointerObject | null; capture: Deno.PointerObject | null },
    options: EncoderControlOptions,
  ) {
    this.#encoder = parts.encoder;
    this.#capture = parts.capture;
    this.factory = parts.encoder === null ? null : factoryName(parts.encoder);
    this.#bitrateKbps = options.bitrateKbps;
    this.#framerate = options.framerate;
    this.#keyframeDistance = options.keyframeDistance;
  }

  /** Finds the encoder and the capture capsfilter of `pipeline` (either may be missing). */
  static find(pipeline: Pipeline, options: EncoderControlOptions): EncoderControl {
    const encoder = pipeline.findElement(options.encoder);
    const capture = pipeline.findElement(options.captureCaps);
    const control = new EncoderControl({ encoder, capture }, options);
    if (encoder === null) {
      log.warning("No encoder {name}: bitrate changes do nothing", { name: options.encoder });
    }
    if (capture === null) {
      log.warning("No capsfilter {name}: frame-rate changes do nothing", {
        name: options.captureCaps,
      });
    }
    return control;
  }

  /** The bitrate the encoder is set to, in kbit/s. */
  get bitrateKbps(): number {
    return this.#bitrateKbps;
  }

  /** The capture frame rate, in frames per second. */
  get framerate(): number {
    return this.#framerate;
  }

  /** Sets the encoder's bitrate (kbit/s, rounded); a change under 1 % is skipped. */
  setBitrate(kbps: number): Promise<void> {
    const next = Math.max(1, Math.round(kbps));
    if (Math.abs(next - this.#bitrateKbps) < this.#bitrateKbps * 0.01) return this.#queue;
    this.#bitrateKbps = next;
    return this.#apply(() => this.#applyEncoder());
  }

  /** Sets the capture frame rate (and the encoder's buffers that follow it). */
  setFramerate(fps: number): Promise<void> {
    const next = Math.max(1, Math.round(fps));
    if (next === this.#framerate) return this.#queue;
    this.#framerate = next;
    return this.#apply(async () => {
      if (this.#capture !== null) await setProperty(this.#capture, "caps", captureCaps(next));
      await this.#applyEncoder();
    });
  }

  /** Sets the least time between forced keyframes, in ms. */
  setKeyframeInterval(ms: number): Promise<void> {
    const next = Math.round(ms);
    if (next === this.#keyframeIntervalMs || this.#encoder === null) return this.#queue;
    this.#keyframeIntervalMs = next;
    const encoder = this.#encoder;
    return this.#apply(() =>
      setProperty(encoder, "min-force-key-unit-interval", BigInt(next) * 1_000_000n)
    );
  }

  /** Waits for the changes under way, then drops the references to the elements. */
  async close(): Promise<void> {
    await this.#queue;
    const lib = gst();
    if (this.#encoder !== null) lib.gst_object_unref(this.#encoder);
    if (this.#capture !== null) lib.gst_object_unref(this.#capture);
  }

  async #applyEncoder(): Promise<void> {
    if (this.#encoder === null || this.factory === null) return;
    const settings = liveEncoderSettings(this.factory, {
      bitrateKbps: this.#bitrateKbps,
      framerate: this.#framerate,
      keyframeDistance: this.#keyframeDistance,
    });
    for (const [name, value] of Object.entries(settings)) {
      await setProperty(this.#encoder, name, value);
    }
  }

  /** Runs changes one after the other, in the order asked. */
  #apply(change: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(change).catch((error) => {
      log.warning("Cannot change the encoder: {error}", { error: (error as Error).message });
    });
    return this.#queue;
  }
}

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
 * - Several encoders: with encode tiers (one per codec in use) every tier's
 *   encoder is attached and gets the same bitrate and keyframe interval, so
 *   a tier opened after a change starts at the current settings.
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

/** An encoder outside GStreamer (the libx264 tier encode), steered by calls. */
export interface LiveEncoder {
  setRate(o: { bitrateKbps: number; framerate: number }): void;
  setKeyframeInterval(ms: number): void;
}

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
  /** Sets a capture's own frame-rate ceiling (the damage capture has no capsfilter). */
  captureFramerate?: (fps: number) => void;
}

/** The encoder and capture of one pipeline, changed live. */
export class EncoderControl {
  /** The encoders steered, by tier id (`""`: the single-encode pipeline's), with factory names. */
  readonly #encoders = new Map<string, { element: Deno.PointerObject; factory: string }>();
  /** Encoders outside GStreamer, by tier id. */
  readonly #live = new Map<string, LiveEncoder>();
  readonly #capture: Deno.PointerObject | null;
  readonly #keyframeDistance: number;
  #bitrateKbps: number;
  #framerate: number;
  #keyframeIntervalMs: number | undefined;
  #captureFramerate: ((fps: number) => void) | undefined;
  #queue: Promise<void> = Promise.resolve();

  private constructor(
    parts: { encoder: Deno.PointerObject | null; capture: Deno.PointerObject | null },
    options: EncoderControlOptions,
  ) {
    if (parts.encoder !== null) {
      this.#encoders.set("", { element: parts.encoder, factory: factoryName(parts.encoder) ?? "" });
    }
    this.#capture = parts.capture;
    this.#bitrateKbps = options.bitrateKbps;
    this.#framerate = options.framerate;
    this.#keyframeDistance = options.keyframeDistance;
  }

  /** Finds the encoder and the capture capsfilter of `pipeline` (either may be missing). */
  static find(pipeline: Pipeline, options: EncoderControlOptions): EncoderControl {
    const encoder = pipeline.findElement(options.encoder);
    const capture = pipeline.findElement(options.captureCaps);
    const control = new EncoderControl({ encoder, capture }, options);
    control.#captureFramerate = options.captureFramerate;
    if (capture === null && !options.captureFramerate) {
      log.warning("No capsfilter {name}: frame-rate changes do nothing", {
        name: options.captureCaps,
      });
    }
    return control;
  }

  /** The encoder factory names steered now (`"x264enc"`), one per encoder. */
  get factories(): string[] {
    return [...this.#encoders.values()].map((e) => e.factory);
  }

  /**
   * Steers one more encoder (an encode tier's, by its id; the element is a
   * reference this control now owns): it gets the current settings at once.
   */
  attach(id: string, element: Deno.PointerObject): Promise<void> {
    return this.#apply(async () => {
      this.#release(id);
      const encoder = { element, factory: factoryName(element) ?? "" };
      this.#encoders.set(id, encoder);
      await this.#applyOne(encoder);
      if (this.#keyframeIntervalMs !== undefined) {
        await setProperty(element, "min-force-key-unit-interval", this.#keyframeIntervalNs());
      }
    });
  }

  /** Steers a tier's encoder outside GStreamer: it gets the current settings at once. */
  attachLive(id: string, encoder: LiveEncoder): Promise<void> {
    return this.#apply(() => {
      this.#live.set(id, encoder);
      this.#applyLive(encoder);
      return Promise.resolve();
    });
  }

  /** Stops steering a tier's encoder (before the tier is torn down). */
  detach(id: string): Promise<void> {
    return this.#apply(() => {
      this.#live.delete(id);
      return Promise.resolve(this.#release(id));
    });
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
      this.#captureFramerate?.(next);
      await this.#applyEncoder();
    });
  }

  /** Sets the least time between forced keyframes, in ms. */
  setKeyframeInterval(ms: number): Promise<void> {
    const next = Math.round(ms);
    if (next === this.#keyframeIntervalMs) return this.#queue;
    this.#keyframeIntervalMs = next;
    return this.#apply(async () => {
      for (const live of this.#live.values()) live.setKeyframeInterval(next);
      for (const { element } of this.#encoders.values()) {
        await setProperty(element, "min-force-key-unit-interval", this.#keyframeIntervalNs());
      }
    });
  }

  /** Waits for the changes under way, then drops the references to the elements. */
  async close(): Promise<void> {
    await this.#queue;
    for (const id of [...this.#encoders.keys()]) this.#release(id);
    if (this.#capture !== null) gst().gst_object_unref(this.#capture);
  }

  #release(id: string): void {
    const encoder = this.#encoders.get(id);
    if (!encoder) return;
    this.#encoders.delete(id);
    gst().gst_object_unref(encoder.element);
  }

  #keyframeIntervalNs(): bigint {
    return BigInt(this.#keyframeIntervalMs ?? 0) * 1_000_000n;
  }

  async #applyEncoder(): Promise<void> {
    for (const live of this.#live.values()) this.#applyLive(live);
    for (const encoder of this.#encoders.values()) await this.#applyOne(encoder);
  }

  #applyLive(encoder: LiveEncoder): void {
    encoder.setRate({ bitrateKbps: this.#bitrateKbps, framerate: this.#framerate });
    if (this.#keyframeIntervalMs !== undefined) {
      encoder.setKeyframeInterval(this.#keyframeIntervalMs);
    }
  }

  async #applyOne(encoder: { element: Deno.PointerObject; factory: string }): Promise<void> {
    const settings = liveEncoderSettings(encoder.factory, {
      bitrateKbps: this.#bitrateKbps,
      framerate: this.#framerate,
      keyframeDistance: this.#keyframeDistance,
    });
    for (const [name, value] of Object.entries(settings)) {
      await setProperty(encoder.element, name, value);
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

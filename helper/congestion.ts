/**
 * Congestion control for the helper's viewers: one {@linkcode CongestionController}
 * per viewer, fed from its `get-stats` replies, and one policy that turns
 * their targets into the shared encoder's bitrate and frame rate
 * ({@linkcode sharedTarget}: the weakest viewer within limits). It also sets
 * the least interval between forced keyframes from the viewers' round trips
 * (helper/keyframes.ts), and takes the live settings: the viewer-chosen
 * bitrate is every controller's ceiling, the frame rate their full rate.
 *
 * With congestion control off (`--no-congestion-control`) the encoder simply
 * runs at the chosen bitrate and frame rate.
 *
 * @module
 */

import type { StructureData } from "../ffi/gst_structure.ts";
import { CongestionController } from "../lib/congestion/controller.ts";
import { sharedTarget } from "../lib/congestion/shared_target.ts";
import type { LiveSettingsChange } from "../lib/protocol/live_settings.ts";
import { SampleReader } from "./congestion_sample.ts";
import { keyframeIntervalMs } from "./keyframes.ts";
import { log } from "./log.ts";

/** What the loop changes: an {@linkcode EncoderControl} in the helper. */
export interface EncoderKnobs {
  readonly bitrateKbps: number;
  readonly framerate: number;
  setBitrate(kbps: number): Promise<void>;
  setFramerate(fps: number): Promise<void>;
  setKeyframeInterval(ms: number): Promise<void>;
}

/** Options of {@linkcode CongestionLoop}. */
export interface CongestionLoopOptions {
  encoder: EncoderKnobs;
  /** The ceiling in kbit/s (`--video-bitrate`, or a viewer's live choice). */
  bitrateKbps: number;
  /** The full frame rate. */
  framerate: number;
  /** Whether controllers may lower bitrate and frame rate. */
  enabled: boolean;
}

interface Viewer {
  reader: SampleReader;
  controller: CongestionController;
  rttMs?: number;
}

/** One viewer's figures for its `stats` message. */
export interface ViewerRates {
  /** What this viewer's path carries, per its controller, in bits per second. */
  availableBitsPerSecond?: number;
  /** The shared encoder's bitrate, in bits per second. */
  encoderBitsPerSecond: number;
  /** The capture frame rate. */
  encoderFramerate: number;
}

/** The viewers' controllers and the shared encoder they steer. */
export class CongestionLoop {
  readonly #encoder: EncoderKnobs;
  readonly #enabled: boolean;
  readonly #viewers = new Map<string, Viewer>();
  #ceilingKbps: number;
  #framerate: number;

  constructor(options: CongestionLoopOptions) {
    this.#encoder = options.encoder;
    this.#enabled = options.enabled;
    this.#ceilingKbps = options.bitrateKbps;
    this.#framerate = options.framerate;
  }

  /** Feeds viewer `peer`'s `get-stats` reply, read at `at` (ms, monotonic). */
  observe(peer: string, reply: StructureData, at: number): void {
    let viewer = this.#viewers.get(peer);
    if (!viewer) {
      viewer = {
        reader: new SampleReader(),
        controller: new CongestionController({
          maxBps: this.#ceilingKbps * 1000,
          maxFramerate: this.#framerate,
        }),
      };
      this.#viewers.set(peer, viewer);
    }
    const sample = viewer.reader.read(reply, at);
    if (sample.rttMs !== undefined) viewer.rttMs = sample.rttMs;
    if (!this.#enabled) return;
    const before = viewer.controller.state.targetBps;
    const after = viewer.controller.update(sample);
    if (after.targetBps < before) {
      log.debug("Peer {peer}: congestion ({signal}), target {from} -> {to} kbit/s after {sample}", {
        peer,
        signal: after.signal,
        from: Math.round(before / 1000),
        to: Math.round(after.targetBps / 1000),
        sample: JSON.stringify(sample),
      });
    }
  }

  /** Forgets a viewer that left. */
  forget(peer: string): void {
    this.#viewers.delete(peer);
  }

  /** A live change of the ceiling or the full frame rate; applied at the next {@linkcode apply}. */
  settings(change: LiveSettingsChange): void {
    if (change.videoBitrate !== undefined) this.#ceilingKbps = change.videoBitrate;
    if (change.framerate !== undefined) this.#framerate = change.framerate;
    const limits = { maxBps: this.#ceilingKbps * 1000, maxFramerate: this.#framerate };
    for (const viewer of this.#viewers.values()) viewer.controller.setLimits(limits);
  }

  /** Sets the encoder from the viewers' targets (or the settings, without control). */
  async apply(): Promise<void> {
    const viewers = [...this.#viewers.values()];
    let kbps = this.#ceilingKbps;
    let fps = this.#framerate;
    if (this.#enabled && viewers.length > 0) {
      const states = viewers.map((v) => v.controller.state);
      kbps = Math.min(kbps, sharedTarget(states.map((s) => s.targetBps))! / 1000);
      fps = Math.min(fps, Math.round(sharedTarget(states.map((s) => s.framerate))!));
    }
    const before = { kbps: this.#encoder.bitrateKbps, fps: this.#encoder.framerate };
    await this.#encoder.setBitrate(kbps);
    await this.#encoder.setFramerate(fps);
    if (this.#encoder.framerate !== before.fps) {
      log.info("Frame rate {from} -> {to} fps", { from: before.fps, to: this.#encoder.framerate });
    }
    if (Math.abs(this.#encoder.bitrateKbps - before.kbps) >= before.kbps * 0.2) {
      log.debug("Video bitrate {from} -> {to} kbit/s", {
        from: before.kbps,
        to: this.#encoder.bitrateKbps,
      });
    }
    const rtts = viewers.map((v) => v.rttMs).filter((r) => r !== undefined);
    await this.#encoder.setKeyframeInterval(keyframeIntervalMs(rtts));
  }

  /** The figures of `peer` for its `stats` message. */
  rates(peer: string): ViewerRates {
    const viewer = this.#viewers.get(peer);
    return {
      ...(this.#enabled && viewer
        ? { availableBitsPerSecond: viewer.controller.state.targetBps }
        : {}),
      encoderBitsPerSecond: this.#encoder.bitrateKbps * 1000,
      encoderFramerate: this.#encoder.framerate,
    };
  }
}

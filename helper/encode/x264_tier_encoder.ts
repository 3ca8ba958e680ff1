/**
 * The damage capture's own H.264 encode (`--x264-mb-info`): each frame the
 * capture pushes is handed here with the boxes it changed, encoded by
 * libx264 (ffi/x264.ts) with every macroblock outside those boxes flagged
 * constant, so x264 skips them without analysing them, and the access unit
 * is pushed into the encode tier's `appsrc`, which feeds the same payloader
 * and tee as `x264enc` would.
 *
 * - One encode at a time, off the JS thread. A frame that arrives while one
 *   runs waits (only the newest; the changed boxes of every frame in between
 *   add up), and the frame being read is held, so the capture does not write
 *   it meanwhile (it waits, then takes everything changed, as with x264enc).
 * - A keyframe request (force-key-unit on the appsrc's pad: a viewer's PLI,
 *   a new viewer) makes the next frame an IDR, at most one per
 *   {@linkcode X264TierEncoder.setKeyframeInterval} interval (a request inside
 *   it waits for its end, helper/keyframes.ts).
 * - A keyframe and a paint-over are analysed whole. A repeat with nothing
 *   changed (the capture's warm-up, a keep-alive) is a skip picture written
 *   by hand (h264_skip_frame.ts, microseconds instead of libx264's 2 ms for
 *   a 720p picture of constant blocks); when it may not be (right after
 *   another), libx264 codes it with every block flagged constant.
 * - x264 runs at constant QP; each picture's QP comes from
 *   x264_rate_control.ts, which keeps the bitrate (x264's own bitrate modes
 *   cost about 1.3 ms more per 720p frame). A bitrate change goes to it; a
 *   frame-rate or size change reopens the encoder (one keyframe, as x264enc
 *   on new caps).
 *
 * @module
 */

import {
  AppSrc,
  FrameBuffer,
  type KeyframeWatch,
  watchKeyframeRequests,
} from "../../ffi/gst_appsrc.ts";
import { X264Encoder, type X264Encoder as Encoder } from "../../ffi/x264.ts";
import type { I420Layout } from "../capture/i420_layout.ts";
import { log } from "../log.ts";
import { SkipFrameWriter } from "./h264_skip_frame.ts";
import { fillMbInfo, type MbRect } from "./mb_info.ts";
import { type FrameKind, X264RateControl } from "./x264_rate_control.ts";
import { x264RateOptions, x264Settings, type X264TierOptions } from "./x264_settings.ts";

/** A frame the capture pushed: its buffer, where its bytes are, and what changed. */
export interface CapturedFrame {
  frame: FrameBuffer;
  /** The frame's first byte (the buffer is mapped by the capture). */
  data: Deno.PointerObject;
  layout: I420Layout;
  /** The boxes changed since the previous frame, or `"all"` (a repeat, a full read). */
  changed: readonly MbRect[] | "all";
}

/** What the damage capture calls for each frame it pushes. */
export interface FrameSink {
  frame(captured: CapturedFrame): void;
}

/** Counters, for the log and the tests. */
export interface X264TierCounters {
  encoded: number;
  keyframes: number;
  /** Skip pictures written by hand (not counted in `encoded`). */
  skipped: number;
  /** Macroblocks analysed, and flagged constant. */
  analysed: number;
  constant: number;
  /** The QPs chosen, summed (their mean in the log). */
  qpSum: number;
}

/** The libx264 encode of one tier. */
export class X264TierEncoder implements FrameSink {
  readonly #appsrc: AppSrc;
  readonly #keyframes: KeyframeWatch;
  readonly #requestFrame: () => void;
  #options: X264TierOptions;
  #encoder: Encoder | null = null;
  #size = { width: 0, height: 0 };
  #reopen = false;
  #rate: X264RateControl;
  #skip = new SkipFrameWriter();
  #pending: { captured: CapturedFrame; release: () => void } | null = null;
  /** Changes since the last encoded frame, while frames wait. */
  #changed: MbRect[] | "all" = "all";
  #running = false;
  #closed = false;
  #pts = 0;
  #idrWanted = false;
  #lastIdrMs = -Infinity;
  #keyframeIntervalMs = 0;
  #idrTimer: ReturnType<typeof setTimeout> | undefined;
  readonly counters: X264TierCounters = {
    encoded: 0,
    keyframes: 0,
    skipped: 0,
    analysed: 0,
    constant: 0,
    qpSum: 0,
  };

  /**
   * `appsrc` is the tier's appsrc (the caller keeps its reference), `pad`
   * its source pad (keyframe requests), `requestFrame` asks the capture
   * for a frame (a still screen pushes none).
   */
  constructor(
    parts: { appsrc: Deno.PointerObject; pad: Deno.PointerObject; requestFrame: () => void },
    options: X264TierOptions,
  ) {
    this.#appsrc = new AppSrc(parts.appsrc);
    this.#options = options;
    this.#rate = new X264RateControl(x264RateOptions(options));
    this.#requestFrame = parts.requestFrame;
    this.#keyframes = watchKeyframeRequests(parts.pad, () => {
      this.#idrWanted = true;
    });
  }

  /** A new bitrate (kbit/s) and frame rate (the buffer sizes follow it; a new rate reopens). */
  setRate(o: { bitrateKbps: number; framerate: number }): void {
    const framerate = o.framerate !== this.#options.framerate;
    this.#options = { ...this.#options, ...o };
    // Applied from the next frame on.
    this.#rate.setRate(x264RateOptions(this.#options));
    if (framerate) this.#reopen = true;
  }

  /** The least time between forced keyframes, in ms. */
  setKeyframeInterval(ms: number): void {
    this.#keyframeIntervalMs = ms;
  }

  frame(captured: CapturedFrame): void {
    if (this.#closed) return;
    const release = captured.frame.hold();
    if (this.#pending !== null) {
      this.#pending.release();
    }
    this.#pending = { captured, release };
    this.#addChanged(captured.changed);
    if (!this.#running) void this.#drain();
  }

  /** Stops encoding (before the tier goes to NULL); waits for the encode under way. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#idrTimer);
    this.#keyframes.remove();
    this.#pending?.release();
    this.#pending = null;
    while (this.#running) await new Promise((resolve) => setTimeout(resolve, 1));
    this.#encoder?.close();
    this.#encoder = null;
    log.debug(
      "libx264: {encoded} frames, {keyframes} keyframes, {skipped} skip pictures, {constant} of {all} macroblocks constant, mean QP {qp}",
      {
        ...this.counters,
        all: this.counters.analysed + this.counters.constant,
        qp: (this.counters.qpSum / Math.max(1, this.counters.encoded)).toFixed(1),
      },
    );
  }

  /** Frees the probe's callback: only once the appsrc is in NULL. */
  free(): void {
    this.#keyframes.close();
  }

  #addChanged(changed: readonly MbRect[] | "all"): void {
    if (this.#changed === "all") return;
    if (changed === "all") this.#changed = "all";
    else this.#changed.push(...changed);
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#pending !== null && !this.#closed) {
        // Over the bitrate even at the coarsest QP: a short wait, only the newest frame kept.
        const wait = this.#rate.waitMs(performance.now());
        if (wait > 0) {
          await new Promise((resolve) => setTimeout(resolve, wait));
          continue;
        }
        const { captured, release } = this.#pending;
        this.#pending = null;
        const changed = this.#changed;
        this.#changed = [];
        try {
          await this.#encode(captured, changed);
        } catch (error) {
          const reason = (error as Error).message;
          if (this.#encoder === null) {
            // It cannot open (bad settings): every frame would fail alike; say it once.
            log.error("libx264 cannot encode, this tier sends nothing: {reason}", { reason });
            this.#closed = true;
          } else {
            log.warning("libx264 could not encode a frame: {reason}", { reason });
          }
          this.#changed = "all";
        } finally {
          release();
        }
      }
    } finally {
      this.#running = false;
    }
  }

  async #encode(captured: CapturedFrame, changed: readonly MbRect[] | "all"): Promise<void> {
    const { layout, data } = captured;
    const encoder = this.#ready(layout);
    const now = performance.now();
    const idr = this.#takeIdr(now) || this.#pts === 0;
    const constantOk = !idr && changed !== "all";
    let macroblocks = encoder.mbInfo.length;
    if (constantOk) {
      macroblocks = fillMbInfo(encoder.mbInfo, layout, changed);
      this.counters.constant += encoder.mbInfo.length - macroblocks;
    }
    this.counters.analysed += macroblocks;
    const kind: FrameKind = idr ? "keyframe" : constantOk ? "change" : "refresh";
    const qp = this.#rate.qp(now, macroblocks, kind);
    if (constantOk && macroblocks === 0 && this.#pushSkip(now, qp)) return;
    const out = await encoder.encode({ ...layout, data }, {
      pts: this.#pts++,
      idr,
      mbInfo: constantOk,
      qp,
    });
    if (out === null || this.#closed) return;
    this.#skip.encoded(out.bytes);
    this.counters.qpSum += qp;
    this.#rate.coded(performance.now(), { qp, bits: out.bytes.length * 8, macroblocks, kind });
    this.counters.encoded++;
    if (out.keyframe) {
      this.counters.keyframes++;
      this.#lastIdrMs = now;
    }
    this.#push(out.bytes);
  }

  /** Hands an access unit to the tier's appsrc. */
  #push(bytes: Uint8Array): void {
    const buffer = FrameBuffer.allocate(bytes.length);
    buffer.write().set(bytes);
    this.#appsrc.push(buffer);
    buffer.release();
  }

  /** Pushes a hand-written skip picture for a repeat; false when one may not follow now. */
  #pushSkip(now: number, qp: number): boolean {
    const bytes = this.#skip.skipFrame(qp);
    if (bytes === null) return false;
    this.#skip.skipped();
    this.#rate.coded(now, { qp, bits: bytes.length * 8, macroblocks: 0, kind: "change" });
    this.counters.skipped++;
    this.#push(bytes);
    return true;
  }

  /** Whether this frame is the forced keyframe (within the interval rule). */
  #takeIdr(now: number): boolean {
    if (!this.#idrWanted) return false;
    const wait = this.#lastIdrMs + this.#keyframeIntervalMs - now;
    if (wait <= 0) {
      this.#idrWanted = false;
      return true;
    }
    // Inside the interval: the request waits for its end, then asks for a frame.
    if (this.#idrTimer === undefined) {
      this.#idrTimer = setTimeout(() => {
        this.#idrTimer = undefined;
        if (!this.#closed) this.#requestFrame();
      }, wait);
    }
    return false;
  }

  /** The encoder for `layout`: opened on the first frame, reopened on a new size or frame rate. */
  #ready(layout: I420Layout): Encoder {
    const resized = layout.width !== this.#size.width || layout.height !== this.#size.height;
    if (this.#encoder !== null && !resized && !this.#reopen) return this.#encoder;
    this.#encoder?.close();
    this.#encoder = null;
    this.#reopen = false;
    this.#size = { width: layout.width, height: layout.height };
    this.#encoder = X264Encoder.open(this.#size, x264Settings(this.#options));
    this.#skip = new SkipFrameWriter();
    this.#pts = 0;
    log.info(
      "libx264: encoding {width}x{height} at {framerate} fps, unchanged macroblocks skipped",
      {
        ...this.#size,
        framerate: this.#options.framerate,
      },
    );
    this.#appsrc.setCaps(
      // alignment=au: one access unit per buffer, as x264enc pushes; the payloader needs no parser.
      `video/x-h264,stream-format=byte-stream,alignment=au,profile=constrained-baseline,` +
        `width=${layout.width},height=${layout.height},framerate=${this.#options.framerate}/1`,
    );
    return this.#encoder;
  }
}

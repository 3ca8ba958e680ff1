/**
 * The libx264 parameters of the damage capture's own H.264 encode, chosen
 * to match the `x264enc` recipe in pipelines/video.ts knob for knob (the
 * same stream for the browser; the bitrate is kept by x264_rate_control.ts
 * choosing each picture's QP). Pure.
 *
 * @module
 */

import { bufferMs } from "../../pipelines/live_encoder.ts";
import type { X264Settings } from "../../ffi/x264.ts";
import { QP_MAX, QP_MIN, type RateControlOptions } from "./x264_rate_control.ts";

/** What the encode is built from (the tier's options). */
export interface X264TierOptions {
  /** Target bitrate, in kbit/s. */
  bitrateKbps: number;
  /** Frames per second (the capture's ceiling; x264 budgets bits per frame by it). */
  framerate: number;
  /** Seconds between periodic keyframes; -1: only on request. */
  keyframeDistance: number;
  /** Encoder threads (slices of one frame). */
  threads: number;
}

/** The rate control's bitrate and bucket for `bitrateKbps` at `framerate` (also applied live). */
export function x264RateOptions(o: Omit<X264TierOptions, "threads">): RateControlOptions {
  // The bucket is x264enc's VBV (pass=cbr): bufferMs() (1.5 or 3 frames), so no frame
  // waits behind a big one.
  return {
    bitrateKbps: o.bitrateKbps,
    framerate: o.framerate,
    bufferMs: bufferMs(o.framerate, o.keyframeDistance),
  };
}

/** The whole libx264 setup for a tier. */
export function x264Settings(o: X264TierOptions): X264Settings {
  const keyint = o.keyframeDistance < 0
    ? "infinite"
    : String(Math.max(1, Math.round(o.keyframeDistance * o.framerate)));
  return {
    // zerolatency: no reordering or lookahead; ultrafast: the least CPU per frame (as x264enc).
    preset: "ultrafast",
    tune: "zerolatency",
    // baseline with ultrafast's settings is constrained baseline: what every browser decodes.
    profile: "baseline",
    params: {
      fps: `${o.framerate}/1`,
      // sliced-threads: threads split one frame instead of pipelining frames (no added delay);
      // one core fewer than x264enc gets: the capture converts on the helper's JS thread and the
      // sender needs one too (on 2 cores, 1 thread: 0.9x the CPU, the same latency; CAPTURE.md).
      threads: Math.max(1, o.threads - 1),
      "sliced-threads": true,
      bframes: 0,
      "rc-lookahead": 0,
      "sync-lookahead": 0,
      "mbtree": false,
      // Constant QP: each picture's QP comes from x264_rate_control.ts (x264's own bitrate
      // modes analyse a half-size copy of every picture first, about 1.3 ms a 720p frame).
      // x264 clamps a picture's QP to the span of its I, P and B constants (silently): P at
      // QP_MIN and I at QP_MAX (the ratio below; pbratio is capped at 10, so B cannot reach it).
      qp: QP_MIN,
      ipratio: 2 ** (-(QP_MAX - QP_MIN) / 6),
      pbratio: 1,
      keyint,
      // repeat-headers: SPS/PPS before every IDR, so a viewer can start on any keyframe.
      "repeat-headers": true,
      annexb: true,
      aud: false,
      // The colour the capture writes (libyuv ARGBToI420: BT.601, limited range).
      colorprim: "smpte170m",
      transfer: "smpte170m",
      colormatrix: "smpte170m",
      // log=0 (X264_LOG_ERROR): x264 prints to the helper's stderr, which carries JSON log lines.
      log: 0,
    },
  };
}

/**
 * The libx264 parameters of the damage capture's own H.264 encode, chosen
 * to match the `x264enc` recipe in pipelines/video.ts knob for knob (the
 * same stream for the browser, the same rate control). Pure.
 *
 * @module
 */

import { bufferMs } from "../../pipelines/live_encoder.ts";
import type { X264Settings } from "../../ffi/x264.ts";

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

/** The rate-control parameters for `bitrateKbps` at `framerate` (also applied live). */
export function x264RateParams(o: Omit<X264TierOptions, "threads">): Record<string, number> {
  // pass=cbr in x264enc: ABR with the VBV rate equal to the bitrate, and a VBV of
  // bufferMs() (1.5 or 3 frames) so no frame waits behind a big one.
  return {
    bitrate: o.bitrateKbps,
    "vbv-maxrate": o.bitrateKbps,
    "vbv-bufsize": Math.max(
      1,
      Math.round((o.bitrateKbps * bufferMs(o.framerate, o.keyframeDistance)) / 1000),
    ),
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
      // sliced-threads: threads split one frame instead of pipelining frames (no added delay).
      threads: o.threads,
      "sliced-threads": true,
      bframes: 0,
      "rc-lookahead": 0,
      "sync-lookahead": 0,
      "mbtree": false,
      ...x264RateParams(o),
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

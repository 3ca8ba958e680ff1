/**
 * The libx264 encode's own rate control: a quantizer per frame from a leaky
 * bucket and a bits model, so libx264 runs in constant-QP mode. x264's own
 * bitrate modes (ABR, CRF, with or without VBV) build a half-size copy of
 * every picture and estimate its cost before coding it, about 1.3 ms of CPU
 * per 1280x720 frame on this machine even when all but a clock-sized block
 * is flagged unchanged (docs/CAPTURE.md); constant QP skips that. Pure: no
 * encoder, no clock.
 *
 * - The bucket holds the bits sent and drains at the bitrate; it holds at
 *   most `bufferMs` of it, as x264's VBV does (so no frame waits long behind
 *   a big one).
 * - The model: a frame's bits are about `k * codedMacroblocks * 2^(-qp/6)`
 *   (bits halve every 6 QP steps), with `k` learnt per kind of frame
 *   (changes, whole-picture refreshes, keyframes) from the frames coded.
 * - Each frame gets the finest QP whose predicted bits fit the bucket's room,
 *   within `QP_MIN`..`QP_MAX`, and while frames keep coming at most
 *   `QP_STEP` from the previous one's: a small change on a still screen is coded fine,
 *   motion at the rate the bitrate allows.
 * - Content that costs more than the bitrate even at `QP_MAX` (x264's own
 *   rate control has an emergency mode past 51 for it, constant QP has not)
 *   delays the next frame by what the overflow takes to drain, at most one
 *   frame interval ({@linkcode X264RateControl.waitMs}): the frame rate falls
 *   at most by half, since a longer wait makes the motion between the frames
 *   kept larger and each costlier (moving bars at 500 kbit/s fell to 8 fps
 *   with an unbounded wait).
 * - A keyframe's bits beyond the bucket are forgiven (as x265 spreads them):
 *   a viewer's keyframe must not hold the frames after it back.
 * - A frame with nothing to code (a repeat: warm-up, keep-alive) gets the
 *   previous frame's QP: x264 skips a macroblock flagged constant without
 *   analysing it only if the reference frame's QP was no coarser than this
 *   frame's, and a repeat at 51 made the change after it (at 18) analyse all
 *   3600 blocks of a 720p screen.
 *
 * @module
 */

/** What kind of picture is coded: each has its own bits model. */
export type FrameKind = "change" | "refresh" | "keyframe";

/** Options of {@linkcode X264RateControl}. */
export interface RateControlOptions {
  /** Target bitrate, in kbit/s. */
  bitrateKbps: number;
  /** Frames per second at most (the per-frame share of the bitrate). */
  framerate: number;
  /** The bucket's size, in ms of the bitrate (x264's VBV buffer). */
  bufferMs: number;
}

/** The finest QP handed to x264: finer costs bits nobody sees on screen content. */
export const QP_MIN = 18;
/** The coarsest: H.264's. */
export const QP_MAX = 51;
/** The least share of a frame's bitrate a frame aims at when the bucket is full (never nothing). */
const FLOOR_SHARE = 0.25;
/** How much of the new evidence the model takes per frame. */
const LEARN = 0.4;
/** The most a QP moves from the previous frame of its kind while frames keep coming (x264's qpstep). */
export const QP_STEP = 4;
/** Frames closer than this count as one stream, whose QP moves by at most QP_STEP a frame. */
const STREAM_GAP_MS = 100;
/** Starting models (bits of one coded macroblock at QP 0): a text-like change, a keyframe. */
const START: Record<FrameKind, number> = {
  change: 400 * 2 ** (24 / 6),
  refresh: 40 * 2 ** (24 / 6),
  keyframe: 250 * 2 ** (24 / 6),
};

/** The quantizer chooser of one encoder. */
export class X264RateControl {
  #rate: RateControlOptions;
  /** The last frame was coded at QP_MAX and still overfilled the bucket. */
  #saturated = false;
  #fullness = 0;
  #lastMs: number | null = null;
  readonly #k: Record<FrameKind, number> = { ...START };
  /** Each kind's last QP and when it was coded. */
  readonly #last: Partial<Record<FrameKind, { qp: number; at: number }>> = {};
  /** The QP of the last frame coded, of any kind (null: none yet). */
  #lastQp: number | null = null;

  constructor(options: RateControlOptions) {
    this.#rate = options;
  }

  /** A new bitrate, frame rate or buffer (live): from the next frame on. */
  setRate(o: RateControlOptions): void {
    this.#rate = o;
    this.#fullness = Math.min(this.#fullness, this.#capacity);
  }

  /** The bucket's size, in bits (kbit/s are bits per ms). */
  get #capacity(): number {
    return this.#rate.bitrateKbps * this.#rate.bufferMs;
  }

  /** Bits in the bucket at `now` (ms). */
  fullness(now: number): number {
    if (this.#lastMs === null) return this.#fullness;
    return Math.max(0, this.#fullness - (now - this.#lastMs) * this.#rate.bitrateKbps);
  }

  /**
   * How long the next frame should wait, in ms: only after a frame at
   * QP_MAX overfilled the bucket, until it is back within its size, and
   * never past two frame intervals after that frame (one interval late).
   */
  waitMs(now: number): number {
    if (!this.#saturated || this.#lastMs === null) return 0;
    const drained = now + (this.fullness(now) - this.#capacity) / this.#rate.bitrateKbps;
    // The capture sends a frame an interval after the last at the soonest: one more at most.
    const latest = this.#lastMs + (2 * 1000) / this.#rate.framerate;
    return Math.max(0, Math.min(drained, latest) - now);
  }

  /**
   * The QP for a frame coding `macroblocks` macroblocks of `kind` at `now`
   * (ms); for none (every block unchanged), the last frame's QP.
   */
  qp(now: number, macroblocks: number, kind: FrameKind): number {
    if (macroblocks <= 0) return this.#lastQp ?? QP_MAX;
    const perFrame = (this.#rate.bitrateKbps * 1000) / this.#rate.framerate;
    const room = Math.max(this.#capacity - this.fullness(now), perFrame * FLOOR_SHARE);
    let qp = Math.ceil(6 * Math.log2((this.#k[kind] * macroblocks) / room));
    const last = this.#last[kind];
    if (last !== undefined && now - last.at < STREAM_GAP_MS) {
      // A stream of frames: a steady picture, not one swinging with the model's errors.
      qp = Math.min(last.qp + QP_STEP, Math.max(last.qp - QP_STEP, qp));
    }
    return Math.min(QP_MAX, Math.max(QP_MIN, qp));
  }

  /** A frame was coded at `now`: `bits` at `qp` over `macroblocks` of `kind`. */
  coded(now: number, o: { qp: number; bits: number; macroblocks: number; kind: FrameKind }): void {
    this.#fullness = this.fullness(now) + o.bits;
    if (o.kind === "keyframe") this.#fullness = Math.min(this.#fullness, this.#capacity);
    this.#saturated = o.qp >= QP_MAX && this.#fullness > this.#capacity;
    this.#lastMs = now;
    this.#lastQp = o.qp;
    // A frame of only skipped blocks says nothing about what a change costs.
    if (o.macroblocks <= 0) return;
    this.#last[o.kind] = { qp: o.qp, at: now };
    const seen = (o.bits * 2 ** (o.qp / 6)) / o.macroblocks;
    this.#k[o.kind] += LEARN * (seen - this.#k[o.kind]);
  }
}

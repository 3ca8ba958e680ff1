/**
 * When the damage capture takes a frame, and which kind: the timing rules
 * of the capture loop as a pure model (no timer, no X; every method takes
 * the time), tested with made-up times.
 *
 * - A change is captured `coalesceMs` (1 ms) after the first damage event, so an
 *   update the application draws in several requests is taken whole, and
 *   never sooner than one frame interval after the previous frame (the
 *   configured frame rate is a ceiling, not a clock).
 * - Nothing happens while the screen is still, except what a viewer needs:
 *   a frame for a keyframe request (a new viewer, a lost packet), and
 *   {@linkcode CaptureSchedulerOptions.paintOverFrames} repeats of the last
 *   frame once the screen settles after a change (paint-over: the encoder
 *   spends each repeat's bit budget on the residual, so text sharpens),
 *   spaced so they never form a burst ahead of the next change.
 * - A change that keeps coming at a steady pace (a clock, a blinking caret,
 *   a progress bar) gets a repeat {@linkcode CaptureSchedulerOptions.warmUpLeadMs}
 *   before it is due (warm-up): measured on a 2-core VM, a change after
 *   100 ms of nothing reached the page about 6 ms later, and was shown about
 *   3 ms later, than one with a frame 20 ms before it (every thread on the
 *   way, in Skerry, the network and the browser, had gone to sleep).
 * - A key or button pressed by a viewer when no frame has gone out for
 *   {@linkcode INPUT_COLD_MS} gets the same warm-up at once: the redraw it
 *   causes is a few ms away and cannot be foreseen otherwise.
 * - The frame-rate ceiling spaces captures, not repeats: a change right
 *   after a repeat (paint-over, keyframe, keep-alive) is captured at once.
 * - On a still screen, the frame again every {@linkcode CaptureSchedulerOptions.keepAliveMs}
 *   (a P frame of skipped blocks): Chromium asks for a keyframe once it has
 *   had no frame for 3 s (WebRTC's frame-buffer timeout), so without it a
 *   still screen costs an IDR frame, its follow-ups and a round trip every
 *   3 s instead of one cheap frame every 2 s.
 * - After a requested frame, {@linkcode CaptureSchedulerOptions.followUpMs}
 *   repeats: a keyframe sent while the viewer's path was still settling
 *   is lost without a trace on a still screen (nothing follows it that the
 *   browser could fail to decode and answer with a PLI); a later frame
 *   either decodes or makes the browser ask again.
 *
 * @module
 */

/** Options of {@linkcode CaptureScheduler}. */
export interface CaptureSchedulerOptions {
  /** The most frames per second. */
  framerate: number;
  /** Wait after the first damage event before capturing, in ms. Default 1. */
  coalesceMs?: number;
  /** Quiet time after the last captured change before the first paint-over frame, in ms. Default 100. */
  settleMs?: number;
  /** Repeats of the last frame once settled (0: no paint-over). Default 2. */
  paintOverFrames?: number;
  /** Time between two paint-over frames, in ms. Default 50. */
  paintOverGapMs?: number;
  /** When to repeat the frame after a requested one, in ms after the request. Default [300, 1000]. */
  followUpMs?: readonly number[];
  /** Longest time without a frame on a still screen, in ms (Infinity: none). Default 2000. */
  keepAliveMs?: number;
  /** How long before a change at a steady pace is due to repeat the frame, in ms (0: never). Default 20. */
  warmUpLeadMs?: number;
}

/** After this long without a frame the path counts as gone idle (warm 20 ms after a frame, idle at 80). */
export const INPUT_COLD_MS = 40;

/** What the loop should do now. */
export type CaptureAction =
  /** Take the damaged region from the X server and push a frame. */
  | "capture"
  /** Push the current frame again, nothing in it changed (keep-alive, warm-up, a viewer's frame). */
  | "repeat"
  /**
   * Push the current frame again to be encoded anew (paint-over): an
   * encoder told which blocks changed (`--x264-mb-info`) refines all of
   * it, where for a plain repeat it codes every block as unchanged.
   */
  | "refresh";

/** The next step: an action due now, or how long to wait for one (Infinity: until an event). */
export type CaptureStep = { action: CaptureAction } | { waitMs: number };

/** The capture loop's timing rules. */
export class CaptureScheduler {
  #intervalMs: number;
  readonly #coalesceMs: number;
  readonly #settleMs: number;
  readonly #paintOverFrames: number;
  readonly #paintOverGapMs: number;
  /** When the last frame was pushed (-Infinity: none yet). */
  #lastFrameAt = -Infinity;
  /** When the last frame with new pixels was pushed (-Infinity: none yet). */
  #lastCaptureAt = -Infinity;
  /** When the first damage since the last capture arrived; null: none pending. */
  #damagedAt: number | null = null;
  /** A viewer needs a frame (keyframe request). */
  #frameWanted = false;
  /** Paint-over frames still to send for the last change. */
  #paintOverLeft = 0;
  readonly #followUpMs: readonly number[];
  readonly #keepAliveMs: number;
  readonly #warmUpLeadMs: number;
  /** When the last changes after a quiet spell began (their first damage), oldest first. */
  #onsets: number[] = [];
  /** When the warm-up repeat is due; null: none. */
  #warmUpAt: number | null = null;
  /** The repeat next() returned is the warm-up. */
  #warmingUp = false;
  /** When the follow-ups of the last requested frame are due, earliest first. */
  #followUps: number[] = [];

  constructor(options: CaptureSchedulerOptions) {
    if (!(options.framerate > 0)) {
      throw new RangeError(
        `Cannot schedule capture: framerate must be > 0, received ${options.framerate}`,
      );
    }
    this.#intervalMs = 1000 / options.framerate;
    this.#coalesceMs = options.coalesceMs ?? 1;
    this.#settleMs = options.settleMs ?? 100;
    this.#paintOverFrames = options.paintOverFrames ?? 2;
    this.#paintOverGapMs = options.paintOverGapMs ?? 50;
    this.#followUpMs = options.followUpMs ?? [300, 1000];
    this.#keepAliveMs = options.keepAliveMs ?? 2000;
    this.#warmUpLeadMs = options.warmUpLeadMs ?? 20;
  }

  /** A new frame-rate ceiling (a live settings change); throws `RangeError` for <= 0. */
  setFramerate(framerate: number): void {
    if (!(framerate > 0)) {
      throw new RangeError(`Cannot schedule capture: framerate must be > 0, received ${framerate}`);
    }
    this.#intervalMs = 1000 / framerate;
  }

  /** The X server reported new damage at `now`. */
  damaged(now: number): void {
    this.#damagedAt ??= now;
  }

  /** A viewer needs a frame (its encoder was asked for a keyframe) at `now`. */
  wantFrame(now: number): void {
    this.#frameWanted = true;
    this.#followUps = this.#followUpMs.map((ms) => now + ms);
  }

  /**
   * A viewer pressed a key or button at `now` (lib/protocol/input.ts
   * `announcesRedraw`): warm the path up now unless a frame went out lately
   * or a change is already waiting.
   */
  inputArrived(now: number): void {
    if (this.#warmUpLeadMs <= 0 || this.#damagedAt !== null) return;
    if (now - this.#lastFrameAt < INPUT_COLD_MS) return;
    this.#warmUpAt = Math.min(this.#warmUpAt ?? Infinity, now);
  }

  /** Whether damage is waiting to be captured. */
  get pending(): boolean {
    return this.#damagedAt !== null;
  }

  /** What to do at `now`. */
  next(now: number): CaptureStep {
    const rateOk = this.#lastFrameAt + this.#intervalMs;
    if (this.#damagedAt !== null) {
      const due = Math.max(
        this.#damagedAt + this.#coalesceMs,
        this.#lastCaptureAt + this.#intervalMs,
      );
      return now >= due ? { action: "capture" } : { waitMs: due - now };
    }
    if (this.#frameWanted) {
      return now >= rateOk ? { action: "repeat" } : { waitMs: rateOk - now };
    }
    // No keep-alive before the first frame (-Infinity): there is nothing to keep alive yet.
    const keepAlive = this.#lastFrameAt === -Infinity
      ? Infinity
      : this.#lastFrameAt + this.#keepAliveMs;
    let due = Math.min(this.#followUps[0] ?? Infinity, keepAlive, this.#warmUpAt ?? Infinity);
    if (this.#paintOverLeft > 0) {
      const done = this.#paintOverFrames - this.#paintOverLeft;
      due = Math.min(
        due,
        done === 0
          ? this.#lastCaptureAt + this.#settleMs
          : this.#lastFrameAt + this.#paintOverGapMs,
      );
    }
    if (due !== Infinity) {
      due = Math.max(rateOk, due);
      if (now < due) return { waitMs: due - now };
      this.#warmingUp = this.#warmUpAt !== null && now >= this.#warmUpAt;
      return { action: this.#paintOverLeft > 0 && !this.#warmingUp ? "refresh" : "repeat" };
    }
    return { waitMs: Infinity };
  }

  /**
   * A frame was pushed at `now`: `changed` when it carried new pixels (a
   * capture with damage), false for a repeat or a capture that found none.
   */
  pushed(now: number, changed: boolean): void {
    this.#lastFrameAt = now;
    this.#frameWanted = false;
    // Any frame at or after a follow-up's time serves as that follow-up.
    while (this.#followUps[0] !== undefined && this.#followUps[0] <= now) this.#followUps.shift();
    if (this.#warmingUp && !changed) {
      // The warm-up is done; the paint-over still to come is not.
      this.#warmingUp = false;
      this.#warmUpAt = null;
      return;
    }
    this.#warmingUp = false;
    if (changed) {
      this.#lastCaptureAt = now;
      this.#paintOverLeft = this.#paintOverFrames;
    } else if (this.#paintOverLeft > 0 && this.#damagedAt === null) {
      this.#paintOverLeft--;
    }
  }

  /** The damaged region was taken from the X server at `now` (whatever it held). */
  captured(): void {
    const onset = this.#damagedAt;
    this.#damagedAt = null;
    if (onset === null || this.#warmUpLeadMs <= 0) return;
    // Only a change after a quiet spell can be at a steady pace; motion is not.
    if (onset - this.#lastCaptureAt <= 2 * this.#intervalMs) {
      this.#onsets = [];
      this.#warmUpAt = null;
      return;
    }
    this.#onsets = [...this.#onsets.slice(-2), onset];
    this.#warmUpAt = null;
    const [a, b, c] = this.#onsets;
    if (a === undefined || b === undefined || c === undefined) return;
    const pace = c - b;
    const steady = Math.abs(pace - (b - a)) <= Math.max(2, pace * 0.05);
    if (steady && pace - this.#warmUpLeadMs > this.#intervalMs && pace <= this.#keepAliveMs) {
      this.#warmUpAt = c + pace - this.#warmUpLeadMs;
    }
  }
}

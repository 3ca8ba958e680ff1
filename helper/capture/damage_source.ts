/**
 * The damage-driven capture loop that feeds the pipeline's `appsrc`: wait
 * (off the JS thread) for the X server to report damage, let the update
 * finish drawing, read only the damaged boxes into the one I420 frame, and
 * push it; push nothing while the screen is still, except a frame a viewer
 * asks for and the paint-over repeats (capture_scheduler.ts).
 *
 * Never queue latency: the frame is written in place only once the encoder
 * has let go of the previous push, so under load the loop waits and the
 * next capture takes everything that changed meanwhile; no frame is ever
 * captured, converted or encoded only to be dropped, and none waits in a
 * queue. (An encoder that keeps its input, e.g. one with frame threads, gets
 * a copy after one frame interval instead.)
 *
 * @module
 */

import { FdWaiter } from "../../ffi/fd_wait.ts";
import {
  AppSrc,
  FrameBuffer,
  type KeyframeWatch,
  watchKeyframeRequests,
} from "../../ffi/gst_appsrc.ts";
import { log } from "../log.ts";
import { captureBoxes } from "./capture_boxes.ts";
import { CaptureScheduler, type CaptureSchedulerOptions } from "./capture_scheduler.ts";
import { blendCursor } from "./cursor_blend.ts";
import { CursorOverlay } from "./cursor_overlay.ts";
import { ScreenGrabber } from "./screen_grabber.ts";
import type { FrameSink } from "../encode/x264_tier_encoder.ts";
import type { MbRect } from "../encode/mb_info.ts";

/** Options of {@linkcode DamageSource.start}. */
export interface DamageSourceOptions extends Omit<CaptureSchedulerOptions, "framerate"> {
  /** X display, e.g. `":0"`. */
  display: string;
  /** The most frames per second. */
  framerate: number;
  /** The pipeline's `appsrc` (the caller keeps a reference while the source runs). */
  appsrc: Deno.PointerObject;
  /** The encoder's source pad, whose keyframe requests make a still screen send a frame; null: none. */
  encoderPad: Deno.PointerObject | null;
  /** Draw the X pointer into the frames from the start (see {@linkcode DamageSource.showPointer}). Default false. */
  showPointer?: boolean;
  /** The capture cannot go on (the X server went away); the helper must stop. */
  onFatal(error: Error): void;
}

/** Counters of the capture, for the log and the tests. */
export interface CaptureCounters {
  /** Frames pushed with new pixels. */
  captured: number;
  /** Frames pushed again unchanged (keyframes for viewers, paint-over). */
  repeated: number;
  /** Pixels read and converted. */
  pixels: number;
  /** Times the loop found the encoder still holding the frame. */
  busy: number;
}

/** How long to wait before looking again whether the encoder has released the frame, in ms. */
const BUSY_RETRY_MS = 1;
/** Failed grabs in a row after which the capture gives up. */
const MAX_FAILURES = 10;

/** A running damage capture. */
export class DamageSource {
  readonly #grabber: ScreenGrabber;
  readonly #appsrc: AppSrc;
  readonly #scheduler: CaptureScheduler;
  readonly #waiter: FdWaiter;
  readonly #options: DamageSourceOptions;
  #intervalMs: number;
  #framerate: number;
  readonly #overlay: CursorOverlay;
  #frame: FrameBuffer;
  #keyframes: KeyframeWatch | null = null;
  /** The whole screen must be read next (start, resize, a failed grab). */
  #fullNext = true;
  #busySince: number | null = null;
  #failures = 0;
  #stopping = false;
  #loop: Promise<void> = Promise.resolve();
  /** Encoders beside the pipeline that get every pushed frame and its changed boxes (libx264). */
  readonly #sinks = new Set<FrameSink>();
  /** Counters since start. */
  readonly counters: CaptureCounters = { captured: 0, repeated: 0, pixels: 0, busy: 0 };

  private constructor(grabber: ScreenGrabber, options: DamageSourceOptions) {
    this.#grabber = grabber;
    this.#options = options;
    this.#intervalMs = 1000 / options.framerate;
    this.#framerate = options.framerate;
    this.#appsrc = new AppSrc(options.appsrc);
    this.#scheduler = new CaptureScheduler(options);
    this.#overlay = new CursorOverlay({ intervalMs: this.#intervalMs });
    this.#waiter = new FdWaiter(grabber.fd);
    this.#frame = this.#newFrame();
  }

  /** Opens the display, reads the first frame and starts the loop. Throws when it cannot capture. */
  static async start(options: DamageSourceOptions): Promise<DamageSource> {
    const grabber = await ScreenGrabber.open(options.display);
    const source = new DamageSource(grabber, options);
    const { transfer, damage } = grabber.mode;
    const { width, height } = grabber.layout;
    log.info("Capture: {width}x{height} by {transfer}, {trigger}", {
      width,
      height,
      transfer,
      trigger: damage ? "on X damage" : "every frame (no DAMAGE extension)",
    });
    if (options.encoderPad !== null) {
      source.#keyframes = watchKeyframeRequests(options.encoderPad, () => source.requestFrame());
    }
    source.#scheduler.damaged(performance.now());
    if (options.showPointer) source.showPointer(true);
    source.#loop = source.#run();
    return source;
  }

  /** A viewer pressed a key or button: a redraw is likely on its way (the scheduler's warm-up). */
  inputArrived(): void {
    this.#scheduler.inputArrived(performance.now());
    this.#waiter.wake();
  }

  /** A viewer needs a frame now (e.g. a keyframe on a still screen). */
  requestFrame(): void {
    this.#scheduler.wantFrame(performance.now());
    this.#waiter.wake();
  }

  /**
   * Draws the X pointer into the frames, or stops (pointer lock: the
   * browser hides its own cursor then). While drawn, the cursor is read
   * once per frame interval, since a pointer move damages nothing.
   */
  showPointer(visible: boolean): void {
    const now = performance.now();
    if (this.#overlay.show(visible, now)) this.#scheduler.damaged(now);
    this.#waiter.wake();
  }

  /**
   * A new frame-rate ceiling (live settings): the scheduler's interval and
   * the caps' frame rate, which the encoder budgets its bits by (x264
   * restarts on new caps: one keyframe, as with ximagesrc's capsfilter).
   */
  setFramerate(framerate: number): void {
    if (framerate === this.#framerate || this.#stopping) return;
    this.#scheduler.setFramerate(framerate);
    this.#framerate = framerate;
    this.#intervalMs = 1000 / framerate;
    this.#setCaps();
    this.#waiter.wake();
  }

  /** Hands every frame pushed from now on, with what changed, to `sink` too (until removed). */
  addSink(sink: FrameSink): void {
    this.#sinks.add(sink);
  }

  /** Stops handing frames to `sink`. */
  removeSink(sink: FrameSink): void {
    this.#sinks.delete(sink);
  }

  /** Ends the loop and closes the display; the pipeline must still exist. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#waiter.wake();
    await this.#loop;
    this.#keyframes?.remove();
    this.#grabber.close();
    this.#waiter.close();
    log.debug("Capture stopped: {captured} frames captured, {repeated} repeated", {
      ...this.counters,
    });
  }

  /** Frees the frame and the probe's callback: only once the pipeline is in NULL. */
  free(): void {
    this.#keyframes?.close();
    this.#frame.release();
  }

  #newFrame(): FrameBuffer {
    const { width, height, size } = this.#grabber.layout;
    const frame = FrameBuffer.allocate(size);
    this.#setCaps(width, height);
    return frame;
  }

  #setCaps(
    width = this.#grabber.layout.width,
    height = this.#grabber.layout.height,
  ): void {
    this.#appsrc.setCaps(
      // framerate: the ceiling (x264's rate control budgets bits per frame at this rate);
      // colorimetry bt601: what libyuv's ARGBToI420 produces, written into the stream's VUI.
      `video/x-raw,format=I420,width=${width},height=${height},framerate=${this.#framerate}/1,` +
        "pixel-aspect-ratio=1/1,interlace-mode=progressive,colorimetry=bt601",
    );
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      try {
        await this.#step();
        this.#failures = 0;
      } catch (error) {
        if (this.#stopping) return;
        if (!this.#grabber.alive || ++this.#failures >= MAX_FAILURES) {
          this.#options.onFatal(
            new Error(`Capture stopped: ${(error as Error).message}`),
          );
          return;
        }
        log.warning("Capture failed, reading the whole screen next: {reason}", {
          reason: (error as Error).message,
        });
        this.#fullNext = true;
        await this.#checkSize();
        this.#scheduler.damaged(performance.now());
      }
    }
  }

  async #step(): Promise<void> {
    const seen = this.#grabber.events();
    let now = performance.now();
    if (seen.resized) await this.#resize(seen.resized);
    if (seen.damaged || !this.#grabber.mode.damage) this.#scheduler.damaged(now);
    if (this.#overlay.pollIn(now) === 0) now = await this.#readCursor();
    const step = this.#scheduler.next(now);
    if ("waitMs" in step) {
      if (!this.#grabber.alive) throw new Error("the X display went away");
      await this.#waiter.wait(Math.min(step.waitMs, this.#overlay.pollIn(now)));
      return;
    }
    if (!this.#frame.writable && !this.#replaceHeldFrame(now)) {
      await this.#waiter.wait(BUSY_RETRY_MS);
      return;
    }
    this.#busySince = null;
    if (step.action !== "capture") {
      // A plain repeat changes no block; a paint-over refines them all.
      this.#push(now, false, step.action === "refresh" ? "all" : []);
      this.counters.repeated++;
      return;
    }
    this.#scheduler.captured();
    // Where the drawn pointer was and is now is read again: X gives the screen without it.
    const pointer = this.#overlay.take();
    const full = this.#fullNext;
    const rects = this.#fullNext
      ? [{ x: 0, y: 0, width: this.#grabber.layout.width, height: this.#grabber.layout.height }]
      : [...await this.#grabber.damaged(), ...pointer.rects];
    if (this.#fullNext && this.#grabber.mode.damage) await this.#grabber.damaged();
    this.#fullNext = false;
    const boxes = captureBoxes(rects, this.#grabber.layout);
    if (boxes.length === 0) return;
    const cursor = pointer.cursor;
    await this.#grabber.grab(
      boxes,
      this.#frame.data(),
      cursor === null ? undefined : (box, bgrx) => blendCursor(bgrx, box, cursor),
    );
    for (const box of boxes) this.counters.pixels += box.width * box.height;
    this.#push(performance.now(), true, full ? "all" : boxes);
    this.counters.captured++;
  }

  /** Reads the cursor; a move asks for a frame. Resolves with the time after the read. */
  async #readCursor(): Promise<number> {
    try {
      const sample = await this.#grabber.cursor(this.#overlay.knownSerial);
      const now = performance.now();
      if (this.#overlay.sampled(sample, now)) this.#scheduler.damaged(now);
      return now;
    } catch (error) {
      // The frames go on without the pointer; a later show-pointer tries again.
      log.warning("Cannot draw the pointer into the video: {reason}", {
        reason: (error as Error).message,
      });
      const now = performance.now();
      if (this.#overlay.show(false, now)) this.#scheduler.damaged(now);
      return now;
    }
  }

  /** The encoder has held the frame for a whole interval: continue on a copy. */
  #replaceHeldFrame(now: number): boolean {
    if (this.#busySince === null) {
      this.#busySince = now;
      this.counters.busy++;
      return false;
    }
    if (now - this.#busySince < this.#intervalMs) return false;
    const copy = this.#frame.copy();
    this.#frame.release();
    this.#frame = copy;
    return true;
  }

  #push(now: number, changed: boolean, boxes: readonly MbRect[] | "all"): void {
    if (this.#sinks.size > 0) {
      const captured = {
        frame: this.#frame,
        data: this.#frame.data(),
        layout: this.#grabber.layout,
        changed: boxes,
      };
      for (const sink of this.#sinks) sink.frame(captured);
    }
    this.#appsrc.push(this.#frame);
    this.#scheduler.pushed(now, changed);
  }

  async #resize(size: { width: number; height: number }): Promise<void> {
    log.info("Capture: the screen is now {width}x{height}", size);
    await this.#grabber.resize(size);
    this.#frame.release();
    this.#frame = this.#newFrame();
    this.#fullNext = true;
    this.#scheduler.damaged(performance.now());
  }

  /** After a failed grab: the screen may have changed size before its event arrived. */
  async #checkSize(): Promise<void> {
    try {
      const size = await this.#grabber.rootSize();
      const { width, height } = this.#grabber.layout;
      if (size.width !== width || size.height !== height) await this.#resize(size);
    } catch {
      // the next step fails again and counts
    }
  }
}

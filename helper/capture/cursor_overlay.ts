/**
 * The pointer in the damage capture's video (on under pointer lock, where
 * the browser hides its own cursor): what to poll, when, and which screen
 * rectangles a frame must read again to move the drawn cursor. A pure
 * model; every method takes the time, and the capture loop does the X
 * reads and the blending (cursor_blend.ts).
 *
 * The X server reads its screen without the cursor, and moving the pointer
 * damages nothing, so while the pointer is shown the loop asks X for the
 * cursor once per frame interval. A move, or a new cursor image, marks the
 * rectangle it was drawn at (read again: X gives it without the cursor) and
 * the one it is now at (read and drawn over) for the next frame; hiding the
 * pointer marks the drawn rectangle alone, and polling stops.
 *
 * @module
 */

import type { PixelRect } from "../../ffi/xshm.ts";
import { cursorRect, type PlacedCursor } from "./cursor_blend.ts";

/** One look at the X cursor (ffi/xcb_cursor.ts gives it). */
export interface CursorSample {
  /** The pointer's position, in screen pixels. */
  x: number;
  y: number;
  /** The hotspot inside the image, in pixels. */
  hotX: number;
  hotY: number;
  width: number;
  height: number;
  /** The image's serial: the same serial, the same image. */
  serial: number;
  /** The image (0xAARRGGBB, premultiplied); null: unchanged, the serial is {@linkcode CursorOverlay.knownSerial}. */
  argb: Uint32Array | null;
}

/** What the next frame must do for the pointer. */
export interface CursorFrame {
  /** Screen rectangles to read again (where the cursor was drawn, where it is now). */
  rects: PixelRect[];
  /** The cursor to draw over every read box it overlaps; null: none. */
  cursor: PlacedCursor | null;
}

/** The pointer drawn into the damage capture's frames. */
export class CursorOverlay {
  readonly #intervalMs: number;
  #visible = false;
  /** When the cursor is next asked for (Infinity: not while hidden). */
  #nextPollAt = Infinity;
  #serial: number | null = null;
  #image: Uint32Array | null = null;
  /** Where the cursor is now and what it looks like; null until a sample after showing. */
  #cursor: PlacedCursor | null = null;
  /** Where the frame has the cursor drawn; null: nowhere. */
  #drawn: PixelRect | null = null;
  /** The frame's cursor is out of date. */
  #dirty = false;

  /** Polls once every `intervalMs` (the frame interval, ms) while shown. */
  constructor(options: { intervalMs: number }) {
    if (!(options.intervalMs > 0)) {
      throw new RangeError(
        `Cannot draw the pointer: intervalMs must be > 0, received ${options.intervalMs}`,
      );
    }
    this.#intervalMs = options.intervalMs;
  }

  /** Whether the pointer is drawn into the frames. */
  get visible(): boolean {
    return this.#visible;
  }

  /** The serial of the cached image, to pass to the next read; null: none yet. */
  get knownSerial(): number | null {
    return this.#serial;
  }

  /**
   * Shows or hides the pointer at `now`. Returns true when the frame must be
   * captured again at once (hiding a drawn cursor); showing polls at once
   * and a changed sample asks for the capture.
   */
  show(visible: boolean, now: number): boolean {
    if (visible === this.#visible) return false;
    this.#visible = visible;
    this.#cursor = null;
    this.#nextPollAt = visible ? now : Infinity;
    if (visible) return false;
    this.#dirty = this.#drawn !== null;
    return this.#dirty;
  }

  /** Milliseconds from `now` until the cursor must be read (0: now; Infinity: hidden). */
  pollIn(now: number): number {
    return Math.max(0, this.#nextPollAt - now);
  }

  /** The cursor was read at `now`. Returns true when it moved or changed: capture a frame. */
  sampled(sample: CursorSample, now: number): boolean {
    if (!this.#visible) return false;
    this.#nextPollAt = now + this.#intervalMs;
    if (sample.argb !== null) {
      this.#serial = sample.serial;
      this.#image = sample.argb;
    }
    const image = this.#image ?? new Uint32Array(0);
    const fits = image.length === sample.width * sample.height;
    const next: PlacedCursor = {
      x: sample.x - sample.hotX,
      y: sample.y - sample.hotY,
      width: fits ? sample.width : 0,
      height: fits ? sample.height : 0,
      argb: fits ? image : new Uint32Array(0),
    };
    const last = this.#cursor;
    const changed = last === null || last.x !== next.x || last.y !== next.y ||
      last.width !== next.width || last.height !== next.height || last.argb !== next.argb;
    this.#cursor = next;
    if (changed) this.#dirty = true;
    return changed;
  }

  /**
   * A frame is being captured: the rectangles it must read for the pointer
   * (none when nothing changed) and the cursor to draw. From here on the
   * frame counts as having the cursor where it is now.
   */
  take(): CursorFrame {
    const cursor = this.#visible && this.#cursor !== null && this.#cursor.width > 0
      ? this.#cursor
      : null;
    if (!this.#dirty) return { rects: [], cursor };
    const rects = this.#drawn === null ? [] : [this.#drawn];
    if (cursor !== null) rects.push(cursorRect(cursor));
    this.#drawn = cursor === null ? null : cursorRect(cursor);
    this.#dirty = false;
    return { rects, cursor };
  }
}

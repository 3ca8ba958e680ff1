/**
 * Mouse and pen input: positions in the letterboxed `<video>` to frame pixels,
 * buttons, relative motion under pointer lock, and wheel deltas to notches.
 *
 * Pure logic on plain objects; `client/lib/input.ts` does the DOM wiring.
 *
 * Latency choice: every `pointermove` is sent at once, never batched to an
 * animation frame. Chrome already delivers at most one `pointermove` per
 * frame and folds the rest into `getCoalescedEvents()`; the dispatched event
 * carries the newest position, which is all a hovering cursor needs. While a
 * button is held the coalesced positions are sent too (a stroke in a remote
 * paint program keeps its shape); that costs one small array per frame and
 * moves that land on the same frame pixel are dropped.
 *
 * @module
 */

import { type InputEvent, Op } from "../../lib/protocol/input.ts";

/** A rectangle in CSS pixels, as `getBoundingClientRect()` returns. */
export interface Rect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Where and how big a `<video>` is: its box in CSS pixels and its frame in video pixels. */
export interface VideoView {
  readonly rect: Rect;
  /** Intrinsic frame width in pixels (`HTMLVideoElement.videoWidth`); 0 before the first frame. */
  readonly videoWidth: number;
  /** Intrinsic frame height in pixels (`HTMLVideoElement.videoHeight`). */
  readonly videoHeight: number;
}

/** A point in a video frame: pixel (`x`, `y`) of a `width` x `height` frame, as `Op.Move` carries. */
export interface FramePoint {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Maps a client position (CSS pixels, as `clientX`/`clientY`) to the frame
 * pixel under it, for a video drawn with `object-fit: contain` centred in its
 * box (black bars left/right or top/bottom). Points on the bars or outside
 * the box are clamped to the nearest edge pixel, so the remote screen edges
 * are easy to reach. Returns `undefined` while the video has no frame size.
 */
export function videoPoint(
  view: VideoView,
  point: { readonly clientX: number; readonly clientY: number },
): FramePoint | undefined {
  const { rect, videoWidth: width, videoHeight: height } = view;
  if (width <= 0 || height <= 0 || rect.width <= 0 || rect.height <= 0) return undefined;
  const scale = Math.min(rect.width / width, rect.height / height);
  const left = rect.left + (rect.width - width * scale) / 2;
  const top = rect.top + (rect.height - height * scale) / 2;
  const x = Math.floor((point.clientX - left) / scale);
  const y = Math.floor((point.clientY - top) / scale);
  return {
    x: Math.min(Math.max(x, 0), width - 1),
    y: Math.min(Math.max(y, 0), height - 1),
    width,
    height,
  };
}

/**
 * `MouseEvent.buttons` bits to X buttons: 1 left, 2 right, 4 middle, 8 back,
 * 16 forward; so `MouseEvent.button` 0-4 (left, middle, right, back, forward)
 * become X buttons 1, 2, 3, 8, 9.
 */
const MASK_TO_X: readonly (readonly [number, number])[] = [[1, 1], [2, 3], [4, 2], [8, 8], [16, 9]];

/** Returns the `MouseEvent.buttons` bit of a `MouseEvent.button` value, or 0. */
export function buttonBit(domButton: number): number {
  return [1, 4, 2, 8, 16][domButton] ?? 0;
}

/**
 * Mouse and pen state: the last position sent and the buttons held.
 * Buttons are tracked from `MouseEvent.buttons` on every event, which also
 * catches a second button pressed during a drag (browsers report that as a
 * `pointermove`, not a `pointerdown`).
 */
export class PointerInput {
  #emit: (event: InputEvent) => void;
  /** `MouseEvent.buttons` bits held on the remote. */
  #mask = 0;
  /** Bits whose current press is not forwarded (the pointer-lock click). */
  #ignored = 0;
  #last: FramePoint | undefined;
  #restX = 0;
  #restY = 0;

  /** @param emit receives each event to send, in order. */
  constructor(emit: (event: InputEvent) => void) {
    this.#emit = emit;
  }

  /** Number of buttons held on the remote. */
  get held(): number {
    let n = 0;
    for (const [bit] of MASK_TO_X) if (this.#mask & bit) n++;
    return n;
  }

  /** Sends an absolute move, unless the pointer is already on that frame pixel. */
  move(point: FramePoint): void {
    const last = this.#last;
    if (
      last && last.x === point.x && last.y === point.y && last.width === point.width &&
      last.height === point.height
    ) return;
    this.#last = point;
    this.#emit({ op: Op.Move, ...point });
  }

  /**
   * Sends a relative move of (`dx`, `dy`) pixels (`movementX`/`movementY`
   * under pointer lock). Fractions (Chrome on scaled displays) are carried to
   * the next call; moves beyond the 16-bit range are split.
   */
  moveBy(dx: number, dy: number): void {
    this.#restX += dx;
    this.#restY += dy;
    let x = Math.trunc(this.#restX);
    let y = Math.trunc(this.#restY);
    this.#restX -= x;
    this.#restY -= y;
    while (x !== 0 || y !== 0) {
      const stepX = Math.max(-32768, Math.min(32767, x));
      const stepY = Math.max(-32768, Math.min(32767, y));
      this.#emit({ op: Op.MoveRelative, dx: stepX, dy: stepY });
      x -= stepX;
      y -= stepY;
    }
    this.#last = undefined;
  }

  /** Makes the current press of `MouseEvent.button` `domButton` invisible to the remote, down and up. */
  ignorePress(domButton: number): void {
    this.#ignored |= buttonBit(domButton);
  }

  /** Sends the presses and releases that turn the held buttons into `buttons` (`MouseEvent.buttons`). */
  buttons(buttons: number): void {
    // A press stops being ignored once it is released.
    this.#ignored &= buttons;
    const mask = buttons & ~this.#ignored;
    for (const [bit, button] of MASK_TO_X) {
      if ((mask & bit) === (this.#mask & bit)) continue;
      const down = (mask & bit) !== 0;
      this.#emit({ op: down ? Op.ButtonDown : Op.ButtonUp, button });
    }
    this.#mask = mask & 31;
  }

  /** Releases every held button (blur, hidden page, detach, `pointercancel`). */
  releaseAll(): void {
    this.buttons(0);
    this.#ignored = 0;
  }
}

/** The fields of a `WheelEvent` the accumulator reads; a DOM `WheelEvent` is one. */
export interface WheelLike {
  /** 0 pixels, 1 lines, 2 pages (`WheelEvent.DOM_DELTA_*`). */
  readonly deltaMode: number;
  readonly deltaX: number;
  readonly deltaY: number;
  /** Milliseconds, as `Event.timeStamp`. */
  readonly timeStamp: number;
}

/** Firefox reports one mouse-wheel notch as 3 lines (the Windows and GTK default). */
const LINES_PER_NOTCH = 3;
/** A page-mode event (Windows "one screen at a time") counts as this many notches. */
const NOTCHES_PER_PAGE = 3;
/**
 * Pixels of trackpad travel per notch, about what one mouse notch reports in
 * Chrome (roughly 50-120 px depending on platform, version and zoom).
 */
const PIXELS_PER_NOTCH = 100;
/** A pixel delta at least this big is one mouse notch (or more), never a fraction of one. */
const MOUSE_NOTCH_MIN_PX = 50;
/** After this many milliseconds without wheel events, the next one scrolls at least one notch. */
const IDLE_MS = 250;

interface Axis {
  rest: number;
  sign: number;
  last: number;
}

/**
 * Turns wheel events into whole notches for `Op.Scroll`, telling mice from
 * trackpads. A mouse event (line or page mode, or a pixel delta of 50 px or
 * more) scrolls `round(delta / notch)` notches and at least one, so one
 * notch never becomes ten however the browser scales it. A trackpad event
 * (small, often fractional pixel deltas, 60 or more a second) is
 * accumulated, one notch per 100 px; the first event after a pause scrolls
 * one notch at once so small gestures (and macOS mice, whose notches are a few
 * pixels) are not lost. Reversing direction drops the remainder.
 */
export class WheelAccumulator {
  #x: Axis = { rest: 0, sign: 0, last: -Infinity };
  #y: Axis = { rest: 0, sign: 0, last: -Infinity };

  /** Returns the notches to send for one wheel event; `dy > 0` scrolls down, `dx > 0` right. */
  push(ev: WheelLike): { dx: number; dy: number } {
    return {
      dx: notches(this.#x, ev.deltaX, ev.deltaMode, ev.timeStamp),
      dy: notches(this.#y, ev.deltaY, ev.deltaMode, ev.timeStamp),
    };
  }
}

function notches(axis: Axis, delta: number, mode: number, now: number): number {
  if (delta === 0 || !Number.isFinite(delta)) return 0;
  const idle = now - axis.last > IDLE_MS;
  axis.last = now;
  const sign = Math.sign(delta);
  if (sign !== axis.sign) {
    axis.sign = sign;
    axis.rest = 0;
  }
  const size = Math.abs(delta);
  const units = mode === 1
    ? size / LINES_PER_NOTCH
    : mode === 2
    ? size * NOTCHES_PER_PAGE
    : size / PIXELS_PER_NOTCH;
  let n: number;
  if ((mode !== 0 && size >= 1) || (mode === 0 && size >= MOUSE_NOTCH_MIN_PX)) {
    axis.rest = 0;
    n = Math.max(1, Math.round(units));
  } else if (idle) {
    axis.rest = 0;
    n = 1;
  } else {
    axis.rest += units;
    n = Math.trunc(axis.rest);
    axis.rest -= n;
  }
  return n === 0 ? 0 : sign * Math.min(n, 127);
}

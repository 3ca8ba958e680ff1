/**
 * Touch-screen gestures to pointer input, like a touch screen on the remote
 * desktop: the pointer goes where the finger is.
 *
 * - one-finger tap: left click there;
 * - one-finger drag (moved more than {@linkcode TOUCH_SLOP_PX}): left press
 *   where it started, motion, release where it ends;
 * - long press ({@linkcode LONG_PRESS_MS} without moving): right click;
 * - two fingers: moving together scrolls (content follows the fingers);
 *   spreading or closing them first (more than {@linkcode PINCH_SLOP_PX})
 *   is a pinch that zooms and pans the local view instead (`onPinch`,
 *   client/lib/view_zoom.ts); a quick two-finger tap right-clicks.
 *
 * A state machine fed with plain objects (a DOM `PointerEvent` with
 * `pointerType === "touch"` fits {@linkcode TouchPoint}); timers are
 * injectable for tests. `client/lib/input.ts` does the DOM wiring.
 *
 * @module
 */

import { type InputEvent, Op } from "../../lib/protocol/input.ts";
import type { FramePoint } from "./pointer.ts";
import type { PinchPoint } from "./view_zoom.ts";

/** Finger travel in CSS pixels below which a touch is still a tap or long press. */
export const TOUCH_SLOP_PX = 10;
/** Milliseconds a still finger must stay down to right-click. */
export const LONG_PRESS_MS = 500;
/** Milliseconds within which two fingers down and up (without scrolling) right-click. */
export const TWO_FINGER_TAP_MS = 300;
/** Two-finger travel in CSS pixels per wheel notch; about what a notch scrolls in a desktop app. */
export const TOUCH_PIXELS_PER_NOTCH = 40;
/** Change of the distance between two fingers, in CSS pixels, that makes a gesture a pinch. */
export const PINCH_SLOP_PX = 24;

/** One finger: an identifier and a client position in CSS pixels. */
export interface TouchPoint {
  /** Stable for the finger's contact (`PointerEvent.pointerId`). */
  readonly pointerId: number;
  readonly clientX: number;
  readonly clientY: number;
  /** Milliseconds, as `Event.timeStamp`. */
  readonly timeStamp: number;
}

/** Options of {@linkcode TouchGestures}. */
export interface TouchGesturesOptions {
  /** Maps a client position to a frame pixel; `undefined` while the video has no size. */
  toFrame: (point: TouchPoint) => FramePoint | undefined;
  /** Receives pinches (zoom and pan of the view); without it two fingers only scroll. */
  onPinch?: (from: PinchPoint, to: PinchPoint) => void;
  /** Default `globalThis.setTimeout`. */
  setTimeout?: (fn: () => void, ms: number) => number;
  /** Default `globalThis.clearTimeout`. */
  clearTimeout?: (id: number) => void;
}

type State =
  /** No gesture. */
  | { kind: "idle" }
  /** One finger down, not moved: a tap, a drag or a long press. */
  | { kind: "pending"; start: TouchPoint }
  /** One finger dragging with the left button held. */
  | { kind: "dragging"; id: number }
  /** Two fingers: scrolling, pinching, or a two-finger tap. */
  | {
    kind: "two";
    start: number;
    midX: number;
    midY: number;
    moved: boolean;
    /** Distance between the fingers at the start, then at the last pinch step. */
    distance: number;
    pinching: boolean;
  }
  /** The gesture is over (long press fired, or a finger of a two-finger gesture lifted). */
  | { kind: "done" };

/**
 * Turns touch points into `Op.Move`, `Op.ButtonDown`/`Op.ButtonUp` and
 * `Op.Scroll`. Call {@linkcode down}, {@linkcode move}, {@linkcode up} for
 * every finger and {@linkcode cancel} on `pointercancel`.
 */
export class TouchGestures {
  #emit: (event: InputEvent) => void;
  #toFrame: (point: TouchPoint) => FramePoint | undefined;
  #onPinch: ((from: PinchPoint, to: PinchPoint) => void) | undefined;
  #setTimeout: (fn: () => void, ms: number) => number;
  #clearTimeout: (id: number) => void;
  #fingers = new Map<number, TouchPoint>();
  #state: State = { kind: "idle" };
  #timer: number | undefined;
  /** The last position sent. */
  #last: FramePoint | undefined;
  #restX = 0;
  #restY = 0;

  /** @param emit receives each event to send, in order. */
  constructor(emit: (event: InputEvent) => void, options: TouchGesturesOptions) {
    this.#emit = emit;
    this.#toFrame = options.toFrame;
    this.#onPinch = options.onPinch;
    // Number(): the timer id is a number in browsers and Deno (Node typings say Timeout).
    this.#setTimeout = options.setTimeout ?? ((fn, ms) => Number(setTimeout(fn, ms)));
    this.#clearTimeout = options.clearTimeout ?? ((id) => clearTimeout(id));
  }

  /** Number of buttons held on the remote (1 while dragging). */
  get held(): number {
    return this.#state.kind === "dragging" ? 1 : 0;
  }

  /** A finger touched the screen. */
  down(p: TouchPoint): void {
    this.#fingers.set(p.pointerId, p);
    const state = this.#state;
    if (state.kind === "idle") {
      // A mouse may have moved the remote pointer since the last gesture.
      this.#last = undefined;
      this.#moveTo(p);
      this.#state = { kind: "pending", start: p };
      this.#timer = this.#setTimeout(() => this.#longPress(), LONG_PRESS_MS);
    } else if (state.kind === "pending" && this.#fingers.size === 2) {
      this.#stopTimer();
      const [midX, midY] = this.#middle();
      this.#restX = 0;
      this.#restY = 0;
      this.#state = {
        kind: "two",
        start: p.timeStamp,
        midX,
        midY,
        moved: false,
        distance: this.#spread(),
        pinching: false,
      };
    }
    // More fingers, or a finger added to a drag, are ignored.
  }

  /** A finger moved. */
  move(p: TouchPoint): void {
    if (!this.#fingers.has(p.pointerId)) return;
    this.#fingers.set(p.pointerId, p);
    const state = this.#state;
    if (state.kind === "pending") {
      if (distance(state.start, p) <= TOUCH_SLOP_PX) return;
      this.#stopTimer();
      this.#state = { kind: "dragging", id: p.pointerId };
      this.#emit({ op: Op.ButtonDown, button: 1 });
      this.#moveTo(p);
    } else if (state.kind === "dragging") {
      if (p.pointerId === state.id) this.#moveTo(p);
    } else if (state.kind === "two") {
      const [midX, midY] = this.#middle();
      const distance = this.#spread();
      if (
        this.#onPinch && !state.moved &&
        Math.abs(distance - state.distance) > PINCH_SLOP_PX
      ) {
        // The fingers spread or closed before they moved together: a pinch, for good.
        state.moved = true;
        state.pinching = true;
      }
      if (state.pinching) {
        this.#onPinch?.(
          { distance: state.distance, midX: state.midX, midY: state.midY },
          { distance, midX, midY },
        );
        state.distance = distance;
        state.midX = midX;
        state.midY = midY;
        return;
      }
      const dx = midX - state.midX;
      const dy = midY - state.midY;
      if (!state.moved && Math.hypot(dx, dy) <= TOUCH_SLOP_PX) return;
      state.moved = true;
      state.midX = midX;
      state.midY = midY;
      // Content follows the fingers: fingers moving up scroll down.
      this.#restX -= dx / TOUCH_PIXELS_PER_NOTCH;
      this.#restY -= dy / TOUCH_PIXELS_PER_NOTCH;
      const nx = clampNotches(Math.trunc(this.#restX));
      const ny = clampNotches(Math.trunc(this.#restY));
      this.#restX -= nx;
      this.#restY -= ny;
      if (nx !== 0 || ny !== 0) this.#emit({ op: Op.Scroll, dx: nx, dy: ny });
    }
  }

  /** A finger left the screen. */
  up(p: TouchPoint): void {
    if (!this.#fingers.has(p.pointerId)) return;
    this.#fingers.delete(p.pointerId);
    const state = this.#state;
    if (state.kind === "pending") {
      this.#stopTimer();
      this.#click(1);
    } else if (state.kind === "dragging") {
      if (p.pointerId !== state.id) return;
      this.#moveTo(p);
      this.#emit({ op: Op.ButtonUp, button: 1 });
      this.#state = { kind: "done" };
    } else if (state.kind === "two") {
      if (!state.moved && p.timeStamp - state.start <= TWO_FINGER_TAP_MS) this.#click(3);
      this.#state = { kind: "done" };
    }
    if (this.#fingers.size === 0) this.#state = { kind: "idle" };
  }

  /** The browser took the touch over (`pointercancel`): forget the finger, release the button. */
  cancel(p: TouchPoint): void {
    this.#fingers.delete(p.pointerId);
    this.#abort();
    if (this.#fingers.size > 0) this.#state = { kind: "done" };
  }

  /** Ends any gesture and releases a held button (blur, hidden page, detach). */
  releaseAll(): void {
    this.#fingers.clear();
    this.#abort();
  }

  #abort(): void {
    this.#stopTimer();
    if (this.#state.kind === "dragging") this.#emit({ op: Op.ButtonUp, button: 1 });
    this.#state = { kind: "idle" };
  }

  #longPress(): void {
    this.#timer = undefined;
    if (this.#state.kind !== "pending") return;
    this.#click(3);
    this.#state = { kind: "done" };
  }

  #click(button: number): void {
    this.#emit({ op: Op.ButtonDown, button });
    this.#emit({ op: Op.ButtonUp, button });
  }

  #moveTo(p: TouchPoint): void {
    const frame = this.#toFrame(p);
    if (!frame) return;
    const last = this.#last;
    if (
      last && last.x === frame.x && last.y === frame.y && last.width === frame.width &&
      last.height === frame.height
    ) return;
    this.#last = frame;
    this.#emit({ op: Op.Move, ...frame });
  }

  #middle(): [number, number] {
    let x = 0;
    let y = 0;
    let n = 0;
    for (const f of this.#fingers.values()) {
      if (n === 2) break;
      x += f.clientX;
      y += f.clientY;
      n++;
    }
    return [x / n, y / n];
  }

  /** The distance between the first two fingers, in CSS pixels. */
  #spread(): number {
    const [a, b] = [...this.#fingers.values()];
    return a && b ? distance(a, b) : 0;
  }

  #stopTimer(): void {
    if (this.#timer === undefined) return;
    this.#clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

function distance(a: TouchPoint, b: TouchPoint): number {
  return Math.hypot(b.clientX - a.clientX, b.clientY - a.clientY);
}

function clampNotches(n: number): number {
  // `|| 0` turns -0 (from truncating -0.5) into 0.
  return Math.max(-127, Math.min(127, n)) || 0;
}

/**
 * Where decoded input goes: the X server through XTest, a uinput device, or
 * nowhere (view-only). Chosen once at start-up in `cli.ts`.
 *
 * @module
 */

/** A screen size in pixels. */
export interface ScreenSize {
  width: number;
  height: number;
}

/**
 * Injects keyboard and pointer events. Every method is synchronous and cheap
 * (microseconds); implementations never throw on a bad value, they ignore it
 * and count it.
 */
export interface InputSink {
  /** Presses or releases the key that produces X keysym `keysym`. */
  key(keysym: number, down: boolean): void;
  /** Moves the pointer to absolute screen pixel (`x`, `y`). */
  moveTo(x: number, y: number): void;
  /** Moves the pointer by (`dx`, `dy`) pixels. */
  moveBy(dx: number, dy: number): void;
  /** Presses or releases pointer button 1-9 (4-7 are the wheel). */
  button(button: number, down: boolean): void;
  /** Releases every key and button this sink pressed and has not released. */
  releaseAll(): void;
  /** The current screen size in pixels, used to scale absolute motion. */
  screenSize(): ScreenSize;
  /** Releases everything and frees the sink's resources. */
  close(): void;
}

/** The do-nothing sink: view-only viewers and tests without a display. */
export class NullInputSink implements InputSink {
  #size: ScreenSize;
  /** @param size what {@linkcode screenSize} reports; defaults to 1x1. */
  constructor(size: ScreenSize = { width: 1, height: 1 }) {
    this.#size = size;
  }
  key(): void {}
  moveTo(): void {}
  moveBy(): void {}
  button(): void {}
  releaseAll(): void {}
  screenSize(): ScreenSize {
    return this.#size;
  }
  close(): void {}
}

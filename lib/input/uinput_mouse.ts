/**
 * Relative pointer motion through a uinput mouse: raw, unaccelerated deltas
 * for games in pointer-lock mode. Keys, buttons and absolute motion stay on
 * the X sink; only `moveBy` goes to the kernel device. The X server sees the
 * device only if it hot-plugs input devices (a desktop Xorg with udev).
 *
 * @module
 */

import {
  BTN_LEFT,
  BTN_MIDDLE,
  BTN_RIGHT,
  BUS_VIRTUAL,
  EV_REL,
  REL_X,
  REL_Y,
  UinputDevice,
} from "../../ffi/uinput.ts";
import type { InputSink, ScreenSize } from "./input_sink.ts";

/** An {@linkcode InputSink} whose relative motion goes through uinput. */
export class UinputRelativeSink implements InputSink {
  readonly #x: InputSink;
  readonly #mouse: UinputDevice;

  constructor(x: InputSink, mouse: UinputDevice) {
    this.#x = x;
    this.#mouse = mouse;
  }

  /** Creates the uinput mouse; throws a one-line `Error` when /dev/uinput refuses. */
  static create(x: InputSink): UinputRelativeSink {
    const mouse = UinputDevice.create(
      "Skerry Mouse",
      { bustype: BUS_VIRTUAL, vendor: 0x1209, product: 0x5ce1, version: 1 },
      // Buttons make it a mouse to udev and libinput; they are sent through X.
      { keys: [BTN_LEFT, BTN_RIGHT, BTN_MIDDLE], relative: [REL_X, REL_Y] },
    );
    return new UinputRelativeSink(x, mouse);
  }

  key(keysym: number, down: boolean): void {
    this.#x.key(keysym, down);
  }
  moveTo(x: number, y: number): void {
    this.#x.moveTo(x, y);
  }
  moveBy(dx: number, dy: number): void {
    this.#mouse.emit([[EV_REL, REL_X, dx], [EV_REL, REL_Y, dy]]);
  }
  button(button: number, down: boolean): void {
    this.#x.button(button, down);
  }
  releaseAll(): void {
    this.#x.releaseAll();
  }
  screenSize(): ScreenSize {
    return this.#x.screenSize();
  }
  close(): void {
    this.#mouse.close();
    this.#x.close();
  }
}

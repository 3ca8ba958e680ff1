/**
 * Relative pointer motion (pointer lock) through a uinput mouse, when the X
 * server sees it: raw deltas for games. Keys, buttons and absolute motion
 * stay on the X sink.
 *
 * The X server sees a uinput device only if it hot-plugs input devices (a
 * desktop Xorg with udev); the embedded Xorg sets `AutoAddDevices false`
 * and never does. So relative motion goes through XTest until the X server
 * lists the mouse among its input devices, and stays on XTest (with one log
 * line) if it has not listed it after {@linkcode UinputRelativeSinkOptions.seenTimeoutMs}:
 * relative motion always reaches the desktop.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
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

const log = getLogger(["skerry", "input"]);

/** The name the uinput mouse is created (and listed by the X server) under. */
export const UINPUT_MOUSE_NAME = "Skerry Mouse";

/** A device that takes relative motion: the uinput mouse, or a stand-in in tests. */
export interface RelativeDevice {
  /** The name the X server lists it under once it picked the device up. */
  readonly name: string;
  /** Writes evdev events (type, code, value) followed by a SYN_REPORT. */
  emit(events: readonly [number, number, number][]): void;
  close(): void;
}

/** An X sink that can tell which input devices the X server lists. */
export interface XSink extends InputSink {
  /** Whether the X server lists an input device named `name`. */
  hasInputDevice(name: string): boolean;
}

/** Creates the uinput mouse; throws a one-line `Error` when /dev/uinput refuses. */
export function createUinputMouse(path = "/dev/uinput"): RelativeDevice {
  return UinputDevice.create(
    UINPUT_MOUSE_NAME,
    { bustype: BUS_VIRTUAL, vendor: 0x1209, product: 0x5ce1, version: 1 },
    // Buttons make it a mouse to udev and libinput; they are sent through X.
    { keys: [BTN_LEFT, BTN_RIGHT, BTN_MIDDLE], relative: [REL_X, REL_Y] },
    path,
  );
}

/** Options of {@linkcode UinputRelativeSink}. */
export interface UinputRelativeSinkOptions {
  /** How long to wait for the X server to list the mouse, in ms. Default 2000 (udev hot-plug takes tens of ms). */
  seenTimeoutMs?: number;
  /** How often to ask the X server meanwhile, in ms (one round trip each). Default 50. */
  pollMs?: number;
}

/** An {@linkcode InputSink} whose relative motion goes to a uinput mouse once X sees it. */
export class UinputRelativeSink implements InputSink {
  readonly #x: XSink;
  #mouse: RelativeDevice | undefined;
  #seen = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #decided = Promise.withResolvers<"uinput" | "xtest">();

  /** Takes ownership of `mouse` and starts watching for the X server to list it. */
  constructor(x: XSink, mouse: RelativeDevice, options: UinputRelativeSinkOptions = {}) {
    this.#x = x;
    this.#mouse = mouse;
    const { seenTimeoutMs = 2000, pollMs = 50 } = options;
    const deadline = Date.now() + seenTimeoutMs;
    const check = () => {
      this.#timer = undefined;
      if (this.#mouse === undefined) return;
      if (x.hasInputDevice(mouse.name)) {
        this.#seen = true;
        log.info("The X server lists {device}: relative motion goes through uinput", {
          device: mouse.name,
        });
        this.#decided.resolve("uinput");
      } else if (Date.now() >= deadline) {
        log.warn(
          "The X server does not list {device} after {ms} ms (it does not hot-plug input devices): relative motion goes through XTest",
          { device: mouse.name, ms: seenTimeoutMs },
        );
        this.#closeMouse();
      } else {
        this.#timer = setTimeout(check, pollMs);
      }
    };
    check();
  }

  /** Where relative motion goes, once decided: `uinput` when X lists the mouse, else `xtest`. */
  get route(): Promise<"uinput" | "xtest"> {
    return this.#decided.promise;
  }

  key(keysym: number, down: boolean): void {
    this.#x.key(keysym, down);
  }
  moveTo(x: number, y: number): void {
    this.#x.moveTo(x, y);
  }
  moveBy(dx: number, dy: number): void {
    if (this.#seen && this.#mouse) this.#mouse.emit([[EV_REL, REL_X, dx], [EV_REL, REL_Y, dy]]);
    else this.#x.moveBy(dx, dy);
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
    this.#closeMouse();
    this.#x.close();
  }

  #closeMouse(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#seen = false;
    this.#mouse?.close();
    this.#mouse = undefined;
    this.#decided.resolve("xtest");
  }
}

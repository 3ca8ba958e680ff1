/**
 * Gamepads: the browser's "standard" layout turned into evdev gamepads, one
 * uinput device per pad, shaped like an Xbox 360 controller so games and SDL
 * recognise them (the layout of the Linux xpad driver).
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import {
  ABS_HAT0X,
  ABS_HAT0Y,
  ABS_RX,
  ABS_RY,
  ABS_RZ,
  ABS_X,
  ABS_Y,
  ABS_Z,
  BTN_EAST,
  BTN_MODE,
  BTN_SELECT,
  BTN_SOUTH,
  BTN_START,
  BTN_THUMBL,
  BTN_THUMBR,
  BTN_TL,
  BTN_TR,
  BTN_X,
  BTN_Y,
  BUS_USB,
  EV_ABS,
  EV_KEY,
  UinputDevice,
} from "../../ffi/uinput.ts";
import type { PadSink } from "./input_handler.ts";

const log = getLogger(["skerry", "uinput"]);

/** One evdev event: type, code, value. */
export type EvdevEvent = [number, number, number];

/** Browser standard-layout buttons (index) that are plain evdev buttons. */
const BUTTON_CODES: Readonly<Record<number, number>> = {
  0: BTN_SOUTH, // A
  1: BTN_EAST, // B
  2: BTN_X, // X (left)
  3: BTN_Y, // Y (top)
  4: BTN_TL, // LB
  5: BTN_TR, // RB
  8: BTN_SELECT, // Back
  9: BTN_START, // Start
  10: BTN_THUMBL, // left stick press
  11: BTN_THUMBR, // right stick press
  16: BTN_MODE, // Home
};

/** Browser standard-layout axes: LX, LY, RX, RY. */
const AXIS_CODES: readonly number[] = [ABS_X, ABS_Y, ABS_RX, ABS_RY];

/** The D-pad buttons held, for the hat axes. */
export interface DpadState {
  up: boolean;
  down: boolean;
  left: boolean;
  right: boolean;
}

/**
 * Evdev events for browser button `button` at `value` (0-65535, pressed at
 * half way): face/shoulder/stick buttons are keys, triggers (6, 7) are ABS_Z
 * and ABS_RZ 0-255, the D-pad (12-15) is the HAT0 axes -1..1.
 */
export function mapPadButton(dpad: DpadState, button: number, value: number): EvdevEvent[] {
  const pressed = value >= 0x8000;
  const code = BUTTON_CODES[button];
  if (code !== undefined) return [[EV_KEY, code, pressed ? 1 : 0]];
  if (button === 6 || button === 7) {
    return [[EV_ABS, button === 6 ? ABS_Z : ABS_RZ, Math.round((value * 255) / 0xffff)]];
  }
  if (button >= 12 && button <= 15) {
    const side = (["up", "down", "left", "right"] as const)[button - 12]!;
    dpad[side] = pressed;
    return button <= 13
      ? [[EV_ABS, ABS_HAT0Y, (dpad.down ? 1 : 0) - (dpad.up ? 1 : 0)]]
      : [[EV_ABS, ABS_HAT0X, (dpad.right ? 1 : 0) - (dpad.left ? 1 : 0)]];
  }
  return [];
}

/** Evdev events for browser axis `axis` at `value` (-32767..32767): sticks, Y down positive as in evdev. */
export function mapPadAxis(axis: number, value: number): EvdevEvent[] {
  const code = AXIS_CODES[axis];
  return code === undefined ? [] : [[EV_ABS, code, Math.max(-32768, Math.min(32767, value))]];
}

/** Creates an evdev gamepad named `name`. */
function createPad(name: string): UinputDevice {
  const stick = { minimum: -32768, maximum: 32767, fuzz: 16, flat: 128 };
  return UinputDevice.create(
    name,
    // The Microsoft Xbox 360 controller's ids: what SDL and games know best.
    { bustype: BUS_USB, vendor: 0x045e, product: 0x028e, version: 0x110 },
    {
      keys: Object.values(BUTTON_CODES),
      absolute: [
        [ABS_X, stick],
        [ABS_Y, stick],
        [ABS_RX, stick],
        [ABS_RY, stick],
        [ABS_Z, { minimum: 0, maximum: 255 }],
        [ABS_RZ, { minimum: 0, maximum: 255 }],
        [ABS_HAT0X, { minimum: -1, maximum: 1 }],
        [ABS_HAT0Y, { minimum: -1, maximum: 1 }],
      ],
    },
  );
}

/** One viewer's gamepads as uinput devices (up to four). */
export class UinputPads implements PadSink {
  readonly #pads = new Map<number, { device: UinputDevice; dpad: DpadState }>();
  readonly #peer: string;

  constructor(peer: string) {
    this.#peer = peer;
  }

  connect(index: number): void {
    if (this.#pads.has(index)) return;
    try {
      const device = createPad(`Skerry Gamepad ${index + 1}`);
      this.#pads.set(index, {
        device,
        dpad: { up: false, down: false, left: false, right: false },
      });
      log.info("Gamepad {index} of {peer} connected", { index, peer: this.#peer });
    } catch (error) {
      log.warn("Cannot create gamepad {index}: {reason}", {
        index,
        reason: (error as Error).message,
      });
    }
  }

  button(index: number, button: number, value: number): void {
    const pad = this.#pads.get(index);
    if (pad) pad.device.emit(mapPadButton(pad.dpad, button, value));
  }

  axis(index: number, axis: number, value: number): void {
    this.#pads.get(index)?.device.emit(mapPadAxis(axis, value));
  }

  disconnect(index: number): void {
    this.#pads.get(index)?.device.close();
    this.#pads.delete(index);
  }

  close(): void {
    for (const index of [...this.#pads.keys()]) this.disconnect(index);
  }
}

/**
 * Virtual input devices through `/dev/uinput`, via libc `open`/`ioctl`/
 * `write`/`close` (Deno's file API exposes no descriptor for ioctls).
 * Constants come from linux/uinput.h and linux/input-event-codes.h; the
 * ioctl numbers are computed with the kernel's `_IO`/`_IOW` encoding.
 *
 * @module
 */

import {
  type AbsInfo,
  type InputId,
  packAbsSetup,
  packInputEvents,
  packUinputSetup,
} from "./_struct.ts";
import { lastError, libc } from "./libc.ts";

/** Event types. */
const EV_SYN = 0x00;
export const EV_KEY = 0x01;
export const EV_REL = 0x02;
export const EV_ABS = 0x03;
/** `SYN_REPORT`: the end of one batch of changes. */
const SYN_REPORT = 0;
/** Relative axes. */
export const REL_X = 0x00;
export const REL_Y = 0x01;
/** Mouse buttons. */
export const BTN_LEFT = 0x110;
export const BTN_RIGHT = 0x111;
export const BTN_MIDDLE = 0x112;
/** Gamepad buttons. */
export const BTN_SOUTH = 0x130;
export const BTN_EAST = 0x131;
/** xpad's left and top face buttons (BTN_NORTH and BTN_WEST in newer headers). */
export const BTN_X = 0x133;
export const BTN_Y = 0x134;
export const BTN_TL = 0x136;
export const BTN_TR = 0x137;
export const BTN_SELECT = 0x13a;
export const BTN_START = 0x13b;
export const BTN_MODE = 0x13c;
export const BTN_THUMBL = 0x13d;
export const BTN_THUMBR = 0x13e;
/** Absolute axes. */
export const ABS_X = 0x00;
export const ABS_Y = 0x01;
export const ABS_Z = 0x02;
export const ABS_RX = 0x03;
export const ABS_RY = 0x04;
export const ABS_RZ = 0x05;
export const ABS_HAT0X = 0x10;
export const ABS_HAT0Y = 0x11;
/** Bus types. */
export const BUS_USB = 0x03;
export const BUS_VIRTUAL = 0x06;

const IOC_WRITE = 1;
const UINPUT_IOCTL_BASE = "U".charCodeAt(0);

/** Linux `_IOC(dir, type, nr, size)` on x86_64 and aarch64. */
export function ioc(dir: number, type: number, nr: number, size: number): bigint {
  return (BigInt(dir) << 30n) | (BigInt(size) << 16n) | (BigInt(type) << 8n) | BigInt(nr);
}

/** ioctl numbers of linux/uinput.h. */
export const UI_DEV_CREATE = ioc(0, UINPUT_IOCTL_BASE, 1, 0);
export const UI_DEV_DESTROY = ioc(0, UINPUT_IOCTL_BASE, 2, 0);
export const UI_DEV_SETUP = ioc(IOC_WRITE, UINPUT_IOCTL_BASE, 3, 92);
export const UI_ABS_SETUP = ioc(IOC_WRITE, UINPUT_IOCTL_BASE, 4, 28);
export const UI_SET_EVBIT = ioc(IOC_WRITE, UINPUT_IOCTL_BASE, 100, 4);
export const UI_SET_KEYBIT = ioc(IOC_WRITE, UINPUT_IOCTL_BASE, 101, 4);
export const UI_SET_RELBIT = ioc(IOC_WRITE, UINPUT_IOCTL_BASE, 102, 4);
export const UI_SET_ABSBIT = ioc(IOC_WRITE, UINPUT_IOCTL_BASE, 103, 4);

const O_WRONLY = 0o1;
const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;

function fail(what: string): never {
  const { text, name } = lastError();
  throw new Error(`${what}: ${text} (${name})`);
}

/** Whether a uinput device can be created here, and if not why. */
export function uinputAvailable(
  path = "/dev/uinput",
): { ok: true } | { ok: false; reason: string } {
  try {
    const fd = libc().open(
      new TextEncoder().encode(path + "\0"),
      O_WRONLY | O_NONBLOCK | O_CLOEXEC,
    );
    if (fd < 0) {
      const { text, name } = lastError();
      return { ok: false, reason: `Cannot open ${path}: ${text} (${name})` };
    }
    libc().close(fd);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/** What a device offers. */
export interface UinputCapabilities {
  /** Key and button codes. */
  keys?: number[];
  /** Relative axes. */
  relative?: number[];
  /** Absolute axes and their ranges. */
  absolute?: [number, AbsInfo][];
}

/** One virtual input device. */
export class UinputDevice {
  #fd: number;
  /** The device name, as udev and the X server list it. */
  readonly name: string;

  private constructor(fd: number, name: string) {
    this.#fd = fd;
    this.name = name;
  }

  /** Creates a device; throws a one-line `Error` with errno's text on failure. */
  static create(
    name: string,
    id: InputId,
    caps: UinputCapabilities,
    path = "/dev/uinput",
  ): UinputDevice {
    const c = libc();
    const fd = c.open(new TextEncoder().encode(path + "\0"), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) fail(`Cannot open ${path}`);
    const check = (result: number, what: string) => {
      if (result < 0) {
        c.close(fd);
        fail(`Cannot create uinput device "${name}" (${what})`);
      }
    };
    const bits: [bigint, bigint, number[]][] = [
      [UI_SET_KEYBIT, BigInt(EV_KEY), caps.keys ?? []],
      [UI_SET_RELBIT, BigInt(EV_REL), caps.relative ?? []],
      [UI_SET_ABSBIT, BigInt(EV_ABS), (caps.absolute ?? []).map(([code]) => code)],
    ];
    for (const [request, type, codes] of bits) {
      if (codes.length === 0) continue;
      check(c.ioctl_int(fd, UI_SET_EVBIT, type), "UI_SET_EVBIT");
      for (const code of codes) check(c.ioctl_int(fd, request, BigInt(code)), `bit ${code}`);
    }
    for (const [code, info] of caps.absolute ?? []) {
      check(c.ioctl_ptr(fd, UI_ABS_SETUP, packAbsSetup(code, info)), `UI_ABS_SETUP ${code}`);
    }
    check(c.ioctl_ptr(fd, UI_DEV_SETUP, packUinputSetup(id, name)), "UI_DEV_SETUP");
    check(c.ioctl_int(fd, UI_DEV_CREATE, 0n), "UI_DEV_CREATE");
    return new UinputDevice(fd, name);
  }

  /** Writes events followed by a SYN_REPORT. */
  emit(events: readonly [number, number, number][]): void {
    if (this.#fd < 0) return;
    const bytes = packInputEvents([...events, [EV_SYN, SYN_REPORT, 0]]);
    libc().write(this.#fd, bytes, BigInt(bytes.length));
  }

  /** Destroys the device. */
  close(): void {
    if (this.#fd < 0) return;
    const c = libc();
    c.ioctl_int(this.#fd, UI_DEV_DESTROY, 0n);
    c.close(this.#fd);
    this.#fd = -1;
  }
}

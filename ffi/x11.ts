/**
 * Thin Deno FFI bindings to Xlib (libX11.so.6) and XTest (libXtst.so.6):
 * the calls input injection and its tests need, and an error policy that
 * never lets Xlib end the process.
 *
 * Xlib is not thread-safe without XInitThreads: every call here is a
 * synchronous FFI call on the JS thread (never `nonblocking`).
 *
 * Xlib's default handlers print and call `exit()` on a protocol error or a
 * lost connection. {@linkcode openX11} installs handlers that record the
 * error and return, and an I/O-error *exit* handler (libX11 1.7+) that marks
 * the connection dead instead of exiting: the server keeps serving when the
 * X server goes away.
 *
 * @module
 */

import { openLibrary } from "./_dlopen.ts";

/** X event types. */
export const KeyPress = 2;
export const KeyRelease = 3;
export const ButtonPress = 4;
export const ButtonRelease = 5;
export const MotionNotify = 6;
export const MapNotify = 19;
export const MappingNotify = 34;
/** Event masks for XSelectInput. */
export const KeyPressMask = 1 << 0;
export const KeyReleaseMask = 1 << 1;
export const ButtonPressMask = 1 << 2;
export const ButtonReleaseMask = 1 << 3;
export const PointerMotionMask = 1 << 6;
export const StructureNotifyMask = 1 << 17;
/** Modifier mask bits of XQueryPointer's state. */
export const ShiftMask = 1 << 0;
export const LockMask = 1 << 1;
/** Size of an XEvent union, in bytes (x86_64, aarch64). */
export const XEVENT_SIZE = 192;
/** `NoSymbol`. */
export const NoSymbol = 0;

const P = "pointer" as const;
const B = "buffer" as const;

const x11Symbols = {
  XOpenDisplay: { parameters: [B], result: P },
  XCloseDisplay: { parameters: [P], result: "i32" },
  XFlush: { parameters: [P], result: "i32" },
  XSync: { parameters: [P, "i32"], result: "i32" },
  XDefaultRootWindow: { parameters: [P], result: "u64" },
  XDefaultScreen: { parameters: [P], result: "i32" },
  XConnectionNumber: { parameters: [P], result: "i32" },
  /** (display, window, &root, &x, &y, &width, &height, &border, &depth) */
  XGetGeometry: { parameters: [P, "u64", B, B, B, B, B, B, B], result: "i32" },
  XDisplayKeycodes: { parameters: [P, B, B], result: "i32" },
  /** (display, first_keycode, keycode_count, &keysyms_per_keycode) -> KeySym* (XFree it) */
  XGetKeyboardMapping: { parameters: [P, "u8", "i32", B], result: P },
  /** (display, first_keycode, keysyms_per_keycode, keysyms, num_codes) */
  XChangeKeyboardMapping: { parameters: [P, "i32", "i32", B, "i32"], result: "i32" },
  XFree: { parameters: [P], result: "i32" },
  XPending: { parameters: [P], result: "i32" },
  XNextEvent: { parameters: [P, B], result: "i32" },
  XRefreshKeyboardMapping: { parameters: [B], result: "i32" },
  /** (display, window, &root, &child, &root_x, &root_y, &win_x, &win_y, &mask) */
  XQueryPointer: { parameters: [P, "u64", B, B, B, B, B, B, B], result: "i32" },
  XQueryKeymap: { parameters: [P, B], result: "i32" },
  XStringToKeysym: { parameters: [B], result: "u64" },
  XKeysymToString: { parameters: ["u64"], result: P },
  XConvertCase: { parameters: ["u64", B, B], result: "void" },
  XBlackPixel: { parameters: [P, "i32"], result: "u64" },
  XWhitePixel: { parameters: [P, "i32"], result: "u64" },
  /** (display, parent, x, y, width, height, border_width, border, background) -> Window */
  XCreateSimpleWindow: {
    parameters: [P, "u64", "i32", "i32", "u32", "u32", "u32", "u64", "u64"],
    result: "u64",
  },
  XStoreName: { parameters: [P, "u64", B], result: "i32" },
  XSelectInput: { parameters: [P, "u64", "i64"], result: "i32" },
  XMapRaised: { parameters: [P, "u64"], result: "i32" },
  /** (display, window, revert_to, time) */
  XSetInputFocus: { parameters: [P, "u64", "i32", "u64"], result: "i32" },
  /** (XKeyEvent *, buffer, bytes, &keysym, compose_status) -> byte count */
  XLookupString: { parameters: [B, B, "i32", B, P], result: "i32" },
  /** Blocks until an event arrives: only for a process of its own (test and bench clients). */
  XNextEventBlocking: { name: "XNextEvent", parameters: [P, B], result: "i32", nonblocking: true },
  XCreateGC: { parameters: [P, "u64", "u64", P], result: P },
  XSetForeground: { parameters: [P, P, "u64"], result: "i32" },
  XFillRectangle: { parameters: [P, "u64", P, "i32", "i32", "u32", "u32"], result: "i32" },
  /** Before any XOpenDisplay: use the core keyboard protocol only (see x11()). */
  XkbIgnoreExtension: { parameters: ["i32"], result: "i32" },
  XSetErrorHandler: { parameters: [P], result: P },
  XSetIOErrorHandler: { parameters: [P], result: P },
  XSetIOErrorExitHandler: { parameters: [P, P, P], result: "void" },
} as const;

const xtstSymbols = {
  XTestQueryExtension: { parameters: [P, B, B, B, B], result: "i32" },
  XTestFakeKeyEvent: { parameters: [P, "u32", "i32", "u64"], result: "i32" },
  XTestFakeButtonEvent: { parameters: [P, "u32", "i32", "u64"], result: "i32" },
  XTestFakeMotionEvent: { parameters: [P, "i32", "i32", "i32", "u64"], result: "i32" },
  XTestFakeRelativeMotionEvent: { parameters: [P, "i32", "i32", "u64"], result: "i32" },
} as const;

/** Every Xlib and XTest symbol, one namespace. */
export type X11 =
  & Deno.DynamicLibrary<typeof x11Symbols>["symbols"]
  & Deno.DynamicLibrary<typeof xtstSymbols>["symbols"];

let loaded: X11 | undefined;
/** Connections whose I/O failed, by display pointer value. */
const dead = new Set<bigint>();
/** Protocol errors seen since start, for tests and counters. */
export const xErrors = { count: 0, last: 0 };
/** Xlib keeps the handlers' pointers: the callbacks live as long as the process. */
const keepAlive: unknown[] = [];

/** Opens libX11 and libXtst once; throws an `Error` naming a missing library. */
export function x11(): X11 {
  if (loaded) return loaded;
  loaded = {
    ...openLibrary("libX11.so.6", x11Symbols),
    ...openLibrary("libXtst.so.6", xtstSymbols),
  } as X11;
  // Core keyboard protocol only: an XKB-aware Xlib receives no core MappingNotify
  // and caches the keymap, so `setxkbmap` and our own remaps would go unseen.
  loaded.XkbIgnoreExtension(1);
  installHandlers(loaded);
  return loaded;
}

function installHandlers(x: X11): void {
  // Protocol errors (BadValue, BadWindow …): count them and carry on.
  const onError = new Deno.UnsafeCallback(
    { parameters: ["pointer", "pointer"], result: "i32" } as const,
    (_display, event) => {
      xErrors.count++;
      // XErrorEvent.error_code is the byte at offset 32 (after type, display, resourceid, serial).
      if (event !== null) xErrors.last = new Deno.UnsafePointerView(event).getUint8(32);
      return 0;
    },
  );
  // A lost connection: remember it; the exit handler below keeps Xlib from exiting.
  const onIOError = new Deno.UnsafeCallback(
    { parameters: ["pointer"], result: "i32" } as const,
    (display) => {
      if (display !== null) dead.add(BigInt(Deno.UnsafePointer.value(display)));
      return 0;
    },
  );
  x.XSetErrorHandler(onError.pointer);
  x.XSetIOErrorHandler(onIOError.pointer);
  keepAlive.push(onError, onIOError);
}

let exitHandler: Deno.UnsafeCallback | undefined;

/** An open X connection. */
export interface X11Display {
  /** The Xlib `Display *`. */
  readonly pointer: Deno.PointerObject;
  /** The display name it was opened with. */
  readonly name: string;
  /** The root window of the default screen. */
  readonly root: bigint;
  /** Whether the connection is still usable (false once the X server went away). */
  alive(): boolean;
  /** Closes the connection (a dead one is only forgotten). */
  close(): void;
}

/**
 * Opens display `name` (e.g. `":0"`) or throws a one-line `Error` saying why
 * it cannot. The connection's I/O errors never end the process.
 */
export function openX11(name: string): X11Display {
  const x = x11();
  const pointer = x.XOpenDisplay(new TextEncoder().encode(name + "\0"));
  if (pointer === null) {
    throw new Error(
      `Cannot open X display "${name}": no X server is listening (is DISPLAY right?)`,
    );
  }
  exitHandler ??= new Deno.UnsafeCallback(
    { parameters: ["pointer", "pointer"], result: "void" } as const,
    (display) => {
      if (display !== null) dead.add(BigInt(Deno.UnsafePointer.value(display)));
    },
  ) as unknown as Deno.UnsafeCallback;
  x.XSetIOErrorExitHandler(pointer, exitHandler.pointer, null);
  const key = BigInt(Deno.UnsafePointer.value(pointer));
  dead.delete(key);
  const root = x.XDefaultRootWindow(pointer);
  let closed = false;
  return {
    pointer,
    name,
    root,
    alive: () => !closed && !dead.has(key),
    close() {
      if (closed) return;
      closed = true;
      // A dead connection's Display is freed by nobody: closing it would write to a broken socket.
      if (!dead.has(key)) x.XCloseDisplay(pointer);
    },
  };
}

/** The root window's size in pixels (one round trip). */
export function rootSize(display: X11Display): { width: number; height: number } {
  const x = x11();
  const root = new BigUint64Array(1);
  const i = () => new Int32Array(1);
  const u = () => new Uint32Array(1);
  const [px, py] = [i(), i()];
  const [w, h, border, depth] = [u(), u(), u(), u()];
  x.XGetGeometry(display.pointer, display.root, root, px, py, w, h, border, depth);
  return { width: w[0]!, height: h[0]! };
}

/** The keyboard mapping: `keysyms[(keycode - min) * perKeycode + index]`. */
export interface KeyboardMapping {
  minKeycode: number;
  maxKeycode: number;
  perKeycode: number;
  keysyms: BigUint64Array;
}

/** Reads the whole core keyboard mapping (one round trip). */
export function keyboardMapping(display: X11Display): KeyboardMapping {
  const x = x11();
  const min = new Int32Array(1);
  const max = new Int32Array(1);
  x.XDisplayKeycodes(display.pointer, min, max);
  const count = max[0]! - min[0]! + 1;
  const per = new Int32Array(1);
  const table = x.XGetKeyboardMapping(display.pointer, min[0]!, count, per);
  if (table === null) throw new Error("Cannot read the keyboard mapping");
  const keysyms = new BigUint64Array(
    Deno.UnsafePointerView.getArrayBuffer(table, count * per[0]! * 8).slice(0),
  );
  x.XFree(table);
  return { minKeycode: min[0]!, maxKeycode: max[0]!, perKeycode: per[0]!, keysyms };
}

/** Pointer position and modifier/button state (one round trip). */
export function queryPointer(display: X11Display): { x: number; y: number; mask: number } {
  const x = x11();
  const windows = [new BigUint64Array(1), new BigUint64Array(1)];
  const coords = [new Int32Array(1), new Int32Array(1), new Int32Array(1), new Int32Array(1)];
  const mask = new Uint32Array(1);
  x.XQueryPointer(
    display.pointer,
    display.root,
    windows[0]!,
    windows[1]!,
    coords[0]!,
    coords[1]!,
    coords[2]!,
    coords[3]!,
    mask,
  );
  return { x: coords[0]![0]!, y: coords[1]![0]!, mask: mask[0]! };
}

/** Keycodes currently down on the X server (one round trip). */
export function keysDown(display: X11Display): number[] {
  const bits = new Uint8Array(32);
  x11().XQueryKeymap(display.pointer, bits);
  const down: number[] = [];
  for (let code = 0; code < 256; code++) {
    if (bits[code >> 3]! & (1 << (code & 7))) down.push(code);
  }
  return down;
}

/** Lower- and upper-case forms of `keysym`, as Xlib sees them. */
export function convertCase(keysym: number): { lower: number; upper: number } {
  const lower = new BigUint64Array(1);
  const upper = new BigUint64Array(1);
  x11().XConvertCase(BigInt(keysym), lower, upper);
  return { lower: Number(lower[0]!), upper: Number(upper[0]!) };
}

/** Whether the XTest extension is present on `display`. */
export function hasXTest(display: X11Display): boolean {
  const n = () => new Int32Array(1);
  return x11().XTestQueryExtension(display.pointer, n(), n(), n(), n()) !== 0;
}

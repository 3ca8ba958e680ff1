/**
 * Thin Deno FFI bindings to Xlib (libX11.so.6), XTest (libXtst.so.6) and
 * XInput (libXi.so.6): typed wrappers for what input injection needs, so
 * that no caller touches a symbol, a pointer or a struct offset, and an
 * error policy that never lets Xlib end the process. Calls only tests use
 * (windows, drawing, blocking event reads) live in test/fixtures/x11_client.ts.
 *
 * Xlib is not thread-safe without XInitThreads: every call here is a
 * synchronous FFI call on the JS thread (never `nonblocking`).
 *
 * Xlib's default handlers print and call `exit()` on a protocol error or a
 * lost connection. {@linkcode openX11} installs handlers that ignore the
 * error and return, and an I/O-error *exit* handler (libX11 1.7+) that marks
 * the connection dead instead of exiting: the server keeps serving when the
 * X server goes away.
 *
 * @module
 */

import { openLibrary } from "./_dlopen.ts";

/** X event type of the event every client gets when the keymap changes. */
const MappingNotify = 34;
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
  XDefaultRootWindow: { parameters: [P], result: "u64" },
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
  XConvertCase: { parameters: ["u64", B, B], result: "void" },
  /** Before any XOpenDisplay: use the core keyboard protocol only (see x11()). */
  XkbIgnoreExtension: { parameters: ["i32"], result: "i32" },
  XSetErrorHandler: { parameters: [P], result: P },
  XSetIOErrorHandler: { parameters: [P], result: P },
  XSetIOErrorExitHandler: { parameters: [P, P, P], result: "void" },
  /** (name, name_length, data, data_length): the authorisation of the next XOpenDisplay. */
  XSetAuthorization: { parameters: [B, "i32", B, "i32"], result: "void" },
  /** (display, name, &major_opcode, &first_event, &first_error) -> present */
  XQueryExtension: { parameters: [P, B, B, B, B], result: "i32" },
} as const;

const xtstSymbols = {
  XTestQueryExtension: { parameters: [P, B, B, B, B], result: "i32" },
  XTestFakeKeyEvent: { parameters: [P, "u32", "i32", "u64"], result: "i32" },
  XTestFakeButtonEvent: { parameters: [P, "u32", "i32", "u64"], result: "i32" },
  XTestFakeMotionEvent: { parameters: [P, "i32", "i32", "i32", "u64"], result: "i32" },
  XTestFakeRelativeMotionEvent: { parameters: [P, "i32", "i32", "u64"], result: "i32" },
} as const;

/** XInput 1 (libXi.so.6, a dependency of libXtst): the server's input device list. */
const xiSymbols = {
  /** (display, &ndevices) -> XDeviceInfo* (XFreeDeviceList it); NULL without XInput. */
  XListInputDevices: { parameters: [P, B], result: P },
  XFreeDeviceList: { parameters: [P], result: "void" },
} as const;

type X11 =
  & Deno.DynamicLibrary<typeof x11Symbols>["symbols"]
  & Deno.DynamicLibrary<typeof xtstSymbols>["symbols"];

let loaded: X11 | undefined;
/** libXi, opened on the first device listing. */
let xi: Deno.DynamicLibrary<typeof xiSymbols>["symbols"] | undefined;
/** Connections whose I/O failed, by display pointer value. */
const dead = new Set<bigint>();
/** Xlib keeps the handlers' pointers: the callbacks live as long as the process. */
const keepAlive: unknown[] = [];

/** Opens libX11 and libXtst once; throws an `Error` naming a missing library. */
function x11(): X11 {
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
  // Protocol errors (BadValue, BadWindow …): carry on; the caller sees the effect missing.
  const onError = new Deno.UnsafeCallback(
    { parameters: ["pointer", "pointer"], result: "i32" } as const,
    () => 0,
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

/** Options of {@linkcode openX11}. */
export interface OpenX11Options {
  /**
   * The display's MIT-MAGIC-COOKIE-1. Default: Xlib's own lookup in the file
   * XAUTHORITY names (else ~/.Xauthority).
   */
  cookie?: Uint8Array;
}

/**
 * Opens display `name` (e.g. `":0"`) or throws a one-line `Error` saying why
 * it cannot. The connection's I/O errors never end the process.
 */
export function openX11(name: string, options: OpenX11Options = {}): X11Display {
  const x = x11();
  let pointer: Deno.PointerValue;
  if (options.cookie) {
    // Process-wide in Xlib: set for this one XOpenDisplay (synchronous) and cleared after.
    const protocol = new TextEncoder().encode("MIT-MAGIC-COOKIE-1");
    const cookie = new Uint8Array(options.cookie);
    x.XSetAuthorization(protocol, protocol.length, cookie, cookie.length);
    try {
      pointer = x.XOpenDisplay(new TextEncoder().encode(name + "\0"));
    } finally {
      x.XSetAuthorization(null, 0, null, 0);
    }
  } else {
    pointer = x.XOpenDisplay(new TextEncoder().encode(name + "\0"));
  }
  if (pointer === null) {
    throw new Error(
      `Cannot open X display "${name}": no X server is listening or it refused this client (check DISPLAY and XAUTHORITY)`,
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

/** Lower- and upper-case forms of `keysym`, as Xlib sees them. */
export function convertCase(keysym: number): { lower: number; upper: number } {
  const lower = new BigUint64Array(1);
  const upper = new BigUint64Array(1);
  x11().XConvertCase(BigInt(keysym), lower, upper);
  return { lower: Number(lower[0]!), upper: Number(upper[0]!) };
}

/** Whether the extension `name` (e.g. `"DAMAGE"`) is present on `display`. */
export function hasExtension(display: X11Display, name: string): boolean {
  const n = () => new Int32Array(1);
  const bytes = new TextEncoder().encode(name + "\0");
  return x11().XQueryExtension(display.pointer, bytes, n(), n(), n()) !== 0;
}

/** Whether the XTest extension is present on `display`. */
export function hasXTest(display: X11Display): boolean {
  const n = () => new Int32Array(1);
  return x11().XTestQueryExtension(display.pointer, n(), n(), n(), n()) !== 0;
}

/** Presses (`down`) or releases `keycode` through XTest; sent at the next {@linkcode flush}. */
export function fakeKey(display: X11Display, keycode: number, down: boolean): void {
  x11().XTestFakeKeyEvent(display.pointer, keycode, down ? 1 : 0, 0n);
}

/** Presses or releases pointer `button` (1-9) through XTest. */
export function fakeButton(display: X11Display, button: number, down: boolean): void {
  x11().XTestFakeButtonEvent(display.pointer, button, down ? 1 : 0, 0n);
}

/** Moves the pointer to root-window pixel (`x`, `y`) of the default screen through XTest. */
export function fakeMotion(display: X11Display, x: number, y: number): void {
  x11().XTestFakeMotionEvent(display.pointer, -1, x, y, 0n);
}

/** Moves the pointer by (`dx`, `dy`) pixels through XTest. */
export function fakeRelativeMotion(display: X11Display, dx: number, dy: number): void {
  x11().XTestFakeRelativeMotionEvent(display.pointer, dx, dy, 0n);
}

/** Sends queued requests to the X server without waiting for it; nothing on a dead connection. */
export function flush(display: X11Display): void {
  if (display.alive()) x11().XFlush(display.pointer);
}

const eventBuffer = new Uint8Array(XEVENT_SIZE);
const eventView = new DataView(eventBuffer.buffer);

/**
 * Reads every event queued for `display` without blocking. The only events
 * an input-only connection receives unasked are MappingNotify: each one
 * refreshes Xlib's keymap cache, and `mappingChanged` says whether any came
 * (re-read the table with {@linkcode keyboardMapping}).
 */
export function drainEvents(display: X11Display): { mappingChanged: boolean } {
  const x = x11();
  let mappingChanged = false;
  while (display.alive() && x.XPending(display.pointer) > 0) {
    x.XNextEvent(display.pointer, eventBuffer);
    // XEvent.type is the int at offset 0 of every event.
    if (eventView.getInt32(0, true) === MappingNotify) {
      x.XRefreshKeyboardMapping(eventBuffer);
      mappingChanged = true;
    }
  }
  return { mappingChanged };
}

/** Sets the keysyms of `keycode`, one per level (`NoSymbol` empties a level). */
export function setKeysyms(display: X11Display, keycode: number, keysyms: readonly number[]): void {
  const row = BigUint64Array.from(keysyms, (k) => BigInt(k));
  x11().XChangeKeyboardMapping(
    display.pointer,
    keycode,
    keysyms.length,
    new Uint8Array(row.buffer),
    1,
  );
}

/** `sizeof(XDeviceInfo)` and the offset of its `name`: id, type (8 each), then `char *name`. */
const XDEVICEINFO_SIZE = 40;
const XDEVICEINFO_NAME = 16;

/**
 * Names of the input devices the X server has (XInput's device list, one
 * round trip): the virtual core devices, and each evdev or uinput device it
 * picked up. Empty when the server has no XInput extension.
 */
export function inputDeviceNames(display: X11Display): string[] {
  x11();
  xi ??= openLibrary("libXi.so.6", xiSymbols);
  const count = new Int32Array(1);
  const list = xi.XListInputDevices(display.pointer, count);
  if (list === null) return [];
  try {
    const view = new Deno.UnsafePointerView(list);
    const names: string[] = [];
    for (let i = 0; i < count[0]!; i++) {
      const name = view.getPointer(i * XDEVICEINFO_SIZE + XDEVICEINFO_NAME);
      if (name !== null) names.push(Deno.UnsafePointerView.getCString(name));
    }
    return names;
  } finally {
    xi.XFreeDeviceList(list);
  }
}

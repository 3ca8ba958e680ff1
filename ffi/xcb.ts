/**
 * Thin Deno FFI bindings to libxcb (libxcb.so.1) for the screen capture: a
 * connection of its own, the root window of its screen, extension queries,
 * events read without blocking, and plain `GetImage` for servers without
 * shared memory. The MIT-SHM, DAMAGE and XFIXES requests live beside it
 * (`xshm.ts`, `xdamage.ts`).
 *
 * Why XCB and not Xlib (ffi/x11.ts): libxcb is thread-safe and never calls
 * back into JS. Waiting for a reply is a `nonblocking` call that runs on a
 * worker thread, so the helper's JS thread (the input path) never waits for
 * the X server; a protocol error comes back with the reply instead of going
 * through Xlib's process-wide error handler, which as a JS callback must not
 * run on a worker thread.
 *
 * Struct offsets were checked with a C `offsetof()` program (x86_64,
 * libxcb 1.15); xcb "cookies" are a struct of one `unsigned int` passed and
 * returned by value.
 *
 * @module
 */

import { openLibrary } from "./_dlopen.ts";

const P = "pointer" as const;
const B = "buffer" as const;
/** `xcb_*_cookie_t`: `{ unsigned int sequence; }`, by value. */
export const COOKIE = { struct: ["u32"] } as const;

const symbols = {
  /** (display name or NULL, &screen number) -> xcb_connection_t* (never NULL; check has_error). */
  xcb_connect: { parameters: [B, B], result: P },
  xcb_disconnect: { parameters: [P], result: "void" },
  xcb_connection_has_error: { parameters: [P], result: "i32" },
  xcb_get_file_descriptor: { parameters: [P], result: "i32" },
  xcb_flush: { parameters: [P], result: "i32" },
  xcb_generate_id: { parameters: [P], result: "u32" },
  /** Reads the socket without blocking; an event to free(), or NULL. */
  xcb_poll_for_event: { parameters: [P], result: P },
  xcb_get_setup: { parameters: [P], result: P },
  /** -> xcb_screen_iterator_t { xcb_screen_t *data; int rem; int index; } by value. */
  xcb_setup_roots_iterator: { parameters: [P], result: { struct: [P, "i32", "i32"] } },
  /** (xcb_screen_iterator_t *) advances to the next screen. */
  xcb_screen_next: { parameters: [B], result: "void" },
  xcb_query_extension: { parameters: [P, "u16", B], result: COOKIE },
  xcb_query_extension_reply: { parameters: [P, COOKIE, B], result: P, nonblocking: true },
  /** (c, window, value_mask, value_list): checked, to learn about a failure. */
  xcb_change_window_attributes_checked: { parameters: [P, "u32", "u32", B], result: COOKIE },
  /** Waits for the result of a checked request: NULL or an error to free(). */
  xcb_request_check: { parameters: [P, COOKIE], result: P, nonblocking: true },
  /** (c, format, drawable, x, y, width, height, plane_mask) */
  xcb_get_image: {
    parameters: [P, "u8", "u32", "i16", "i16", "u16", "u16", "u32"],
    result: COOKIE,
  },
  xcb_get_image_reply: { parameters: [P, COOKIE, B], result: P, nonblocking: true },
  xcb_get_image_data: { parameters: [P], result: P },
  xcb_get_image_data_length: { parameters: [P], result: "i32" },
  /** (c, window) -> cookie: size and depth of a drawable. */
  xcb_get_geometry: { parameters: [P, "u32"], result: COOKIE },
  xcb_get_geometry_reply: { parameters: [P, COOKIE, B], result: P, nonblocking: true },
} as const;

const libcSymbols = {
  free: { parameters: [P], result: "void" },
} as const;

type Xcb =
  & Deno.DynamicLibrary<typeof symbols>["symbols"]
  & Deno.DynamicLibrary<typeof libcSymbols>["symbols"];

let loaded: Xcb | undefined;

/** Opens libxcb once; throws an `Error` naming the library when it is missing. */
export function xcb(): Xcb {
  return loaded ??= {
    ...openLibrary("libxcb.so.1", symbols),
    ...openLibrary("libc.so.6", libcSymbols),
  } as Xcb;
}

/** X event codes (the low 7 bits of `response_type`). */
export const XCB_ERROR = 0;
export const XCB_CONFIGURE_NOTIFY = 22;
/** `XCB_IMAGE_FORMAT_Z_PIXMAP`: packed pixels. */
export const Z_PIXMAP = 2;
/** `XCB_CW_EVENT_MASK` and `XCB_EVENT_MASK_STRUCTURE_NOTIFY`: the root window's size changes. */
const CW_EVENT_MASK = 2048;
const EVENT_MASK_STRUCTURE_NOTIFY = 131072;

/** Offsets inside xcb structs (x86_64, libxcb 1.15). */
const OFFSET = {
  /** xcb_screen_t */
  screenRoot: 0,
  screenWidth: 20,
  screenHeight: 22,
  screenRootDepth: 38,
  /** xcb_query_extension_reply_t */
  extensionPresent: 8,
  extensionFirstEvent: 10,
  /** xcb_configure_notify_event_t */
  configureWindow: 8,
  configureWidth: 20,
  configureHeight: 22,
  /** xcb_get_geometry_reply_t: depth @1, width @16, height @18 */
  geometryWidth: 16,
  geometryHeight: 18,
  /** xcb_generic_error_t */
  errorCode: 1,
  errorMajor: 10,
} as const;

/** An X event, copied out of xcb: its code and its 32 bytes. */
export interface XcbEvent {
  /** `response_type & 0x7f`. */
  code: number;
  /** The event's bytes (32), for the reader of that event type. */
  bytes: DataView;
}

/** A reply or error pointer to free() after reading it. */
export function freeReply(pointer: Deno.PointerValue): void {
  if (pointer !== null) xcb().free(pointer);
}

/** A one-line description of an `xcb_generic_error_t *` in an out box, freeing it; null if none. */
export function takeXcbError(box: BigUint64Array): string | null {
  const error = Deno.UnsafePointer.create(box[0]!);
  if (error === null) return null;
  box[0] = 0n;
  const view = new Deno.UnsafePointerView(error);
  const text = `X error ${view.getUint8(OFFSET.errorCode)} (request ${
    view.getUint8(OFFSET.errorMajor)
  })`;
  xcb().free(error);
  return text;
}

/** An open XCB connection to one X screen. */
export class XcbConnection {
  /** The `xcb_connection_t *`. */
  readonly pointer: Deno.PointerObject;
  /** The root window of the connection's screen. */
  readonly root: number;
  /** The root window's depth, in bits (24 or 32 for BGRx capture). */
  readonly depth: number;
  #closed = false;

  private constructor(pointer: Deno.PointerObject, root: number, depth: number) {
    this.pointer = pointer;
    this.root = root;
    this.depth = depth;
  }

  /**
   * Connects to `display` (e.g. `":0"`; XAUTHORITY is honoured by libxcb) or
   * throws a one-line `Error` saying why it cannot.
   */
  static open(display: string): XcbConnection {
    const lib = xcb();
    const screenBox = new Int32Array(1);
    const c = lib.xcb_connect(new TextEncoder().encode(display + "\0"), screenBox);
    if (c === null || lib.xcb_connection_has_error(c) !== 0) {
      if (c !== null) lib.xcb_disconnect(c);
      throw new Error(
        `Cannot open X display "${display}" for capture: no X server is listening or it refused this client`,
      );
    }
    const iterator = new Uint8Array(lib.xcb_setup_roots_iterator(lib.xcb_get_setup(c)));
    for (let i = 0; i < screenBox[0]!; i++) lib.xcb_screen_next(iterator);
    const screen = Deno.UnsafePointer.create(new BigUint64Array(iterator.buffer, 0, 1)[0]!);
    if (screen === null) {
      lib.xcb_disconnect(c);
      throw new Error(`Cannot capture X display "${display}": screen ${screenBox[0]} not found`);
    }
    const view = new Deno.UnsafePointerView(screen);
    return new XcbConnection(
      c,
      view.getUint32(OFFSET.screenRoot),
      view.getUint8(OFFSET.screenRootDepth),
    );
  }

  /** Whether the connection still works (false once the X server went away). */
  get alive(): boolean {
    return !this.#closed && xcb().xcb_connection_has_error(this.pointer) === 0;
  }

  /** The socket's file descriptor, for poll(). */
  get fd(): number {
    return xcb().xcb_get_file_descriptor(this.pointer);
  }

  /** A fresh X resource id. */
  newId(): number {
    return xcb().xcb_generate_id(this.pointer);
  }

  /** Sends buffered requests. */
  flush(): void {
    xcb().xcb_flush(this.pointer);
  }

  /** The root window's size now, in pixels (one round trip, off the JS thread). */
  async rootSize(): Promise<{ width: number; height: number }> {
    const lib = xcb();
    const cookie = lib.xcb_get_geometry(this.pointer, this.root);
    const error = new BigUint64Array(1);
    const reply = await lib.xcb_get_geometry_reply(this.pointer, cookie, error);
    const failure = takeXcbError(error);
    if (reply === null) throw new Error(`Cannot read the X screen size: ${failure ?? "no reply"}`);
    const view = new Deno.UnsafePointerView(reply);
    const size = {
      width: view.getUint16(OFFSET.geometryWidth),
      height: view.getUint16(OFFSET.geometryHeight),
    };
    freeReply(reply);
    return size;
  }

  /** First event code of extension `name`, or null when the server lacks it. */
  async extensionEventBase(name: string): Promise<number | null> {
    const lib = xcb();
    const bytes = new TextEncoder().encode(name);
    const cookie = lib.xcb_query_extension(this.pointer, bytes.length, bytes);
    const reply = await lib.xcb_query_extension_reply(this.pointer, cookie, null);
    if (reply === null) return null;
    const view = new Deno.UnsafePointerView(reply);
    const present = view.getUint8(OFFSET.extensionPresent) !== 0;
    const base = view.getUint8(OFFSET.extensionFirstEvent);
    freeReply(reply);
    return present ? base : null;
  }

  /**
   * Waits (off the JS thread) for the outcome of a checked request: null
   * when it succeeded, else a one-line description of the X error.
   */
  async check(cookie: Uint8Array): Promise<string | null> {
    const error = await xcb().xcb_request_check(this.pointer, cookie as Uint8Array<ArrayBuffer>);
    if (error === null) return null;
    const box = new BigUint64Array([BigInt(Deno.UnsafePointer.value(error))]);
    return takeXcbError(box);
  }

  /** Asks for ConfigureNotify on the root window (the screen changed size). */
  async watchRootSize(): Promise<void> {
    const mask = new Uint32Array([EVENT_MASK_STRUCTURE_NOTIFY]);
    const error = await this.check(
      xcb().xcb_change_window_attributes_checked(this.pointer, this.root, CW_EVENT_MASK, mask),
    );
    if (error !== null) throw new Error(`Cannot watch the X screen size: ${error}`);
  }

  /** The next event already received, without blocking; null when none is waiting. */
  pollEvent(): XcbEvent | null {
    const lib = xcb();
    const event = lib.xcb_poll_for_event(this.pointer);
    if (event === null) return null;
    const bytes = new DataView(Deno.UnsafePointerView.getArrayBuffer(event, 32).slice(0));
    lib.free(event);
    return { code: bytes.getUint8(0) & 0x7f, bytes };
  }

  /**
   * Copies the pixels of a root-window rectangle without shared memory (one
   * round trip, off the JS thread) into `into` (packed rows, 4 bytes a
   * pixel). Throws on an X error (e.g. the rectangle left the screen).
   */
  async getImage(
    rect: { x: number; y: number; width: number; height: number },
    into: Deno.PointerObject,
  ): Promise<void> {
    const lib = xcb();
    const cookie = lib.xcb_get_image(
      this.pointer,
      Z_PIXMAP,
      this.root,
      rect.x,
      rect.y,
      rect.width,
      rect.height,
      0xffffffff,
    );
    const error = new BigUint64Array(1);
    const reply = await lib.xcb_get_image_reply(this.pointer, cookie, error);
    const failure = takeXcbError(error);
    if (reply === null) throw new Error(`Cannot read the screen: ${failure ?? "no reply"}`);
    try {
      const length = lib.xcb_get_image_data_length(reply);
      const expected = rect.width * rect.height * 4;
      if (length < expected) throw new Error(`Cannot read the screen: ${length} bytes received`);
      const data = lib.xcb_get_image_data(reply)!;
      new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(into, expected)).set(
        new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(data, expected)),
      );
    } finally {
      freeReply(reply);
    }
  }

  /** Closes the connection (once). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    xcb().xcb_disconnect(this.pointer);
  }
}

/** Reads a ConfigureNotify: the window it is about and that window's new size. */
export function readConfigureNotify(
  event: XcbEvent,
): { window: number; width: number; height: number } {
  return {
    window: event.bytes.getUint32(OFFSET.configureWindow, true),
    width: event.bytes.getUint16(OFFSET.configureWidth, true),
    height: event.bytes.getUint16(OFFSET.configureHeight, true),
  };
}

/** The shared libraries the damage capture loads (Debian packages in brackets). */
const CAPTURE_LIBRARIES: Record<string, string> = {
  "libxcb.so.1": "libxcb1",
  "libxcb-damage.so.0": "libxcb-damage0",
  "libxcb-xfixes.so.0": "libxcb-xfixes0",
  "libxcb-shm.so.0": "libxcb-shm0",
  "libyuv.so.0": "libyuv0",
};

/** The Debian packages of the damage capture's libraries that cannot be loaded here. */
export function missingCapturePackages(): string[] {
  return Object.entries(CAPTURE_LIBRARIES).flatMap(([file, pkg]) => {
    try {
      Deno.dlopen(file, {}).close();
      return [];
    } catch {
      return [pkg];
    }
  });
}

/**
 * The displayed X cursor through libxcb-xfixes (`GetCursorImage`): where the
 * pointer is, the cursor's hotspot and serial, and its pixels, read on the
 * capture's own XCB connection with the reply awaited off the JS thread.
 * The damage capture draws it into the video under pointer lock
 * (helper/capture/cursor_overlay.ts).
 *
 * Offsets of `xcb_xfixes_get_cursor_image_reply_t` were checked with a C
 * `offsetof()` program (x86_64, libxcb 1.15): x @8, y @10, width @12,
 * height @14, xhot @16, yhot @18, cursor_serial @20; 32 bytes, then the
 * pixels (one `uint32_t` 0xAARRGGBB each, premultiplied alpha).
 *
 * @module
 */

import { openLibrary } from "./_dlopen.ts";
import { COOKIE, freeReply, takeXcbError, type XcbConnection } from "./xcb.ts";

const P = "pointer" as const;
const B = "buffer" as const;

const symbols = {
  xcb_xfixes_query_version: { parameters: [P, "u32", "u32"], result: COOKIE },
  xcb_xfixes_query_version_reply: { parameters: [P, COOKIE, B], result: P, nonblocking: true },
  xcb_xfixes_get_cursor_image: { parameters: [P], result: COOKIE },
  xcb_xfixes_get_cursor_image_reply: { parameters: [P, COOKIE, B], result: P, nonblocking: true },
  xcb_xfixes_get_cursor_image_cursor_image: { parameters: [P], result: P },
  xcb_xfixes_get_cursor_image_cursor_image_length: { parameters: [P], result: "i32" },
} as const;

let loaded: Deno.DynamicLibrary<typeof symbols>["symbols"] | undefined;

function lib() {
  return loaded ??= openLibrary("libxcb-xfixes.so.0", symbols);
}

const OFFSET = { x: 8, y: 10, width: 12, height: 14, xhot: 16, yhot: 18, serial: 20 } as const;
/** Largest cursor accepted, in pixels a side (X cursors are at most a few hundred). */
const MAX_SIDE = 1024;

/** The displayed cursor as one `GetCursorImage` reply gives it. */
export interface XcbCursorSample {
  /** The pointer's position on the root window, in pixels. */
  x: number;
  y: number;
  /** The hotspot inside the image, in pixels from its top-left corner. */
  hotX: number;
  hotY: number;
  width: number;
  height: number;
  /** Changes when the cursor image does. */
  serial: number;
  /** `width * height` pixels, 0xAARRGGBB premultiplied; null when `serial` is the one the caller knows. */
  argb: Uint32Array | null;
}

/** Reads the cursor of one XCB connection's screen. */
export class XcbCursorReader {
  readonly #connection: XcbConnection;

  private constructor(connection: XcbConnection) {
    this.#connection = connection;
  }

  /** Says which XFIXES version the connection speaks (needed before its requests); throws without XFIXES. */
  static async open(connection: XcbConnection): Promise<XcbCursorReader> {
    const c = connection.pointer;
    const reply = await lib().xcb_xfixes_query_version_reply(
      c,
      lib().xcb_xfixes_query_version(c, 5, 0),
      null,
    );
    if (reply === null) throw new Error("Cannot read the X cursor: the server has no XFIXES");
    freeReply(reply);
    return new XcbCursorReader(connection);
  }

  /**
   * The cursor now (one round trip, off the JS thread); its pixels are
   * copied only when its serial differs from `knownSerial`.
   */
  async read(knownSerial: number | null): Promise<XcbCursorSample> {
    const c = this.#connection.pointer;
    const error = new BigUint64Array(1);
    const reply = await lib().xcb_xfixes_get_cursor_image_reply(
      c,
      lib().xcb_xfixes_get_cursor_image(c),
      error,
    );
    const failure = takeXcbError(error);
    if (reply === null) throw new Error(`Cannot read the X cursor: ${failure ?? "no reply"}`);
    try {
      const view = new Deno.UnsafePointerView(reply);
      // A cursor larger than any real one is not drawn (nothing to read past the reply).
      const fits = view.getUint16(OFFSET.width) <= MAX_SIDE &&
        view.getUint16(OFFSET.height) <= MAX_SIDE;
      const width = fits ? view.getUint16(OFFSET.width) : 0;
      const height = fits ? view.getUint16(OFFSET.height) : 0;
      const serial = view.getUint32(OFFSET.serial);
      let argb: Uint32Array | null = null;
      if (serial !== knownSerial) {
        argb = new Uint32Array(width * height);
        const length = lib().xcb_xfixes_get_cursor_image_cursor_image_length(reply);
        const data = lib().xcb_xfixes_get_cursor_image_cursor_image(reply);
        if (data !== null && length >= argb.length && argb.length > 0) {
          argb.set(new Uint32Array(Deno.UnsafePointerView.getArrayBuffer(data, argb.length * 4)));
        }
      }
      return {
        x: view.getInt16(OFFSET.x),
        y: view.getInt16(OFFSET.y),
        hotX: view.getUint16(OFFSET.xhot),
        hotY: view.getUint16(OFFSET.yhot),
        width,
        height,
        serial,
        argb,
      };
    } finally {
      freeReply(reply);
    }
  }
}

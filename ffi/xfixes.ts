/**
 * Deno FFI bindings to XFixes (libXfixes.so.3): selection-owner change
 * events (the clipboard changed), cursor change events and the cursor image
 * with its hotspot and serial. Struct offsets checked with offsetof() on
 * x86_64 (libXfixes 6.0, Debian 12); the same on aarch64 (LP64).
 *
 * Connections come from `openX11` (ffi/x11.ts), which installs the error
 * handlers. Every call is synchronous on the JS thread, like every Xlib call.
 *
 * @module
 */

import { openLibrary } from "./_dlopen.ts";
import type { X11Display } from "./x11.ts";

/** `XFixesSetSelectionOwnerNotifyMask`. */
const SET_SELECTION_OWNER_NOTIFY_MASK = 1n;
/** `XFixesDisplayCursorNotifyMask`. */
const DISPLAY_CURSOR_NOTIFY_MASK = 1n;
/** `XFixesSelectionNotify` and `XFixesCursorNotify`, added to the event base. */
export const XFIXES_SELECTION_NOTIFY = 0;
export const XFIXES_CURSOR_NOTIFY = 1;

/** XFixesCursorImage: x, y (i16), width, height, xhot, yhot (u16), serial (u64 at 16), pixels (at 24). */
const CURSOR = { width: 4, height: 6, xhot: 8, yhot: 10, serial: 16, pixels: 24 } as const;

const P = "pointer" as const;
const B = "buffer" as const;

const symbols = {
  /** (display, &event_base, &error_base) */
  XFixesQueryExtension: { parameters: [P, B, B], result: "i32" },
  /** (display, window, selection atom, event mask) */
  XFixesSelectSelectionInput: { parameters: [P, "u64", "u64", "u64"], result: "void" },
  /** (display, window, event mask) */
  XFixesSelectCursorInput: { parameters: [P, "u64", "u64"], result: "void" },
  /** (display) -> XFixesCursorImage* (XFree it) */
  XFixesGetCursorImage: { parameters: [P], result: P },
} as const;

const x11Symbols = {
  XFree: { parameters: [P], result: "i32" },
} as const;

let lib: Deno.DynamicLibrary<typeof symbols>["symbols"] | undefined;
let x11: Deno.DynamicLibrary<typeof x11Symbols>["symbols"] | undefined;

function xfixes() {
  x11 ??= openLibrary("libX11.so.6", x11Symbols);
  return lib ??= openLibrary("libXfixes.so.3", symbols);
}

/**
 * The XFixes event base of `display` (event types are this plus
 * {@linkcode XFIXES_SELECTION_NOTIFY} or {@linkcode XFIXES_CURSOR_NOTIFY});
 * throws when the X server lacks XFixes.
 */
export function xfixesEventBase(display: X11Display): number {
  const base = new Int32Array(1);
  const error = new Int32Array(1);
  if (xfixes().XFixesQueryExtension(display.pointer, base, error) === 0) {
    throw new Error(`The X server of ${display.name} has no XFixes extension`);
  }
  return base[0]!;
}

/** Asks for an XFixes selection event whenever `selection` (an atom) changes owner. */
export function watchSelectionOwner(display: X11Display, window: bigint, selection: bigint): void {
  xfixes().XFixesSelectSelectionInput(
    display.pointer,
    window,
    selection,
    SET_SELECTION_OWNER_NOTIFY_MASK,
  );
}

/** Asks for an XFixes cursor event whenever the displayed cursor changes. */
export function watchCursor(display: X11Display, window: bigint): void {
  xfixes().XFixesSelectCursorInput(display.pointer, window, DISPLAY_CURSOR_NOTIFY_MASK);
}

/** The displayed cursor: size, hotspot, serial and ARGB pixels (premultiplied alpha). */
export interface XCursorImage {
  /** Changes when the cursor does: the same serial is the same image. */
  serial: number;
  width: number;
  height: number;
  hotX: number;
  hotY: number;
  /** `width * height` pixels, row by row, 0xAARRGGBB with premultiplied alpha. */
  argb: Uint32Array;
}

/** Reads the displayed cursor image (one round trip); null when the server gives none. */
export function cursorImage(display: X11Display): XCursorImage | null {
  const image = xfixes().XFixesGetCursorImage(display.pointer);
  if (image === null) return null;
  try {
    const view = new Deno.UnsafePointerView(image);
    const width = view.getUint16(CURSOR.width);
    const height = view.getUint16(CURSOR.height);
    const pixels = view.getPointer(CURSOR.pixels);
    const argb = new Uint32Array(width * height);
    if (pixels !== null && argb.length > 0) {
      // Each pixel is an unsigned long (8 bytes): the ARGB value in its low 32 bits.
      const longs = new BigUint64Array(
        Deno.UnsafePointerView.getArrayBuffer(pixels, argb.length * 8).slice(0),
      );
      for (let i = 0; i < argb.length; i++) argb[i] = Number(longs[i]! & 0xffffffffn);
    }
    return {
      serial: Number(view.getBigUint64(CURSOR.serial)),
      width,
      height,
      hotX: view.getUint16(CURSOR.xhot),
      hotY: view.getUint16(CURSOR.yhot),
      argb,
    };
  } finally {
    x11!.XFree(image);
  }
}

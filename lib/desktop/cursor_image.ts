/**
 * The X cursor image as the page's CSS cursor takes it: premultiplied ARGB
 * to straight RGBA, scaled to `--cursor-size`, at most 128 pixels a side
 * (Chromium ignores larger CSS cursors), then PNG. Pure: no X call.
 *
 * @module
 */

import { encodePng } from "../pwa/png.ts";
import { type CursorImage, MAX_CURSOR_SIDE } from "../protocol/desktop.ts";

/** A cursor as XFixes gives it (ffi/xfixes.ts `XCursorImage`, without the serial). */
export interface ArgbCursor {
  width: number;
  height: number;
  hotX: number;
  hotY: number;
  /** 0xAARRGGBB, premultiplied alpha, row by row. */
  argb: Uint32Array;
}

/** Premultiplied ARGB pixels to straight-alpha RGBA bytes. */
export function argbToRgba(argb: Uint32Array): Uint8Array {
  const out = new Uint8Array(argb.length * 4);
  for (let i = 0; i < argb.length; i++) {
    const p = argb[i]!;
    const a = p >>> 24;
    const un = (c: number) => (a === 0 ? 0 : Math.min(255, Math.round((c * 255) / a)));
    out[i * 4] = un((p >>> 16) & 0xff);
    out[i * 4 + 1] = un((p >>> 8) & 0xff);
    out[i * 4 + 2] = un(p & 0xff);
    out[i * 4 + 3] = a;
  }
  return out;
}

/**
 * The scale that makes the cursor's longer side `size` pixels (`size` <= 0:
 * its own size), capped so neither side passes {@linkcode MAX_CURSOR_SIDE}.
 */
export function cursorScale(width: number, height: number, size: number): number {
  const side = Math.max(width, height, 1);
  const wanted = size > 0 ? size / side : 1;
  return Math.min(wanted, MAX_CURSOR_SIDE / side);
}

/** Nearest-neighbour scaling of RGBA pixels. */
export function scaleRgba(
  rgba: Uint8Array,
  from: { width: number; height: number },
  to: { width: number; height: number },
): Uint8Array {
  const out = new Uint8Array(to.width * to.height * 4);
  for (let y = 0; y < to.height; y++) {
    const sy = Math.min(from.height - 1, Math.floor((y * from.height) / to.height));
    for (let x = 0; x < to.width; x++) {
      const sx = Math.min(from.width - 1, Math.floor((x * from.width) / to.width));
      out.set(
        rgba.subarray((sy * from.width + sx) * 4, (sy * from.width + sx) * 4 + 4),
        (y * to.width + x) * 4,
      );
    }
  }
  return out;
}

/** The cursor as a PNG with its size and hotspot, scaled for `--cursor-size` (-1: as is). */
export async function cursorPng(cursor: ArgbCursor, size: number): Promise<CursorImage> {
  const width = Math.max(1, cursor.width);
  const height = Math.max(1, cursor.height);
  let rgba = cursor.argb.length === width * height
    ? argbToRgba(cursor.argb)
    : new Uint8Array(width * height * 4);
  const scale = cursorScale(width, height, size);
  let out = { width, height };
  if (scale !== 1) {
    out = {
      width: Math.max(1, Math.round(width * scale)),
      height: Math.max(1, Math.round(height * scale)),
    };
    rgba = scaleRgba(rgba, { width, height }, out);
  }
  const png = await encodePng(rgba, out);
  const hot = (v: number, max: number) => Math.min(max - 1, Math.max(0, Math.round(v * scale)));
  return {
    png: png.toBase64(),
    width: out.width,
    height: out.height,
    hotX: hot(cursor.hotX, out.width),
    hotY: hot(cursor.hotY, out.height),
  };
}

/**
 * Draws a cursor image over captured screen pixels: the premultiplied ARGB
 * cursor XFIXES gives, alpha-blended onto the packed BGRx rows of one
 * capture box, only where the two overlap. Pure: no X, no clock.
 *
 * @module
 */

import type { PixelRect } from "../../ffi/xshm.ts";

/** A cursor image placed on the screen. */
export interface PlacedCursor {
  /** Top-left corner of the image on the screen (pointer position minus hotspot), in pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** `width * height` pixels, row by row, 0xAARRGGBB with premultiplied alpha. */
  argb: Uint32Array;
}

/** Where `cursor` covers the screen, as a rectangle. */
export function cursorRect(cursor: PlacedCursor): PixelRect {
  return { x: cursor.x, y: cursor.y, width: cursor.width, height: cursor.height };
}

/**
 * Blends `cursor` onto `pixels`, the BGRx bytes (4 a pixel, rows
 * `box.width * 4` bytes apart) of the screen rectangle `box`: each channel
 * becomes `cursor + screen * (255 - alpha) / 255`. Pixels outside the
 * overlap are left alone; a cursor that misses the box changes nothing.
 */
export function blendCursor(pixels: Uint8Array, box: PixelRect, cursor: PlacedCursor): void {
  const x0 = Math.max(box.x, cursor.x);
  const y0 = Math.max(box.y, cursor.y);
  const x1 = Math.min(box.x + box.width, cursor.x + cursor.width);
  const y1 = Math.min(box.y + box.height, cursor.y + cursor.height);
  for (let y = y0; y < y1; y++) {
    let from = (y - cursor.y) * cursor.width + (x0 - cursor.x);
    let to = ((y - box.y) * box.width + (x0 - box.x)) * 4;
    for (let x = x0; x < x1; x++, from++, to += 4) {
      const p = cursor.argb[from]!;
      const alpha = p >>> 24;
      if (alpha === 0) continue;
      const keep = 255 - alpha;
      // BGRx in memory: blue first. Premultiplied: a colour never exceeds its alpha, but clamp anyway.
      pixels[to] = Math.min(255, (p & 0xff) + div255(pixels[to]! * keep));
      pixels[to + 1] = Math.min(255, ((p >>> 8) & 0xff) + div255(pixels[to + 1]! * keep));
      pixels[to + 2] = Math.min(255, ((p >>> 16) & 0xff) + div255(pixels[to + 2]! * keep));
    }
  }
}

/** `v / 255`, rounded, for 0 <= v <= 255 * 255. */
function div255(v: number): number {
  return ((v + 128 + ((v + 128) >> 8)) >> 8);
}

/**
 * From a frame's damaged boxes to libx264's per-macroblock info: one byte
 * per 16x16 macroblock in raster order, `X264_MBINFO_CONSTANT` (1) where
 * nothing changed since the previous picture the encoder was given, 0 where
 * any damaged pixel lies. Pure: no X, no encoder.
 *
 * @module
 */

/** `X264_MBINFO_CONSTANT` (x264.h): the macroblock is unchanged since the previous frame. */
export const MB_CONSTANT = 1;
/** Macroblock edge, in pixels. */
export const MB_SIZE = 16;

/** A rectangle of pixels. */
export interface MbRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Macroblock columns and rows of a `width` x `height` picture (partial blocks count). */
export function mbGrid(size: { width: number; height: number }): { cols: number; rows: number } {
  return { cols: Math.ceil(size.width / MB_SIZE), rows: Math.ceil(size.height / MB_SIZE) };
}

/**
 * Fills `out` (one byte per macroblock of `size`) for a picture whose
 * changes since the previous one are `changed`: every macroblock a
 * rectangle touches is 0 (analyse it), every other one
 * {@linkcode MB_CONSTANT}; `"all"` (a keyframe, a refresh, a paint-over, a
 * picture after a skipped one) marks every macroblock changed. Rectangles
 * are clipped to the picture. Returns how many macroblocks are changed.
 * Throws `RangeError` when `out` does not have one byte per macroblock.
 */
export function fillMbInfo(
  out: Uint8Array,
  size: { width: number; height: number },
  changed: readonly MbRect[] | "all",
): number {
  const { cols, rows } = mbGrid(size);
  if (out.length !== cols * rows) {
    throw new RangeError(
      `Cannot fill mb_info: ${size.width}x${size.height} has ${
        cols * rows
      } macroblocks, the array ${out.length} bytes`,
    );
  }
  if (changed === "all") {
    out.fill(0);
    return out.length;
  }
  out.fill(MB_CONSTANT);
  let count = 0;
  for (const rect of changed) {
    const x0 = Math.max(0, rect.x);
    const y0 = Math.max(0, rect.y);
    const x1 = Math.min(size.width, rect.x + rect.width);
    const y1 = Math.min(size.height, rect.y + rect.height);
    if (x1 <= x0 || y1 <= y0) continue;
    const c1 = Math.floor((x1 - 1) / MB_SIZE);
    const r1 = Math.floor((y1 - 1) / MB_SIZE);
    for (let r = Math.floor(y0 / MB_SIZE); r <= r1; r++) {
      for (let c = Math.floor(x0 / MB_SIZE); c <= c1; c++) {
        const i = r * cols + c;
        if (out[i] !== 0) count++;
        out[i] = 0;
      }
    }
  }
  return count;
}

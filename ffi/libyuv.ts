/**
 * libyuv (libyuv.so.0, Debian's libyuv0) through FFI: BGRx screen pixels
 * into a rectangle of an I420 frame, with the SIMD code libyuv picks for
 * this CPU (AVX2 on x86_64, NEON on aarch64). BT.601 limited range, which
 * the capture's caps announce so encoders write the matching colour info.
 *
 * The conversion of a large rectangle is a `nonblocking` call (a worker
 * thread does it; the helper's JS thread stays free for input); a small one
 * runs on the JS thread, where a thread hand-off would cost more than the
 * work (see {@linkcode SYNC_CONVERT_PIXELS}).
 *
 * @module
 */

import { openLibrary } from "./_dlopen.ts";

const P = "pointer" as const;

/** (src_argb, src_stride, dst_y, stride_y, dst_u, stride_u, dst_v, stride_v, width, height) -> 0 */
const ARGB_TO_I420 = {
  parameters: [P, "i32", P, "i32", P, "i32", P, "i32", "i32", "i32"],
  result: "i32",
} as const;

const symbols = {
  ARGBToI420: ARGB_TO_I420,
  ARGBToI420Async: { ...ARGB_TO_I420, name: "ARGBToI420", nonblocking: true },
} as const;

type Yuv = Deno.DynamicLibrary<typeof symbols>["symbols"];

let loaded: Yuv | undefined;

/** Opens libyuv once; throws an `Error` naming the library when it is missing. */
export function libyuv(): Yuv {
  return loaded ??= openLibrary("libyuv.so.0", symbols);
}

/**
 * Below this many pixels a rectangle is converted on the JS thread: about
 * 20 µs of work, less than handing it to a worker thread and back.
 */
export const SYNC_CONVERT_PIXELS = 64 * 64 * 4;

/** Where a rectangle goes in an I420 frame: the three planes' first bytes and their strides. */
export interface I420Target {
  y: Deno.PointerObject;
  strideY: number;
  u: Deno.PointerObject;
  v: Deno.PointerObject;
  strideUV: number;
}

/**
 * Converts `width` x `height` BGRx pixels at `source` (rows `sourceStride`
 * bytes apart) into `target`. Even `width`/`height` keep chroma exact; an
 * odd one is only allowed at the frame's right or bottom edge.
 */
export async function bgrxToI420(
  source: Deno.PointerObject,
  sourceStride: number,
  target: I420Target,
  size: { width: number; height: number },
): Promise<void> {
  const lib = libyuv();
  const args = [
    source,
    sourceStride,
    target.y,
    target.strideY,
    target.u,
    target.strideUV,
    target.v,
    target.strideUV,
    size.width,
    size.height,
  ] as const;
  const result = size.width * size.height <= SYNC_CONVERT_PIXELS
    ? lib.ARGBToI420(...args)
    : await lib.ARGBToI420Async(...args);
  if (result !== 0) {
    throw new Error(`Cannot convert ${size.width}x${size.height} pixels to I420 (${result})`);
  }
}

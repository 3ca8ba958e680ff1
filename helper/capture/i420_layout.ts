/**
 * Where the planes of an I420 frame lie in one buffer, exactly as
 * GStreamer's `gst_video_info_set_format()` lays them out: a buffer pushed
 * without a video meta must match it, or the encoder reads skewed planes.
 *
 * @module
 */

/** Byte layout of one I420 frame. */
export interface I420Layout {
  width: number;
  height: number;
  /** Bytes per row of the Y plane. */
  strideY: number;
  /** Bytes per row of the U and V planes. */
  strideUV: number;
  /** Offset of the U plane, in bytes. */
  offsetU: number;
  /** Offset of the V plane, in bytes. */
  offsetV: number;
  /** Bytes of the whole frame. */
  size: number;
}

const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

/** The layout of a `width` x `height` I420 frame (rows padded to 4 bytes, planes to even rows). */
export function i420Layout(width: number, height: number): I420Layout {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`Cannot lay out an I420 frame of ${width}x${height}`);
  }
  const strideY = roundUp(width, 4);
  const strideUV = roundUp(roundUp(width, 2) / 2, 4);
  const rows = roundUp(height, 2);
  const offsetU = strideY * rows;
  const offsetV = offsetU + strideUV * rows / 2;
  return {
    width,
    height,
    strideY,
    strideUV,
    offsetU,
    offsetV,
    size: offsetV + strideUV * rows / 2,
  };
}

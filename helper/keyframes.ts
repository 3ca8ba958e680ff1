/**
 * How often the shared encoder may be forced to make a keyframe.
 *
 * Every viewer's PLI or FIR (a lost picture, a decoder that joined) becomes
 * a force-key-unit event on the one encoder all viewers share. Unlimited,
 * ten viewers on lossy links would make nearly every frame a keyframe, each
 * several times the size of a normal frame: more loss, more requests. So the
 * encoder (GstVideoEncoder's `min-force-key-unit-interval`, applied by
 * helper/encoder_control.ts) makes at most one forced keyframe per interval:
 * a request inside it waits for the interval's end, and all requests waiting
 * by then are answered by the same keyframe. None is lost.
 *
 * The interval is the longest round trip among the viewers: a keyframe sent
 * now reaches a viewer half a round trip later, so requests arriving within
 * a round trip of it mostly describe losses it already repairs. It is at
 * least 100 ms (at most ten forced keyframes a second, whatever asks) and at
 * most 300 ms (a picture broken right after a keyframe waits no longer than
 * that for the next).
 *
 * @module
 */

/** Least interval between forced keyframes, in ms. */
export const MIN_KEYFRAME_INTERVAL_MS = 100;
/** Greatest interval between forced keyframes, in ms. */
export const MAX_KEYFRAME_INTERVAL_MS = 300;

/** The interval between forced keyframes for viewers with round trips `rttsMs`, in ms. */
export function keyframeIntervalMs(rttsMs: readonly number[]): number {
  const longest = rttsMs.length === 0 ? 0 : Math.max(...rttsMs);
  return Math.round(
    Math.min(MAX_KEYFRAME_INTERVAL_MS, Math.max(MIN_KEYFRAME_INTERVAL_MS, longest)),
  );
}

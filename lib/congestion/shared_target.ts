/**
 * How one shared encode serves viewers whose paths differ: it follows the
 * weakest viewer, but never below `floorRatio` of what the best viewer can
 * take.
 *
 * Why not simply the weakest: one viewer on a poor phone link would drag
 * every other viewer's picture down to its own. Why not simply the best: the
 * weak viewer would lose packets all the time. In between, the weak viewer
 * gets at most 1/`floorRatio` times its path (its losses are repaired by
 * NACK/RTX or a keyframe, and its congestion controller keeps reporting
 * low), while the others keep at least `floorRatio` of theirs. A second
 * encode tier for the weak viewer would serve both fully, at the price of a
 * second encoder on a 2-core machine; the per-viewer targets this policy
 * reduces are what such a tier would be built from (a tier is then just a
 * group of viewers reduced separately).
 *
 * @module
 */

/** Default share of the best viewer's target that the shared encode never goes under. */
export const SHARED_FLOOR_RATIO = 0.5;

/** Options of {@linkcode sharedTarget}. */
export interface SharedTargetOptions {
  /** Share of the best target the result never goes under, 0-1. Default {@linkcode SHARED_FLOOR_RATIO}. */
  floorRatio?: number;
}

/**
 * The value one shared encode uses for viewers wanting `targets` (bitrates
 * or frame rates): `max(min, floorRatio * max)`; undefined without viewers.
 */
export function sharedTarget(
  targets: readonly number[],
  options: SharedTargetOptions = {},
): number | undefined {
  if (targets.length === 0) return undefined;
  const ratio = Math.min(1, Math.max(0, options.floorRatio ?? SHARED_FLOOR_RATIO));
  return Math.max(Math.min(...targets), ratio * Math.max(...targets));
}

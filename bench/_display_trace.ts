/**
 * When a video frame really reached the screen, from a Chromium trace.
 *
 * `requestVideoFrameCallback`'s `expectedDisplayTime` is Chromium's guess,
 * and for a low-latency WebRTC stream it is a poor one: the video's
 * compositor computes it from the last BeginFrame its frame sink received.
 * With frames at a steady 60 a second that BeginFrame is current and the
 * guess lands about 5 ms before the display really shows the frame; with
 * sparse frames viz throttles the sink's BeginFrames (its preferred interval
 * is the gap between frames), the last one is stale, and the guess lands
 * some 20 ms after the frame was already shown (a trace of the `sparse`
 * scene: frames shown 1.9 ms median after the compositor got them, guessed
 * 20-23 ms). A benchmark that compares steady frames with sparse ones must
 * not read the guess.
 *
 * The trace has what happened: `SetCurrentFrame Timestamps` (category
 * `media`) when the compositor took a frame, with the same
 * `presentation_time` the page gets as `presentationTime`, and viz's
 * `Display::FrameDisplayed` (category `viz`) for every frame the display
 * put on screen. A frame was shown at the first display frame after its
 * compositor took it.
 *
 * @module
 */

import { type CountedFrame, sincePainted } from "./_page_probe.ts";

/** One event of Chromium's JSON trace format (only the fields read here). */
export interface TraceEvent {
  name: string;
  ph?: string;
  /** Microseconds on the browser's monotonic clock (`base::TimeTicks`). */
  ts: number;
  args?: Record<string, unknown>;
}

/** Trace categories {@linkcode displayTimes} needs. */
export const DISPLAY_TRACE_CATEGORIES = ["media", "viz"];

/** How close a page `presentationTime` and a trace `presentation_time` must be to match, in ms. */
const MATCH_MS = 0.5;

function sortedTimes(events: TraceEvent[], name: string): number[] {
  return events.filter((e) => e.name === name && e.ph !== "E").map((e) => e.ts / 1000).sort((
    a,
    b,
  ) => a - b);
}

/** Index of the first element of sorted `list` greater than `value`. */
function firstAfter(list: number[], value: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (list[mid]! <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The element of sorted `list` nearest `value` (NaN when empty). */
function nearest(list: number[], value: number): number {
  const i = firstAfter(list, value);
  const below = list[i - 1] ?? NaN;
  const above = list[i] ?? NaN;
  if (Number.isNaN(below)) return above;
  if (Number.isNaN(above)) return below;
  return value - below <= above - value ? below : above;
}

/**
 * For each frame the page saw, given by its `presentationTime` (page clock,
 * ms), when the display showed it (page clock, ms), or NaN when the trace
 * does not have it. The page and trace clocks differ by a constant, found as
 * the offset that matches the most frames.
 */
export function displayTimes(events: TraceEvent[], presented: number[]): number[] {
  const taken = events
    .filter((e) =>
      e.name === "SetCurrentFrame Timestamps" && typeof e.args?.presentation_time === "number"
    )
    .map((e) => (e.args!.presentation_time as number) / 1000)
    .sort((a, b) => a - b);
  const shown = sortedTimes(events, "Display::FrameDisplayed");
  const first = presented[0];
  if (first === undefined || taken.length === 0) return presented.map(() => NaN);
  // Candidate offsets: the first frame paired with each compositor event near enough in order.
  let best = { offset: NaN, matches: -1 };
  for (const t of taken) {
    const offset = t - first;
    let matches = 0;
    for (const p of presented) {
      if (Math.abs(nearest(taken, p + offset) - (p + offset)) < MATCH_MS) matches++;
    }
    if (matches > best.matches) best = { offset, matches };
  }
  return presented.map((p) => {
    const at = p + best.offset;
    if (!(Math.abs(nearest(taken, at) - at) < MATCH_MS)) return NaN;
    const display = shown[firstAfter(shown, at)];
    return display === undefined ? NaN : display - best.offset;
  });
}

/**
 * Glass-to-glass (painting to display) and arrival-to-display times, ms, of
 * the frames the page counted, from `trace` (Chromium's JSON trace of the
 * run); `wrap` is the code's modulus. Frames the trace does not have are
 * left out.
 */
export function displayLatencies(
  trace: Uint8Array,
  frames: readonly CountedFrame[],
  wrap: number,
): { latencies: number[]; show: number[] } {
  const events = (JSON.parse(new TextDecoder().decode(trace)) as { traceEvents: TraceEvent[] })
    .traceEvents;
  const displayed = displayTimes(events, frames.map((f) => f.presentation));
  const latencies: number[] = [];
  const show: number[] = [];
  frames.forEach((frame, i) => {
    const at = displayed[i]!;
    if (Number.isNaN(at)) return;
    latencies.push(sincePainted(frame, at, wrap));
    if (!Number.isNaN(frame.receive)) show.push(at - frame.receive);
  });
  return { latencies, show };
}

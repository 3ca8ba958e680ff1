/**
 * A page probe that watches every frame the `<video>` presents and reads
 * the time code `bench/clock_painter.ts` paints on the X display: a frame
 * whose code is valid (each bit's guard is its inverse) and newer than the
 * last is a *clean new picture*. Gaps between clean new pictures are how
 * long the viewer looked at a frozen or broken picture, whatever the cause
 * (lost packets waiting for repair, an undecodable frame, a stall).
 *
 * Install with `context.addInitScript(frameProbe, layout)` before the page
 * loads; read with {@linkcode readFrameProbe}.
 *
 * @module
 */

import type { Page } from "playwright-core";
import { CELL, CODE_BITS, ORIGIN } from "../bench/clock_painter.ts";

/** What the probe has seen, as the page keeps it. */
export interface FrameProbeState {
  /** Page time (ms) of each clean new picture, oldest first (the last 2000). */
  clean: number[];
  /** Frames presented so far. */
  presented: number;
  /** Frames whose time code did not read back (a half-updated capture, or a broken picture). */
  invalid: number;
}

/** Where the time code is: pass to `addInitScript` with {@linkcode frameProbe}. */
export const CLOCK_LAYOUT = { cell: CELL, bits: CODE_BITS, x: ORIGIN.x, y: ORIGIN.y };

/** The page side (runs in the browser). */
export function frameProbe(layout: { cell: number; bits: number; x: number; y: number }): void {
  const { cell, bits, x, y } = layout;
  const state: FrameProbeState = { clean: [], presented: 0, invalid: 0 };
  (globalThis as unknown as { __frames: FrameProbeState }).__frames = state;
  const hook = (video: HTMLVideoElement) => {
    const canvas = new OffscreenCanvas(bits * cell, 2 * cell);
    const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
    let last = -1;
    const lum = (d: Uint8ClampedArray, px: number, py: number) => {
      const i = (py * bits * cell + px) * 4;
      return (d[i]! + d[i + 1]! + d[i + 2]!) / 3;
    };
    const onFrame = (now: number) => {
      state.presented++;
      ctx.drawImage(video, x, y, bits * cell, 2 * cell, 0, 0, bits * cell, 2 * cell);
      const d = ctx.getImageData(0, 0, bits * cell, 2 * cell).data;
      let code = 0;
      let valid = true;
      for (let i = 0; i < bits; i++) {
        const cx = i * cell + cell / 2;
        const bit = lum(d, cx, cell / 2) > 128 ? 1 : 0;
        if (bit === (lum(d, cx, cell + cell / 2) > 128 ? 1 : 0)) valid = false;
        code = code * 2 + bit;
      }
      if (!valid) state.invalid++;
      else if (code !== last) {
        last = code;
        state.clean.push(now);
        if (state.clean.length > 2000) state.clean.shift();
      }
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };
  const poll = setInterval(() => {
    const video = document.querySelector("video");
    if (video) {
      clearInterval(poll);
      hook(video);
    }
  }, 5);
}

/** The probe's state and the page's clock now (ms). */
export function readFrameProbe(page: Page): Promise<FrameProbeState & { now: number }> {
  return page.evaluate(() => ({
    ...(globalThis as unknown as { __frames: FrameProbeState }).__frames,
    now: performance.now(),
  }));
}

/** Gaps between clean new pictures after page time `from` (ms), longest first. */
export function cleanGaps(state: FrameProbeState, from: number): number[] {
  const times = state.clean.filter((t) => t >= from);
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) gaps.push(times[i]! - times[i - 1]!);
  return gaps.sort((a, b) => b - a);
}

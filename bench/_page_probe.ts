/**
 * The page side of bench/stream_bench.ts: installed before the page's own
 * scripts, it reads the painted time code (bench/clock_painter.ts) back from
 * every presented frame and records, for each new code, what the page knows
 * of that frame's timing; the bench side turns it into latencies.
 *
 * @module
 */

/** A presented frame that showed a new code, with its timing (page clock, ms). */
export interface CountedFrame {
  /** The code: painted at epoch ms `code` modulo 2^bits. */
  code: number;
  /** Page clock to epoch ms, when the frame was counted. */
  epoch: number;
  /** `presentationTime`: when the compositor took the frame (bench/_display_trace.ts). */
  presentation: number;
  /** `expectedDisplayTime`: Chromium's guess of when it is shown. */
  expectedDisplay: number;
  /** `receiveTime`: its last packet's arrival; NaN when not given. */
  receive: number;
}

/** What the page has measured so far. */
export interface PageBench {
  first: number | null;
  presented: number;
  now: number;
  frames: CountedFrame[];
  invalid: number;
}

/** Ms from painting `frame`'s code to page time `pageMs` (the code wraps at `wrap`). */
export function sincePainted(frame: CountedFrame, pageMs: number, wrap: number): number {
  return (((frame.epoch + pageMs) % wrap) - frame.code + wrap) % wrap;
}

/** Installed before the page's own scripts: measures every presented frame. */
export function pageProbe(layout: { cell: number; bits: number; x: number; y: number }): void {
  const { cell, bits, x, y } = layout;
  const bench: PageBench = {
    first: null,
    presented: 0,
    now: 0,
    frames: [],
    invalid: 0,
  };
  (globalThis as unknown as { __bench: PageBench }).__bench = bench;
  const hook = (video: HTMLVideoElement) => {
    const canvas = new OffscreenCanvas(bits * cell, 2 * cell);
    const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
    let last = -1;
    const lum = (d: Uint8ClampedArray, px: number, py: number) => {
      const i = (py * bits * cell + px) * 4;
      return (d[i]! + d[i + 1]! + d[i + 2]!) / 3;
    };
    const onFrame = (now: number, meta: VideoFrameCallbackMetadata) => {
      bench.first ??= now;
      bench.presented = meta.presentedFrames;
      bench.now = now;
      ctx.drawImage(video, x, y, bits * cell, 2 * cell, 0, 0, bits * cell, 2 * cell);
      const d = ctx.getImageData(0, 0, bits * cell, 2 * cell).data;
      let code = 0;
      let valid = true;
      for (let i = 0; i < bits; i++) {
        const cx = i * cell + cell / 2;
        const bit = lum(d, cx, cell / 2) > 128 ? 1 : 0;
        const guard = lum(d, cx, cell + cell / 2) > 128 ? 1 : 0;
        if (bit === guard) valid = false;
        code = code * 2 + bit;
      }
      if (!valid) bench.invalid++;
      else if (code !== last) {
        last = code;
        bench.frames.push({
          code,
          epoch: Date.now() - now,
          presentation: meta.presentationTime,
          expectedDisplay: meta.expectedDisplayTime,
          receive: meta.receiveTime ?? NaN,
        });
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
  }, 1);
}

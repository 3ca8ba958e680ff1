/**
 * The page side of bench/stream_bench.ts: installed before the page's own
 * scripts, it reads the painted time code (bench/clock_painter.ts) back from
 * every presented frame and records glass-to-glass and to-receive times.
 *
 * @module
 */

/** What the page has measured so far. */
export interface PageBench {
  first: number | null;
  presented: number;
  now: number;
  latencies: number[];
  /** Per counted frame: ms from painting to the frame's last packet arriving in the page. */
  toReceive: number[];
  /** Per counted frame: ms from its arrival to its expected display time. */
  show: number[];
  /**
   * Per counted frame: its code (painted at that epoch ms modulo 2^bits), its
   * `presentationTime` (page clock, ms), the page clock's epoch offset then,
   * and its `receiveTime` (page clock; NaN when not given), to find when it
   * was really shown (bench/_display_trace.ts).
   */
  frames: [number, number, number, number][];
  invalid: number;
}

/** Installed before the page's own scripts: measures every presented frame. */
export function pageProbe(layout: { cell: number; bits: number; x: number; y: number }): void {
  const { cell, bits, x, y } = layout;
  const bench: PageBench = {
    first: null,
    presented: 0,
    now: 0,
    latencies: [],
    toReceive: [],
    show: [],
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
        const epoch = Date.now() - now; // page clock to epoch ms
        const shown = epoch + meta.expectedDisplayTime;
        const wrap = 2 ** bits;
        bench.latencies.push(((shown % wrap) - code + wrap) % wrap);
        bench.frames.push([code, meta.presentationTime, epoch, meta.receiveTime ?? NaN]);
        if (meta.receiveTime !== undefined) {
          bench.toReceive.push((((epoch + meta.receiveTime) % wrap) - code + wrap) % wrap);
          bench.show.push(meta.expectedDisplayTime - meta.receiveTime);
        }
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

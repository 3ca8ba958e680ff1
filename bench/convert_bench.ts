/**
 * Measures the conversion and encoder knobs of the capture path, one at a
 * time, and prints a table (docs/CAPTURE.md quotes it):
 *
 * - libyuv's BGRx->I420 (ffi/libyuv.ts) for a whole frame and a clock-sized
 *   block, against GStreamer's videoconvert at 1 and 2 threads;
 * - x264enc presets and thread settings (the default encoder), on 600
 *   frames of a mostly still screen (a small moving ball) and of full
 *   motion (snow), in CPU seconds per frame.
 *
 * Run: `deno run -A bench/convert_bench.ts [--size=1280x720]`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { bgrxToI420 } from "../ffi/libyuv.ts";
import { i420Layout } from "../helper/capture/i420_layout.ts";

/** ms per call of libyuv's conversion of a `width` x `height` block into a frame. */
async function libyuvMs(frame: { width: number; height: number }, block: number[]) {
  const [bw, bh] = block as [number, number];
  const layout = i420Layout(frame.width, frame.height);
  const source = new Uint8Array(frame.width * frame.height * 4).map((_, i) => i * 7);
  const target = new Uint8Array(layout.size);
  const src = Deno.UnsafePointer.of(source)!;
  const dst = Deno.UnsafePointer.of(target)!;
  const at = (offset: number) => Deno.UnsafePointer.offset(dst, offset)!;
  const planes = {
    y: dst,
    strideY: layout.strideY,
    u: at(layout.offsetU),
    v: at(layout.offsetV),
    strideUV: layout.strideUV,
  };
  const runs = 200;
  for (let i = 0; i < 10; i++) {
    await bgrxToI420(src, frame.width * 4, planes, { width: bw, height: bh });
  }
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) {
    await bgrxToI420(src, frame.width * 4, planes, { width: bw, height: bh });
  }
  return (performance.now() - t0) / runs;
}

/** CPU ms per frame of a gst-launch pipeline over `frames` frames (user + system). */
async function gstCpuMs(pipeline: string, frames: number): Promise<number> {
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%U %S", "gst-launch-1.0", "-q", ...pipeline.split(" ")],
    stdout: "null",
    stderr: "piped",
  }).output();
  const lines = new TextDecoder().decode(out.stderr).trim().split("\n");
  const [user, sys] = lines[lines.length - 1]!.split(" ").map(Number) as [number, number];
  if (!out.success) throw new Error(`gst-launch failed: ${lines.join(" | ")}`);
  return (user + sys) * 1000 / frames;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { size: { type: "string", default: "1280x720" } },
  });
  const [width, height] = values.size!.split("x").map(Number) as [number, number];
  // deno-lint-ignore no-console
  const print = (s: string) => console.log(s);
  const frames = 600;
  const raw = (pattern: string, format: string) =>
    `videotestsrc num-buffers=${frames} pattern=${pattern} ! video/x-raw,format=${format},width=${width},height=${height},framerate=60/1`;
  print(`Capture knobs at ${width}x${height} (${frames} frames each)`);
  print(`${"knob".padEnd(58)} ${"ms/frame".padStart(10)}`);
  const line = (name: string, ms: number) =>
    print(`${name.padEnd(58)} ${ms.toFixed(3).padStart(10)}`);
  line("libyuv ARGBToI420, whole frame (wall)", await libyuvMs({ width, height }, [width, height]));
  line(
    "libyuv ARGBToI420, 480x48 time-code block (wall)",
    await libyuvMs({ width, height }, [480, 48]),
  );
  for (const threads of [1, 2]) {
    line(
      `videoconvert BGRx->I420 n-threads=${threads} (CPU, incl. source)`,
      await gstCpuMs(
        `${
          raw("snow", "BGRx")
        } ! videoconvert n-threads=${threads} ! video/x-raw,format=I420 ! fakesink`,
        frames,
      ),
    );
  }
  line(
    "videotestsrc alone (CPU, the source's share above)",
    await gstCpuMs(`${raw("snow", "BGRx")} ! fakesink`, frames),
  );
  const encoders: [string, string][] = [
    [
      "x264enc ultrafast threads=2 sliced (today)",
      "x264enc tune=zerolatency speed-preset=ultrafast threads=2 sliced-threads=true bitrate=8000",
    ],
    [
      "x264enc ultrafast threads=1",
      "x264enc tune=zerolatency speed-preset=ultrafast threads=1 bitrate=8000",
    ],
    [
      "x264enc superfast threads=2 sliced",
      "x264enc tune=zerolatency speed-preset=superfast threads=2 sliced-threads=true bitrate=8000",
    ],
  ];
  for (const pattern of ["ball", "snow"]) {
    const base = await gstCpuMs(`${raw(pattern, "I420")} ! fakesink`, frames);
    for (const [name, element] of encoders) {
      const ms = await gstCpuMs(`${raw(pattern, "I420")} ! ${element} ! fakesink`, frames);
      line(`${name}, ${pattern === "ball" ? "mostly still" : "full motion"}`, ms - base);
    }
  }
}

/**
 * Measures the video path end to end and prints a table: glass-to-glass
 * latency, presented frames per second, time from page load to first frame,
 * and the CPU and memory of the server and its helper.
 *
 * Method: an X client (`clock_painter.ts`) paints the wall-clock time as
 * black and white blocks on a real Xvfb; Skerry streams it to headless
 * Chromium; the page reads the blocks back from every presented frame
 * (`requestVideoFrameCallback`) and subtracts them from its own clock at the
 * frame's expected display time. Only the first presentation of each time
 * code counts. CPU is utime+stime from /proc over the measuring window, as a
 * percentage of one core.
 *
 * Every encoder offered here is measured at every size (`--encoders`,
 * `--sizes`); one that cannot stream here but can encode (av1enc: GStreamer
 * 1.22 has no AV1 RTP payloader) gets its encode rate and CPU alone
 * (`bench/_encode_only.ts`). A run whose picture never shows a readable time
 * code is a failure ("broken picture"), printed as such, and the benchmark
 * exits 1.
 *
 * Run: `deno task bench` (in a network namespace) or
 * `deno run -A bench/stream_bench.ts --encoders=x264enc,vp8enc --sizes=1280x720 --runs=3 --seconds=10`.
 *
 * @module
 */

import { startClockPainter } from "./_painter.ts";
import { parseArgs } from "node:util";
import { startXvfb } from "../lib/display.ts";
import { AUTH, launchBrowser, startServer, waitFor } from "../test/_harness.ts";
import { probeElements } from "../lib/probe.ts";
import { type Encoder, ENCODERS } from "../lib/protocol/encoders.ts";
import { requiredElements } from "../pipelines/video.ts";
import { encodeOnly } from "./_encode_only.ts";
import { CELL, CODE_BITS, ORIGIN } from "./clock_painter.ts";
import {
  cpuTicks,
  findHelper,
  median,
  percentile,
  pssKiB,
  rssKiB,
  TICKS_PER_SECOND,
} from "./_proc.ts";

/** A run's numbers. */
export interface RunResult {
  encoder: string;
  size: string;
  fps: number;
  latencyMedian: number;
  latencyP95: number;
  samples: number;
  firstFrameMs: number;
  cpuPercent: number;
  serverRssMb: number;
  helperRssMb: number;
  /** PSS of server and helper together, MB (shared pages counted once between them). */
  pssMb: number;
  /** Median ms from painting to the frame's arrival in the browser (capture, encode, network). */
  toReceiveMs: number;
  /** Chromium's mean jitter-buffer delay per frame, ms. */
  jitterMs: number;
  /** Chromium's mean decode time per frame, ms. */
  decodeMs: number;
  /** Chromium's mean time from first packet to decoded, ms. */
  processingMs: number;
  /** Mean of the client's own glass-to-glass estimates over the window (from /metrics), ms. */
  estimateMs: number;
}

/** Sum and count of the client's latency estimates so far, from the server's /metrics. */
async function estimates(url: string): Promise<{ sum: number; count: number }> {
  const res = await fetch(`${url}metrics`, {
    headers: { Authorization: `Basic ${btoa(`${AUTH.username}:${AUTH.password}`)}` },
  });
  const text = await res.text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
  return {
    sum: read("skerry_glass_to_glass_latency_seconds_sum"),
    count: read("skerry_glass_to_glass_latency_seconds_count"),
  };
}

interface PageBench {
  first: number | null;
  presented: number;
  now: number;
  latencies: number[];
  /** Per counted frame: ms from painting to the frame's last packet arriving in the page. */
  toReceive: number[];
  invalid: number;
}

/** Installed before the page's own scripts: measures every presented frame. */
function pageProbe(layout: { cell: number; bits: number; x: number; y: number }): void {
  const { cell, bits, x, y } = layout;
  const bench: PageBench = {
    first: null,
    presented: 0,
    now: 0,
    latencies: [],
    toReceive: [],
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
        if (meta.receiveTime !== undefined) {
          bench.toReceive.push((((epoch + meta.receiveTime) % wrap) - code + wrap) % wrap);
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

/** A run's numbers, or why it failed. */
export type Outcome = { ok: true; result: RunResult } | { ok: false; reason: string };

/** How an encoder is measured here: streamed to Chromium, encoded alone, or not at all. */
type Mode = "stream" | "encode-only" | "unavailable";

/** What {@linkcode runOnce} streams besides the time code (bench/capture_bench.ts). */
export interface Scene {
  /** `--capture` mode. Default damage (the server's default). */
  capture?: string;
  /** More server flags (e.g. `--x264-mb-info`). Default none. */
  flags?: string[];
  /** The whole screen moves behind the time code. Default false. */
  motion?: boolean;
  /** A 256x256 box moves across the still screen every frame. Default false. */
  window?: boolean;
  /** Painter repaint interval, ms (100: a block changing ten times a second). */
  intervalMs?: number;
  /** Nothing changes after the first paint: no latency to read, CPU and memory only. */
  still?: boolean;
}

/** One measured run on a fresh Xvfb, server and browser. */
export async function runOnce(
  width: number,
  height: number,
  seconds: number,
  encoder: Encoder,
  mode: Exclude<Mode, "unavailable">,
  scene: Scene = {},
): Promise<Outcome> {
  const display = await startXvfb({ width, height });
  const painter = await startClockPainter(display, {
    motion: scene.motion === true,
    window: scene.window === true,
    still: scene.still === true,
    ...(scene.intervalMs === undefined ? {} : { intervalMs: scene.intervalMs }),
  });
  if (mode === "encode-only") {
    try {
      const r = await encodeOnly(encoder, display, { framerate: 60, seconds, bitrateKbps: 8000 });
      return { ok: true, result: { ...EMPTY, encoder, size: `${width}x${height}`, ...r } };
    } finally {
      painter.kill("SIGTERM");
      await painter.status;
      await display.stop();
    }
  }
  const server = await startServer({
    display,
    args: [
      "--log-level=warning",
      "--framerate=60",
      `--encoder=${encoder}`,
      // The test harness reads X with ximagesrc unless told: the bench measures the default.
      `--capture=${scene.capture ?? "damage"}`,
      ...(scene.flags ?? []),
    ],
  });
  const browser = await launchBrowser(server.url);
  try {
    await browser.context.addInitScript(pageProbe, {
      cell: CELL,
      bits: CODE_BITS,
      x: ORIGIN.x,
      y: ORIGIN.y,
    });
    const page = await browser.open(server.url);
    const read = () =>
      page.evaluate(() => (globalThis as unknown as { __bench: PageBench }).__bench);
    const first = await waitFor("first frame", async () => (await read()).first, 20_000);
    await new Promise((r) => setTimeout(r, 3000)); // warm-up
    const helper = findHelper(server.pid);
    const cpu0 = cpuTicks(server.pid) + cpuTicks(helper);
    const t0 = performance.now();
    const before = await read();
    const estimated0 = await estimates(server.url);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const after = await read();
    const estimated1 = await estimates(server.url);
    const cpu1 = cpuTicks(server.pid) + cpuTicks(helper);
    const elapsed = (performance.now() - t0) / 1000;
    const latencies = after.latencies.slice(before.latencies.length);
    if (latencies.length === 0 && !scene.still) {
      // The picture never carried a readable time code: broken, not merely slow.
      return {
        ok: false,
        reason: `broken picture: no time code read in ${
          after.presented - before.presented
        } presented frames (${after.invalid - before.invalid} unreadable)`,
      };
    }
    const toReceive = after.toReceive.slice(before.toReceive.length);
    const receiver = await page.evaluate(async () => {
      const pcs = (globalThis as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
      const out = { jitterMs: NaN, decodeMs: NaN, processingMs: NaN };
      (await pcs[pcs.length - 1]!.getStats()).forEach((s: Record<string, number | string>) => {
        if (s.type !== "inbound-rtp" || s.kind !== "video") return;
        const n = s.jitterBufferEmittedCount as number;
        const f = s.framesDecoded as number;
        out.jitterMs = (s.jitterBufferDelay as number) / n * 1000;
        out.decodeMs = (s.totalDecodeTime as number) / f * 1000;
        out.processingMs = (s.totalProcessingDelay as number) / f * 1000;
      });
      return out;
    });
    const result: RunResult = {
      encoder,
      size: `${width}x${height}`,
      fps: (after.presented - before.presented) / ((after.now - before.now) / 1000),
      latencyMedian: median(latencies),
      latencyP95: percentile(latencies, 95),
      samples: latencies.length,
      toReceiveMs: median(toReceive),
      firstFrameMs: first,
      cpuPercent: ((cpu1 - cpu0) / TICKS_PER_SECOND) / elapsed * 100,
      serverRssMb: rssKiB(server.pid) / 1024,
      helperRssMb: rssKiB(helper) / 1024,
      pssMb: (pssKiB(server.pid) + pssKiB(helper)) / 1024,
      estimateMs: (estimated1.sum - estimated0.sum) / (estimated1.count - estimated0.count) * 1000,
      ...receiver,
    };
    return { ok: true, result };
  } finally {
    await browser.close();
    await server.stop();
    painter.kill("SIGTERM");
    await painter.status;
    await display.stop();
  }
}

/** The numbers an encode-only run does not have. */
const EMPTY: RunResult = {
  encoder: "",
  size: "",
  fps: NaN,
  latencyMedian: NaN,
  latencyP95: NaN,
  samples: 0,
  firstFrameMs: NaN,
  cpuPercent: NaN,
  serverRssMb: NaN,
  helperRssMb: NaN,
  pssMb: NaN,
  toReceiveMs: NaN,
  jitterMs: NaN,
  decodeMs: NaN,
  processingMs: NaN,
  estimateMs: NaN,
};

function row(cells: (string | number)[]): string {
  return cells.map((c, i) => String(c).padStart(i < 2 ? 11 : 10)).join(" ");
}

/** How each encoder can be measured on this machine (a GStreamer probe). */
async function modes(encoders: Encoder[]): Promise<Map<Encoder, Mode>> {
  const report = await probeElements([...new Set(encoders.flatMap((e) => requiredElements(e)))]);
  const have = new Set(report.available);
  return new Map(encoders.map((e) => {
    const missing = requiredElements(e).filter((element) => !have.has(element));
    // Only the RTP payloader missing: the encoder itself can still be timed.
    const mode: Mode = missing.length === 0
      ? "stream"
      : missing.every((m) => m.startsWith("rtp"))
      ? "encode-only"
      : "unavailable";
    return [e, mode];
  }));
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      sizes: { type: "string", default: "1280x720,1920x1080" },
      runs: { type: "string", default: "3" },
      seconds: { type: "string", default: "10" },
      encoders: { type: "string", default: ENCODERS.filter((e) => e !== "nvh264enc").join(",") },
    },
  });
  const encoders = values.encoders!.split(",").map((e) => {
    if (!(ENCODERS as readonly string[]).includes(e)) throw new RangeError(`Unknown encoder ${e}`);
    return e as Encoder;
  });
  const header = row([
    "encoder",
    "size",
    "fps",
    "g2g med",
    "g2g p95",
    "CPU %",
    "first ms",
    "server MB",
    "helper MB",
    "to recv",
    "jitbuf",
    "decode",
    "recv",
    "client est",
  ]);
  // deno-lint-ignore no-console
  const print = (s: string) => console.log(s);
  const n = (v: number, digits = 1) => Number.isNaN(v) ? "-" : v.toFixed(digits);
  const format = (r: RunResult) =>
    row([
      r.encoder,
      r.size,
      n(r.fps),
      n(r.latencyMedian),
      n(r.latencyP95),
      n(r.cpuPercent),
      n(r.firstFrameMs, 0),
      n(r.serverRssMb, 0),
      n(r.helperRssMb, 0),
      n(r.toReceiveMs),
      n(r.jitterMs),
      n(r.decodeMs),
      n(r.processingMs),
      n(r.estimateMs),
    ]);
  const how = await modes(encoders);
  print(
    `Skerry stream benchmark: 60 fps, ${values.seconds} s per run, ${values.runs} runs; ` +
      "latencies (g2g, to recv, jitbuf, decode, recv, client est) in ms, CPU in % of one core " +
      "(server + helper; gst-launch alone for encode-only rows)",
  );
  print(header);
  const summary: string[] = [];
  let failures = 0;
  for (const encoder of encoders) {
    const mode = how.get(encoder)!;
    if (mode === "unavailable") {
      summary.push(`${row([encoder, "-"])}   not installed here`);
      continue;
    }
    for (const size of values.sizes!.split(",")) {
      const [w, h] = size.split("x").map(Number) as [number, number];
      const runs: RunResult[] = [];
      const failed: string[] = [];
      for (let i = 0; i < Number(values.runs); i++) {
        const outcome = await runOnce(w, h, Number(values.seconds), encoder, mode).catch(
          (error) => ({ ok: false as const, reason: (error as Error).message }),
        );
        if (outcome.ok) {
          runs.push(outcome.result);
          print(`${format(outcome.result)}   (run ${i + 1}, ${outcome.result.samples} samples)`);
        } else {
          failed.push(outcome.reason);
          print(`${row([encoder, size])}   FAILED (run ${i + 1}): ${outcome.reason}`);
        }
      }
      failures += failed.length;
      const note = mode === "encode-only" ? "   encode only (no RTP payloader here)" : "";
      const failedNote = failed.length
        ? `   FAILED ${failed.length}/${values.runs}: ${failed[0]}`
        : "";
      if (runs.length === 0) {
        summary.push(`${row([encoder, size])}${failedNote}`);
        continue;
      }
      const pick = (f: (r: RunResult) => number) => median(runs.map(f));
      summary.push(
        format({
          encoder,
          size,
          fps: pick((r) => r.fps),
          latencyMedian: pick((r) => r.latencyMedian),
          latencyP95: pick((r) => r.latencyP95),
          samples: runs.reduce((sum, r) => sum + r.samples, 0),
          firstFrameMs: pick((r) => r.firstFrameMs),
          cpuPercent: pick((r) => r.cpuPercent),
          serverRssMb: pick((r) => r.serverRssMb),
          helperRssMb: pick((r) => r.helperRssMb),
          pssMb: pick((r) => r.pssMb),
          toReceiveMs: pick((r) => r.toReceiveMs),
          jitterMs: pick((r) => r.jitterMs),
          decodeMs: pick((r) => r.decodeMs),
          processingMs: pick((r) => r.processingMs),
          estimateMs: pick((r) => r.estimateMs),
        }) + note + failedNote,
      );
    }
  }
  print("\nMedians over runs:");
  print(header);
  for (const line of summary) print(line);
  if (failures > 0) {
    print(`\n${failures} run(s) FAILED`);
    Deno.exit(1);
  }
}

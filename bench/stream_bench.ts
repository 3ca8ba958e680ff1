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
 * Scenes: `clock` (only the time-code block changes, the rest is still) and
 * `motion` (the whole screen scrolls behind it). Capture modes (`--captures`)
 * run alternately, one run of each in turn, so machine noise hits them
 * alike; the summary gives each mode's medians and its ratio to the first.
 *
 * Run: `deno task bench` (in a network namespace) or
 * `deno run -A bench/stream_bench.ts --sizes=1280x720,1920x1080 --scenes=clock,motion
 * --captures=ximagesrc,damage,ximagesrc-damage --runs=3 --seconds=10`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { startXvfb } from "../lib/display.ts";
import { AUTH, launchBrowser, ROOT, startServer, waitFor } from "../test/_harness.ts";
import { readLines } from "../lib/read_lines.ts";
import { CELL, CODE_BITS, ORIGIN } from "./clock_painter.ts";
import { cpuTicks, findHelper, median, percentile, rssKiB, TICKS_PER_SECOND } from "./_proc.ts";

interface RunResult {
  size: string;
  /** Scene and capture mode, e.g. `clock damage`. */
  what: string;
  fps: number;
  latencyMedian: number;
  latencyP95: number;
  samples: number;
  firstFrameMs: number;
  cpuPercent: number;
  serverRssMb: number;
  helperRssMb: number;
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

async function runOnce(
  width: number,
  height: number,
  seconds: number,
  extra: string[],
  scene: { motion: boolean; what: string },
) {
  const display = await startXvfb({ width, height });
  const painter = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-ffi",
      "--allow-env",
      `${ROOT}bench/clock_painter.ts`,
      "--display",
      display.name,
      ...(scene.motion ? ["--motion"] : []),
    ],
    env: display.env,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const painterLines = readLines(painter.stdout)[Symbol.asyncIterator]();
  await painterLines.next(); // "ready"
  const server = await startServer({
    display,
    args: ["--log-level=warning", "--framerate=60", ...extra],
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
    return {
      size: `${width}x${height}`,
      what: scene.what,
      fps: (after.presented - before.presented) / ((after.now - before.now) / 1000),
      latencyMedian: median(latencies),
      latencyP95: percentile(latencies, 95),
      samples: latencies.length,
      toReceiveMs: median(toReceive),
      firstFrameMs: first,
      cpuPercent: ((cpu1 - cpu0) / TICKS_PER_SECOND) / elapsed * 100,
      serverRssMb: rssKiB(server.pid) / 1024,
      helperRssMb: rssKiB(helper) / 1024,
      estimateMs: (estimated1.sum - estimated0.sum) / (estimated1.count - estimated0.count) * 1000,
      ...receiver,
    } satisfies RunResult;
  } finally {
    await browser.close();
    await server.stop();
    painter.kill("SIGTERM");
    await painter.status;
    await display.stop();
  }
}

function row(cells: (string | number)[]): string {
  return cells.map((c, i) => String(c).padStart(i === 0 ? 10 : i === 1 ? 24 : 11)).join(" ");
}

const COLUMNS: [string, (r: RunResult) => number, number][] = [
  ["fps", (r) => r.fps, 1],
  ["g2g med ms", (r) => r.latencyMedian, 1],
  ["g2g p95 ms", (r) => r.latencyP95, 1],
  ["first ms", (r) => r.firstFrameMs, 0],
  ["CPU % core", (r) => r.cpuPercent, 1],
  ["server MB", (r) => r.serverRssMb, 0],
  ["helper MB", (r) => r.helperRssMb, 0],
  ["to recv ms", (r) => r.toReceiveMs, 1],
  ["jitbuf ms", (r) => r.jitterMs, 1],
  ["decode ms", (r) => r.decodeMs, 1],
  ["recv ms", (r) => r.processingMs, 1],
  ["client est", (r) => r.estimateMs, 1],
];

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      sizes: { type: "string", default: "1280x720,1920x1080" },
      scenes: { type: "string", default: "clock,motion" },
      captures: { type: "string", default: "ximagesrc,damage,ximagesrc-damage" },
      runs: { type: "string", default: "3" },
      seconds: { type: "string", default: "10" },
      encoder: { type: "string", default: "x264enc" },
    },
  });
  const captures = values.captures!.split(",");
  const header = row(["size", "scene capture", ...COLUMNS.map(([name]) => name)]);
  const format = (r: RunResult) =>
    row([r.size, r.what, ...COLUMNS.map(([, get, digits]) => get(r).toFixed(digits))]);
  // deno-lint-ignore no-console
  const print = (s: string) => console.log(s);
  print(
    `Skerry stream benchmark: ${values.encoder}, 60 fps, ${values.seconds} s per run, ${values.runs} runs of each capture in turn`,
  );
  print(header);
  const summaries: RunResult[][] = [];
  for (const size of values.sizes!.split(",")) {
    const [w, h] = size.split("x").map(Number) as [number, number];
    for (const scene of values.scenes!.split(",")) {
      const runs = new Map<string, RunResult[]>(captures.map((c) => [c, []]));
      for (let i = 0; i < Number(values.runs); i++) {
        for (const capture of captures) {
          const what = `${scene} ${capture}`;
          const r = await runOnce(w, h, Number(values.seconds), [
            `--encoder=${values.encoder}`,
            `--capture=${capture}`,
          ], { motion: scene === "motion", what });
          runs.get(capture)!.push(r);
          print(`${format(r)}   (run ${i + 1}, ${r.samples} latency samples)`);
        }
      }
      summaries.push(captures.map((capture) => {
        const all = runs.get(capture)!;
        const pick = (f: (r: RunResult) => number) => median(all.map(f));
        return {
          size,
          what: `${scene} ${capture}`,
          fps: pick((r) => r.fps),
          latencyMedian: pick((r) => r.latencyMedian),
          latencyP95: pick((r) => r.latencyP95),
          samples: all.reduce((n, r) => n + r.samples, 0),
          firstFrameMs: pick((r) => r.firstFrameMs),
          cpuPercent: pick((r) => r.cpuPercent),
          serverRssMb: pick((r) => r.serverRssMb),
          helperRssMb: pick((r) => r.helperRssMb),
          toReceiveMs: pick((r) => r.toReceiveMs),
          jitterMs: pick((r) => r.jitterMs),
          decodeMs: pick((r) => r.decodeMs),
          processingMs: pick((r) => r.processingMs),
          estimateMs: pick((r) => r.estimateMs),
        };
      }));
    }
  }
  print(`\nMedians over runs, and each capture's ratio to ${captures[0]}:`);
  print(header);
  for (const group of summaries) {
    const base = group[0]!;
    for (const r of group) {
      print(format(r));
      if (r === base) continue;
      print(row(["", "  ratio", ...COLUMNS.map(([, get]) => (get(r) / get(base)).toFixed(2))]));
    }
  }
}

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
 * `--baseline=REV` (or `--baseline-dir=DIR`, an existing checkout) runs that
 * revision's server and this checkout's alternately, one run of each in
 * turn, and adds a `tree/base` ratio row under each pair of medians (the
 * baseline gets only the flags its `--help` lists; bench/capture_bench.ts
 * does the same per scene).
 *
 * Run: `deno task bench` (in a network namespace) or
 * `deno run -A bench/stream_bench.ts --encoders=x264enc,vp8enc --sizes=1280x720 --runs=3 --seconds=10`,
 * or `deno task bench --encoders=x264enc --baseline=7d9938c`.
 *
 * @module
 */

import { startClockPainter } from "./_painter.ts";
import { type PageBench, pageProbe } from "./_page_probe.ts";
import { parseArgs } from "node:util";
import { startXvfb } from "../lib/display.ts";
import { AUTH, launchBrowser, ROOT, startServer, waitFor } from "../test/_harness.ts";
import { commonFlags } from "./_help_flags.ts";
import { baselineCheckout, cliFlags } from "./_baseline_checkout.ts";
import { probeElements } from "../lib/probe.ts";
import { type Encoder, ENCODERS } from "../lib/protocol/encoders.ts";
import { requiredElements } from "../pipelines/video.ts";
import { encodeOnly } from "./_encode_only.ts";
import { DISPLAY_TRACE_CATEGORIES, displayTimes, type TraceEvent } from "./_display_trace.ts";
import { CELL, CODE_BITS, ORIGIN } from "./clock_painter.ts";
import {
  busiestThreads,
  cpuTicks,
  findHelper,
  median,
  percentile,
  pssKiB,
  rssKiB,
  threadTicks,
  TICKS_PER_SECOND,
} from "./_proc.ts";

/** A run's numbers. */
export interface RunResult {
  encoder: string;
  size: string;
  fps: number;
  /** Median ms from painting to the display showing the frame (a Chromium trace, bench/_display_trace.ts). */
  latencyMedian: number;
  latencyP95: number;
  /** Median ms from painting to the frame's `expectedDisplayTime` (Chromium's guess, biased: see bench/_display_trace.ts). */
  guessMedian: number;
  samples: number;
  firstFrameMs: number;
  cpuPercent: number;
  serverRssMb: number;
  helperRssMb: number;
  /** PSS of server and helper together, MB (shared pages counted once between them). */
  pssMb: number;
  /** Median ms from painting to the frame's arrival in the browser (capture, encode, network). */
  toReceiveMs: number;
  /** Median ms from the frame's arrival in the page to the display showing it (Chromium's render path). */
  showMs: number;
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

/** A run's numbers, or why it failed. */
export type Outcome = { ok: true; result: RunResult } | { ok: false; reason: string };

/** How an encoder is measured here: streamed to Chromium, encoded alone, or not at all. */
type Mode = "stream" | "encode-only" | "unavailable";

/** What {@linkcode runOnce} streams besides the time code (bench/capture_bench.ts). */
export interface Scene {
  /** `--capture` mode. Default damage (the server's default). */
  capture?: string;
  /** The whole screen moves behind the time code. Default false. */
  motion?: boolean;
  /** A 256x256 box moves across the still screen every frame. Default false. */
  window?: boolean;
  /** Painter repaint interval, ms (100: a block changing ten times a second). */
  intervalMs?: number | string;
  /** Nothing changes after the first paint: no latency to read, CPU and memory only. */
  still?: boolean;
  /** The page presses a key after each random pause of 0.4-1.6 s; the painter repaints on it. */
  typing?: boolean;
}

/** Whose server {@linkcode runOnce} starts (bench/_baseline_checkout.ts). */
export interface Checkout {
  /** Its root folder, with a trailing slash. */
  root: string;
  /** The flags its cli.ts accepts (bench/_help_flags.ts); unset: all the bench passes. */
  flags?: ReadonlyMap<string, string>;
}

/** The server flags of a run: those of `checkout` only (an older revision rejects newer ones). */
export function serverArgs(
  encoder: Encoder,
  capture: string,
  checkout?: Checkout,
): { args: string[]; dropped: string[] } {
  // "damage+mbinfo": the damage capture with libx264 told which macroblocks changed.
  const [mode, ...extras] = capture.split("+");
  const wanted = [
    "--log-level=warning",
    "--framerate=60",
    `--encoder=${encoder}`,
    `--capture=${mode}`,
    ...extras.map((extra) => extra === "mbinfo" ? "--x264-mb-info" : `--${extra}`),
  ];
  return commonFlags(wanted, checkout?.flags);
}

/** One measured run on a fresh Xvfb, server (this checkout's unless given) and browser. */
export async function runOnce(
  width: number,
  height: number,
  seconds: number,
  encoder: Encoder,
  mode: Exclude<Mode, "unavailable">,
  scene: Scene = {},
  checkout: Checkout = { root: ROOT },
): Promise<Outcome> {
  const display = await startXvfb({ width, height });
  const painter = await startClockPainter(display, {
    motion: scene.motion === true,
    window: scene.window === true,
    still: scene.still === true,
    onKey: scene.typing === true,
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
    entry: `${checkout.root}cli.ts`,
    cwd: checkout.root,
    args: serverArgs(encoder, scene.capture ?? "damage", checkout).args,
    // Not the test harness's ximagesrc: the capture named, or the revision's only one.
    ximagesrcUnlessTold: false,
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
    if (scene.typing) {
      await waitFor(
        "input channel",
        () => page.evaluate(() => document.activeElement?.tagName === "TEXTAREA"),
      );
    }
    await new Promise((r) => setTimeout(r, 3000)); // warm-up
    const helper = findHelper(server.pid);
    const cpu0 = cpuTicks(server.pid) + cpuTicks(helper);
    const threads0 = [threadTicks(server.pid), threadTicks(helper)];
    // The display times: requestVideoFrameCallback's expectedDisplayTime is a biased guess.
    await browser.browser.startTracing(page, { categories: DISPLAY_TRACE_CATEGORIES });
    const t0 = performance.now();
    const before = await read();
    const estimated0 = await estimates(server.url);
    if (scene.typing) {
      // Keys after uneven pauses, like typing with thought in between.
      const end = performance.now() + seconds * 1000;
      while (performance.now() < end - 1600) {
        await new Promise((r) => setTimeout(r, 400 + Math.random() * 1200));
        await page.keyboard.press("a", { delay: 50 }); // held like a keystroke, seen by the poll
      }
      await new Promise((r) => setTimeout(r, Math.max(0, end - performance.now())));
    } else await new Promise((r) => setTimeout(r, seconds * 1000));
    const after = await read();
    const estimated1 = await estimates(server.url);
    const cpu1 = cpuTicks(server.pid) + cpuTicks(helper);
    const elapsed = (performance.now() - t0) / 1000;
    const traced = await browser.browser.stopTracing();
    const keep = Deno.env.get("BENCH_TRACE"); // a file to keep the trace in, for a closer look
    if (keep) await Deno.writeFile(keep, traced);
    if (Deno.env.get("BENCH_THREADS")) {
      // deno-lint-ignore no-console
      console.error(
        `threads (ticks in ${elapsed.toFixed(1)} s): server ${
          busiestThreads(threads0[0]!, threadTicks(server.pid)).join(", ")
        }; helper ${busiestThreads(threads0[1]!, threadTicks(helper)).join(", ")}`,
      );
    }
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
    const frames = after.frames.slice(before.frames.length);
    const events = (JSON.parse(new TextDecoder().decode(traced)) as { traceEvents: TraceEvent[] })
      .traceEvents;
    const displayed = displayTimes(events, frames.map(([, presented]) => presented));
    const wrap = 2 ** CODE_BITS;
    const shownAfter: number[] = [];
    const show: number[] = [];
    frames.forEach(([code, , epoch, received], i) => {
      const at = displayed[i]!;
      if (Number.isNaN(at)) return;
      shownAfter.push((((epoch + at) % wrap) - code + wrap) % wrap);
      if (!Number.isNaN(received)) show.push(at - received);
    });
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
      latencyMedian: median(shownAfter),
      latencyP95: percentile(shownAfter, 95),
      guessMedian: median(latencies),
      samples: shownAfter.length,
      toReceiveMs: median(toReceive),
      showMs: median(show),
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
  guessMedian: NaN,
  samples: 0,
  firstFrameMs: NaN,
  cpuPercent: NaN,
  serverRssMb: NaN,
  helperRssMb: NaN,
  pssMb: NaN,
  toReceiveMs: NaN,
  showMs: NaN,
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

/** Each figure's median over `runs` (samples summed). */
function medianResult(runs: RunResult[]): RunResult {
  const pick = (f: (r: RunResult) => number) => median(runs.map(f));
  return {
    encoder: "",
    size: "",
    fps: pick((r) => r.fps),
    latencyMedian: pick((r) => r.latencyMedian),
    latencyP95: pick((r) => r.latencyP95),
    guessMedian: pick((r) => r.guessMedian),
    samples: runs.reduce((sum, r) => sum + r.samples, 0),
    firstFrameMs: pick((r) => r.firstFrameMs),
    cpuPercent: pick((r) => r.cpuPercent),
    serverRssMb: pick((r) => r.serverRssMb),
    helperRssMb: pick((r) => r.helperRssMb),
    pssMb: pick((r) => r.pssMb),
    toReceiveMs: pick((r) => r.toReceiveMs),
    showMs: pick((r) => r.showMs),
    jitterMs: pick((r) => r.jitterMs),
    decodeMs: pick((r) => r.decodeMs),
    processingMs: pick((r) => r.processingMs),
    estimateMs: pick((r) => r.estimateMs),
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      sizes: { type: "string", default: "1280x720,1920x1080" },
      runs: { type: "string", default: "3" },
      seconds: { type: "string", default: "10" },
      encoders: { type: "string", default: ENCODERS.filter((e) => e !== "nvh264enc").join(",") },
      baseline: { type: "string" },
      "baseline-dir": { type: "string" },
    },
  });
  const encoders = values.encoders!.split(",").map((e) => {
    if (!(ENCODERS as readonly string[]).includes(e)) throw new RangeError(`Unknown encoder ${e}`);
    return e as Encoder;
  });
  /** The table's figures: heading, field, decimals. */
  const columns: [string, keyof RunResult, number][] = [
    ["fps", "fps", 1],
    ["g2g med", "latencyMedian", 1],
    ["g2g p95", "latencyP95", 1],
    ["g2g guess", "guessMedian", 1],
    ["CPU %", "cpuPercent", 1],
    ["first ms", "firstFrameMs", 0],
    ["server MB", "serverRssMb", 0],
    ["helper MB", "helperRssMb", 0],
    ["to recv", "toReceiveMs", 1],
    ["jitbuf", "jitterMs", 1],
    ["decode", "decodeMs", 1],
    ["recv", "processingMs", 1],
    ["client est", "estimateMs", 1],
  ];
  const header = row(["encoder", "size", ...columns.map(([name]) => name)]);
  // deno-lint-ignore no-console
  const print = (s: string) => console.log(s);
  const n = (v: number, digits: number) => Number.isFinite(v) ? v.toFixed(digits) : "-";
  const format = (r: RunResult) =>
    row([r.encoder, r.size, ...columns.map(([, key, digits]) => n(r[key] as number, digits))]);
  /** Each figure of `a` over the same figure of `b`. */
  const ratio = (label: string, a: RunResult, b: RunResult) =>
    row([
      label,
      a.size,
      ...columns.map(([, key]) => n((a[key] as number) / (b[key] as number), 2)),
    ]);
  const how = await modes(encoders);
  const baseline = values.baseline === undefined && values["baseline-dir"] === undefined
    ? undefined
    : await baselineCheckout(values.baseline ?? "HEAD", values["baseline-dir"]);
  // The baseline first, then this checkout, one run of each in turn.
  const sides: { label: string; checkout: Checkout }[] = baseline
    ? [
      {
        label: baseline.commit,
        checkout: { root: baseline.root, flags: await cliFlags(baseline.root) },
      },
      { label: "tree", checkout: { root: ROOT } },
    ]
    : [{ label: "", checkout: { root: ROOT } }];
  print(
    `Skerry stream benchmark: 60 fps, ${values.seconds} s per run, ${values.runs} runs; ` +
      "latencies (g2g, to recv, jitbuf, decode, recv, client est) in ms, CPU in % of one core " +
      "(server + helper; gst-launch alone for encode-only rows)" +
      (baseline
        ? `; baseline ${baseline.commit} and this tree alternately, ratios tree/baseline`
        : ""),
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
    // Encoding alone involves no server: nothing to compare.
    const compared = mode === "stream" ? sides : sides.slice(-1);
    for (const size of values.sizes!.split(",")) {
      const [w, h] = size.split("x").map(Number) as [number, number];
      const runs = compared.map(() => [] as RunResult[]);
      const failed: string[] = [];
      const named = (label: string) => label ? `${encoder} ${label}` : encoder;
      for (let i = 0; i < Number(values.runs); i++) {
        for (const [k, side] of compared.entries()) {
          const outcome = await runOnce(
            w,
            h,
            Number(values.seconds),
            encoder,
            mode,
            {},
            side.checkout,
          )
            .catch((error) => ({ ok: false as const, reason: (error as Error).message }));
          if (outcome.ok) {
            runs[k]!.push(outcome.result);
            const r = { ...outcome.result, encoder: named(side.label) };
            print(`${format(r)}   (run ${i + 1}, ${r.samples} samples)`);
          } else {
            failed.push(outcome.reason);
            print(`${row([named(side.label), size])}   FAILED (run ${i + 1}): ${outcome.reason}`);
          }
        }
      }
      failures += failed.length;
      const note = mode === "encode-only" ? "   encode only (no RTP payloader here)" : "";
      const failedNote = failed.length
        ? `   FAILED ${failed.length}/${Number(values.runs) * compared.length}: ${failed[0]}`
        : "";
      if (runs.every((r) => r.length === 0)) {
        summary.push(`${row([encoder, size])}${failedNote}`);
        continue;
      }
      const medians = runs.map((rs) => ({ ...medianResult(rs), encoder, size }));
      for (const [k, side] of compared.entries()) {
        summary.push(format({ ...medians[k]!, encoder: named(side.label) }) + note + failedNote);
      }
      if (compared.length === 2) {
        summary.push(ratio("tree/base", medians[1]!, medians[0]!));
      }
    }
  }
  await baseline?.remove();
  print("\nMedians over runs:");
  print(header);
  for (const line of summary) print(line);
  if (failures > 0) {
    print(`\n${failures} run(s) FAILED`);
    Deno.exit(1);
  }
}

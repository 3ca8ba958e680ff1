/**
 * One measured run of bench/stream_bench.ts and bench/capture_bench.ts: a
 * fresh Xvfb with the time-code painter, a Skerry server (this checkout's or
 * a baseline's), headless Chromium reading the code back from every
 * presented frame, and the display times from a Chromium trace
 * (bench/_display_trace.ts).
 *
 * @module
 */

import { startClockPainter } from "./_painter.ts";
import { type PageBench, pageProbe, sincePainted } from "./_page_probe.ts";
import { startXvfb } from "../lib/display.ts";
import { AUTH, launchBrowser, ROOT, startServer, videoStats, waitFor } from "../test/_harness.ts";
import { commonFlags } from "./_help_flags.ts";
import type { Encoder } from "../lib/protocol/encoders.ts";
import { encodeOnly } from "./_encode_only.ts";
import { DISPLAY_TRACE_CATEGORIES, displayLatencies } from "./_display_trace.ts";
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
  /** Video bitrate received over the window, kbit/s. */
  kbps: number;
  /** Mean QP of the frames decoded over the window (Chromium's qpSum): lower is sharper. */
  qp: number;
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
export type Mode = "stream" | "encode-only" | "unavailable";

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

/** Short names of flags in a capture's `+` list (else the flag, `--` added). */
const EXTRAS: Record<string, string> = {
  mbinfo: "--x264-mb-info",
  x264enc: "--no-x264-mb-info",
};

/** The server flags of a run: those of `checkout` only (an older revision rejects newer ones). */
export function serverArgs(
  encoder: Encoder,
  capture: string,
  checkout?: Checkout,
): { args: string[]; dropped: string[] } {
  // "damage+x264enc": the damage capture encoded by x264enc (the default encodes with libx264).
  const [mode, ...extras] = capture.split("+");
  const wanted = [
    "--log-level=warning",
    "--framerate=60",
    `--encoder=${encoder}`,
    `--capture=${mode}`,
    ...extras.map((extra) => EXTRAS[extra] ?? `--${extra}`),
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
    const threads = Boolean(Deno.env.get("BENCH_THREADS"));
    const threads0 = threads ? [threadTicks(server.pid), threadTicks(helper)] : [];
    // The display times: requestVideoFrameCallback's expectedDisplayTime is a biased guess.
    await browser.browser.startTracing(page, { categories: DISPLAY_TRACE_CATEGORIES });
    const t0 = performance.now();
    const before = await read();
    const estimated0 = await estimates(server.url);
    const received0 = await videoStats(page);
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
    if (threads) {
      // deno-lint-ignore no-console
      console.error(
        `threads (ticks in ${elapsed.toFixed(1)} s): server ${
          busiestThreads(threads0[0]!, threadTicks(server.pid)).join(", ")
        }; helper ${busiestThreads(threads0[1]!, threadTicks(helper)).join(", ")}`,
      );
    }
    const frames = after.frames.slice(before.frames.length);
    if (frames.length === 0 && !scene.still) {
      // The picture never carried a readable time code: broken, not merely slow.
      return {
        ok: false,
        reason: `broken picture: no time code read in ${
          after.presented - before.presented
        } presented frames (${after.invalid - before.invalid} unreadable)`,
      };
    }
    const wrap = 2 ** CODE_BITS;
    const { latencies, show } = displayLatencies(traced, frames, wrap);
    const guesses = frames.map((f) => sincePainted(f, f.expectedDisplay, wrap));
    const toReceive = frames.filter((f) => !Number.isNaN(f.receive)).map((f) =>
      sincePainted(f, f.receive, wrap)
    );
    const received = await videoStats(page);
    const receiver = {
      // Chromium's means since the start (all frames), and the window's bitrate and QP.
      jitterMs: received.jitterBufferDelay / received.jitterBufferEmittedCount * 1000,
      decodeMs: received.totalDecodeTime / received.framesDecoded * 1000,
      processingMs: received.totalProcessingDelay / received.framesDecoded * 1000,
      kbps: (received.bytesReceived - received0.bytesReceived) * 8 / elapsed / 1000,
      qp: (received.qpSum - received0.qpSum) / (received.framesDecoded - received0.framesDecoded),
    };
    const result: RunResult = {
      encoder,
      size: `${width}x${height}`,
      fps: (after.presented - before.presented) / ((after.now - before.now) / 1000),
      latencyMedian: median(latencies),
      latencyP95: percentile(latencies, 95),
      guessMedian: median(guesses),
      samples: latencies.length,
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
  kbps: NaN,
  qp: NaN,
  estimateMs: NaN,
};

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

import { parseArgs } from "node:util";
import { ROOT } from "../test/_harness.ts";
import { baselineCheckout, cliFlags } from "./_baseline_checkout.ts";
import { probeElements } from "../lib/probe.ts";
import { type Encoder, ENCODERS } from "../lib/protocol/encoders.ts";
import { requiredElements } from "../pipelines/video.ts";
import { median } from "./_proc.ts";
import { type Checkout, type Mode, runOnce, type RunResult } from "./_stream_run.ts";

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
    kbps: pick((r) => r.kbps),
    qp: pick((r) => r.qp),
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

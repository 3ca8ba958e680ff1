/**
 * The capture modes side by side (`--capture`: damage, ximagesrc,
 * ximagesrc-damage) with bench/stream_bench.ts's measurements, in scenes:
 * `clock` (only the time-code block changes, the rest is still), `clock10`
 * (the block changes ten times a second), `window` (a 256x256 box moves
 * across the still screen every frame), `motion` (the whole screen scrolls
 * behind it) and `idle` (nothing changes: CPU and memory only, latency "-").
 * The modes run alternately, one run
 * of each in turn, so machine noise hits them alike; the summary gives each
 * mode's medians and its ratio to the first mode.
 *
 * A capture `damage+mbinfo` is the damage capture with `--x264-mb-info`
 * (libx264 told which macroblocks changed, helper/encode/).
 *
 * Run: `deno task bench:capture` (in a network namespace) or
 * `deno run -A bench/capture_bench.ts --sizes=1280x720 --scenes=clock,clock10,window,motion,idle
 * --captures=ximagesrc,damage,ximagesrc-damage --runs=3 --seconds=10`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type Encoder, ENCODERS } from "../lib/protocol/encoders.ts";
import { median } from "./_proc.ts";
import { runOnce, type RunResult, type Scene } from "./stream_bench.ts";

/** What each scene paints besides the time code. */
const SCENES: Record<string, Omit<Scene, "capture">> = {
  clock: {},
  clock10: { intervalMs: 100 },
  window: { window: true },
  motion: { motion: true },
  idle: { still: true },
};

const COLUMNS: [string, (r: RunResult) => number, number][] = [
  ["fps", (r) => r.fps, 1],
  ["g2g med", (r) => r.latencyMedian, 1],
  ["g2g p95", (r) => r.latencyP95, 1],
  ["CPU %", (r) => r.cpuPercent, 1],
  ["first ms", (r) => r.firstFrameMs, 0],
  ["server MB", (r) => r.serverRssMb, 0],
  ["helper MB", (r) => r.helperRssMb, 0],
  ["PSS MB", (r) => r.pssMb, 0],
  ["to recv", (r) => r.toReceiveMs, 1],
  ["jitbuf", (r) => r.jitterMs, 1],
];

/** `v` to `digits` places, or "-" when there is no figure (latency of the idle scene). */
function cell(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : "-";
}

function row(cells: (string | number)[]): string {
  return cells.map((c, i) => String(c).padStart(i === 0 ? 10 : i === 1 ? 24 : 10)).join(" ");
}

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
  if (!(ENCODERS as readonly string[]).includes(values.encoder!)) {
    throw new RangeError(`Unknown encoder ${values.encoder}`);
  }
  const encoder = values.encoder as Encoder;
  const captures = values.captures!.split(",");
  const scenes = values.scenes!.split(",");
  const unknown = scenes.find((name) => !(name in SCENES));
  if (unknown !== undefined) throw new RangeError(`Unknown scene ${unknown}`);
  const header = row(["size", "scene capture", ...COLUMNS.map(([name]) => name)]);
  const format = (size: string, what: string, r: RunResult) =>
    row([size, what, ...COLUMNS.map(([, get, digits]) => cell(get(r), digits))]);
  // deno-lint-ignore no-console
  const print = (s: string) => console.log(s);
  print(
    `Skerry capture benchmark: ${encoder}, 60 fps, ${values.seconds} s per run, ` +
      `${values.runs} runs of each capture in turn; ms, CPU in % of one core (server + helper)`,
  );
  print(header);
  const summary: string[] = [];
  for (const size of values.sizes!.split(",")) {
    const [w, h] = size.split("x").map(Number) as [number, number];
    for (const scene of scenes) {
      const runs = new Map<string, RunResult[]>(captures.map((c) => [c, []]));
      for (let i = 0; i < Number(values.runs); i++) {
        for (const capture of captures) {
          const what = `${scene} ${capture}`;
          const [mode = capture, flag] = capture.split("+");
          const outcome = await runOnce(w, h, Number(values.seconds), encoder, "stream", {
            ...SCENES[scene],
            capture: mode,
            ...(flag === "mbinfo" ? { flags: ["--x264-mb-info"] } : {}),
          }).catch((error) => ({ ok: false as const, reason: (error as Error).message }));
          if (!outcome.ok) {
            print(`${row([size, what])}   FAILED (run ${i + 1}): ${outcome.reason}`);
            continue;
          }
          runs.get(capture)!.push(outcome.result);
          print(`${format(size, what, outcome.result)}   (run ${i + 1})`);
        }
      }
      const medians = captures.map((capture) => {
        const all = runs.get(capture)!;
        return COLUMNS.map(([, get]) => all.length ? median(all.map(get)) : NaN);
      });
      captures.forEach((capture, c) => {
        const cells = medians[c]!.map((v, i) => cell(v, COLUMNS[i]![2]));
        summary.push(row([size, `${scene} ${capture}`, ...cells]));
        if (c === 0) return;
        summary.push(
          row(["", "ratio", ...medians[c]!.map((v, i) => cell(v / medians[0]![i]!, 2))]),
        );
      });
    }
  }
  print(`\nMedians over runs, and each capture's ratio to ${captures[0]}:`);
  print(header);
  for (const line of summary) print(line);
}

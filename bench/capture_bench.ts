/**
 * The capture side by side, with bench/stream_bench.ts's measurements, in
 * scenes: `clock` (only the time-code block changes, the rest is still),
 * `clock10` (the block changes ten times a second), `sparse` (the block
 * changes after a random pause of 0.4-1.6 s: typing with pauses, a caret, a
 * clock's second hand; each change meets a still screen), `typing` (the same
 * pauses, but the page presses a key and the painter repaints on it: the
 * capture hears of the key first), `window` (a 256x256 box
 * moves across the still screen every frame), `motion` (the whole screen
 * scrolls behind it) and `idle` (nothing changes: CPU and memory only,
 * latency "-").
 *
 * Two ways to compare:
 * - the capture modes of this checkout (`--captures=ximagesrc,damage,...`,
 *   the `--capture` flag's values); ratios to the first mode;
 * - `--baseline=REV`: that revision's server against this checkout's
 *   (`--captures`, default damage), ratios this checkout / baseline, since
 *   absolute figures move from machine to machine. Bare `--baseline` is
 *   7d9938c, the revision before issue 11 (no `--capture`: it reads the
 *   whole screen with `ximagesrc` every frame). The revision is checked out
 *   into a temporary git worktree and built (`--baseline-dir=DIR` uses an
 *   existing checkout); its server gets only the flags its `--help` lists,
 *   and `--capture` (when it has one) from `--baseline-capture`, else its
 *   own default. The painter, scenes and page probe are this checkout's
 *   for both sides.
 *
 * A capture written `damage+mbinfo` is the damage capture with
 * `--x264-mb-info` (libx264 told which macroblocks changed, helper/encode/).
 *
 * The sides run alternately, one run of each in turn (baseline first), so
 * machine noise hits them alike; the summary is a Markdown table of each
 * side's medians and each side's ratio to the first.
 *
 * Run: `deno task bench:capture` (in a network namespace), e.g.
 * `deno task bench:capture --sizes=1280x720 --scenes=clock,clock10,window,motion,idle
 * --captures=ximagesrc,damage --runs=3 --seconds=10`, or against the revision before
 * issue 11: `deno task bench:capture --baseline --sizes=1280x720 --runs=3 --seconds=8`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type Encoder, ENCODERS } from "../lib/protocol/encoders.ts";
import { ROOT, run } from "../test/_harness.ts";
import { type BaselineCheckout, baselineCheckout, cliFlags } from "./_baseline_checkout.ts";
import { median } from "./_proc.ts";
import { type Checkout, runOnce, type RunResult, type Scene, serverArgs } from "./_stream_run.ts";

/** The revision before issue 11 (the parent of the merge that brought the damage capture). */
const BEFORE_ISSUE_11 = "7d9938c";

/** What each scene paints besides the time code. */
const SCENES: Record<string, Omit<Scene, "capture">> = {
  clock: {},
  clock10: { intervalMs: 100 },
  sparse: { intervalMs: "400-1600" },
  typing: { typing: true },
  window: { window: true },
  motion: { motion: true },
  idle: { still: true },
};

const COLUMNS: [string, (r: RunResult) => number, number][] = [
  ["fps", (r) => r.fps, 1],
  ["g2g med", (r) => r.latencyMedian, 1],
  ["g2g p95", (r) => r.latencyP95, 1],
  ["g2g guess", (r) => r.guessMedian, 1],
  ["CPU %", (r) => r.cpuPercent, 1],
  ["first ms", (r) => r.firstFrameMs, 0],
  ["server MB", (r) => r.serverRssMb, 0],
  ["helper MB", (r) => r.helperRssMb, 0],
  ["PSS MB", (r) => r.pssMb, 0],
  ["to recv", (r) => r.toReceiveMs, 1],
  ["recv>show", (r) => r.showMs, 1],
  ["jitbuf", (r) => r.jitterMs, 1],
  ["kbit/s", (r) => r.kbps, 0],
  ["QP", (r) => r.qp, 1],
];

/** One column of the comparison: a checkout's server with one capture. */
interface Side {
  /** Short name in the tables, e.g. "7d9938c ximagesrc" or "tree damage". */
  label: string;
  /** The `--capture` value asked for (dropped for a revision without the flag). */
  capture: string;
  checkout: Checkout;
}

/** `v` to `digits` places, or "-" when there is no figure (latency of the idle scene). */
function cell(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : "-";
}

function row(cells: (string | number)[]): string {
  return cells.map((c, i) => String(c).padStart(i === 0 ? 10 : i === 1 ? 28 : 10)).join(" ");
}

function markdownRow(cells: string[]): string {
  return `| ${cells.join(" | ")} |`;
}

/** The load average, for the record: the benchmark machine is shared. */
async function load(): Promise<string> {
  return (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
}

/** The sides to compare: the baseline's (if any) first, then this checkout's captures. */
async function sides(
  captures: string[],
  encoder: Encoder,
  baseline: BaselineCheckout | undefined,
  baselineCapture: string | undefined,
): Promise<{ sides: Side[]; notes: string[] }> {
  const working = (await run("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"])).trim();
  const changed = (await run("git", ["-C", ROOT, "status", "--porcelain", "--untracked-files=no"]))
    .trim() !== "";
  const tree = (capture: string): Side => ({
    label: baseline ? `tree ${capture}` : capture,
    capture,
    checkout: { root: ROOT },
  });
  if (baseline === undefined) return { sides: captures.map(tree), notes: [] };
  const flags = await cliFlags(baseline.root);
  const known = flags.has("capture");
  const capture = baselineCapture ?? (known ? flags.get("capture")! : "ximagesrc");
  const checkout = { root: baseline.root, flags };
  const { dropped } = serverArgs(encoder, capture, checkout);
  const notes = [
    `tree: this checkout (${working}${changed ? " and uncommitted changes" : ""}); ` +
    `${baseline.commit}: the baseline revision (${baseline.root})`,
    known
      ? `baseline capture: --capture=${capture}`
      : `baseline ${baseline.commit} has no --capture: it reads the screen its only way ` +
        "(ximagesrc use-damage=false, the whole screen every frame)",
    ...(dropped.length ? [`flags the baseline does not know, left out: ${dropped.join(" ")}`] : []),
  ];
  if (!known && baselineCapture !== undefined && baselineCapture !== "ximagesrc") {
    throw new RangeError(`baseline ${baseline.commit} has no --capture=${baselineCapture}`);
  }
  const base: Side = { label: `${baseline.commit} ${capture}`, capture, checkout };
  return { sides: [base, ...captures.map(tree)], notes };
}

if (import.meta.main) {
  // Bare `--baseline` means the revision before issue 11.
  const args = Deno.args.map((a) => a === "--baseline" ? `--baseline=${BEFORE_ISSUE_11}` : a);
  const { values } = parseArgs({
    args,
    options: {
      sizes: { type: "string", default: "1280x720,1920x1080" },
      scenes: { type: "string", default: "clock,motion" },
      captures: { type: "string" },
      runs: { type: "string", default: "3" },
      seconds: { type: "string", default: "10" },
      encoder: { type: "string", default: "x264enc" },
      baseline: { type: "string" },
      "baseline-dir": { type: "string" },
      "baseline-capture": { type: "string" },
    },
  });
  if (!(ENCODERS as readonly string[]).includes(values.encoder!)) {
    throw new RangeError(`Unknown encoder ${values.encoder}`);
  }
  const encoder = values.encoder as Encoder;
  const scenes = values.scenes!.split(",");
  const unknown = scenes.find((name) => !(name in SCENES));
  if (unknown !== undefined) throw new RangeError(`Unknown scene ${unknown}`);
  const withBaseline = values.baseline !== undefined || values["baseline-dir"] !== undefined;
  const captures =
    (values.captures ?? (withBaseline ? "damage" : "ximagesrc,damage,ximagesrc-damage"))
      .split(",");
  // deno-lint-ignore no-console
  const print = (s: string) => console.log(s);
  // deno-lint-ignore no-console
  const note = (s: string) => console.error(s);
  let baseline: BaselineCheckout | undefined;
  if (withBaseline) {
    note(`preparing baseline ${values["baseline-dir"] ?? values.baseline}…`);
    baseline = await baselineCheckout(values.baseline ?? BEFORE_ISSUE_11, values["baseline-dir"]);
  }
  try {
    const compared = await sides(captures, encoder, baseline, values["baseline-capture"]);
    const all = compared.sides;
    const header = row(["size", "scene side", ...COLUMNS.map(([name]) => name)]);
    const format = (size: string, what: string, r: RunResult) =>
      row([size, what, ...COLUMNS.map(([, get, digits]) => cell(get(r), digits))]);
    print(
      `Skerry capture benchmark: ${encoder}, 60 fps, ${values.seconds} s per run, ` +
        `${values.runs} runs of each side in turn; ms, CPU in % of one core (server + helper); ` +
        `load average ${await load()}`,
    );
    for (const line of compared.notes) print(line);
    print(header);
    const summary: string[] = [];
    for (const size of values.sizes!.split(",")) {
      const [w, h] = size.split("x").map(Number) as [number, number];
      for (const scene of scenes) {
        const runs = all.map(() => [] as RunResult[]);
        for (let i = 0; i < Number(values.runs); i++) {
          for (const [k, side] of all.entries()) {
            const what = `${scene} ${side.label}`;
            const outcome = await runOnce(w, h, Number(values.seconds), encoder, "stream", {
              ...SCENES[scene],
              capture: side.capture,
            }, side.checkout).catch((error) => ({
              ok: false as const,
              reason: (error as Error).message,
            }));
            if (!outcome.ok) {
              print(`${row([size, what])}   FAILED (run ${i + 1}): ${outcome.reason}`);
              continue;
            }
            runs[k]!.push(outcome.result);
            print(`${format(size, what, outcome.result)}   (run ${i + 1})`);
          }
        }
        const medians = runs.map((rs) =>
          COLUMNS.map(([, get]) => rs.length ? median(rs.map(get)) : NaN)
        );
        all.forEach((side, k) => {
          const cells = medians[k]!.map((v, i) => cell(v, COLUMNS[i]![2]));
          summary.push(markdownRow([size, scene, side.label, `${runs[k]!.length}`, ...cells]));
          if (k === 0) return;
          summary.push(
            markdownRow([
              "",
              "",
              `ratio to ${all[0]!.label}`,
              "",
              ...medians[k]!.map((v, i) => cell(v / medians[0]![i]!, 2)),
            ]),
          );
        });
      }
    }
    print(
      `\nMedians over runs, and each side's ratio to ${
        all[0]!.label
      }; load average ${await load()}:\n`,
    );
    const names = ["size", "scene", "side", "runs", ...COLUMNS.map(([name]) => name)];
    print(markdownRow(names));
    print(
      markdownRow(names.map((n, i) => i < 3 ? "-".repeat(n.length) : `${"-".repeat(n.length)}:`)),
    );
    for (const line of summary) print(line);
  } finally {
    // Only a worktree made here is removed (not a --baseline-dir).
    await baseline?.remove();
  }
}

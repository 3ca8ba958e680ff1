/**
 * Memory and CPU of Skerry as a user starts it, streaming to one viewer,
 * against another revision in the same run: the PSS of every Deno process
 * the start command leaves running (a `deno task` wrapper, the server, its
 * helper), and their CPU, per scene.
 *
 * Each start is measured the way a user runs it: `tools/start` (the
 * README's command) and `deno task start` in this checkout, and `deno task
 * start` in the baseline checkout (bench/_baseline_checkout.ts), each on a
 * fresh Xvfb with bench/clock_painter.ts, streaming to one headless
 * Chromium. The starts run alternately, one run of each in turn, so
 * machine noise hits them alike; the summary gives medians and each one's
 * ratio to the first.
 *
 * PSS is `Pss:` of /proc/PID/smaps_rollup (pages shared between processes
 * split among them, so the Deno binary's pages shared by server and
 * helper count once between them); the measured starts run a private copy
 * of the Deno binary, so this benchmark's own Deno process takes no share
 * of it. CPU is utime+stime over the window, in % of one core.
 *
 * Run: `deno task bench:memory` or
 * `deno run -A bench/memory_bench.ts --baseline=main --scenes=clock,motion --runs=3 --seconds=8
 * --starts=baseline,script,task`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { startXvfb } from "../lib/display.ts";
import { readLines } from "../lib/read_lines.ts";
import { stopProcess } from "../lib/process.ts";
import { AUTH, launchBrowser, ROOT, run, videoStats, waitFor } from "../test/_harness.ts";
import { cmdlineOf, descendants } from "../test/_process_tree.ts";
import { startClockPainter } from "./_painter.ts";
import { baselineCheckout } from "./_baseline_checkout.ts";
import { cpuTicks, median, pssKiB, TICKS_PER_SECOND } from "./_proc.ts";

/** One start command to measure. */
interface Start {
  /** Label in the table. */
  name: string;
  /** Checkout root, with a trailing slash. */
  root: string;
  /** `tools/start` (exec, no wrapper) or `deno task start` (a wrapper). */
  via: "script" | "task";
}

/** One run's numbers. */
interface MemoryRun {
  /** PSS of every Deno process of the start, MB. */
  pssMb: number;
  wrapperMb: number;
  serverMb: number;
  helperMb: number;
  /** CPU of those processes, % of one core. */
  cpuPercent: number;
  /** Frames decoded per second by the viewer. */
  fps: number;
}

/** Which Deno process of a start `pid` is, from its command line. */
function roleOf(pid: number): "wrapper" | "server" | "helper" {
  const argv = cmdlineOf(pid).split("\0");
  if (argv.at(-2) === "helper") return "helper";
  return argv[1] === "task" ? "wrapper" : "server";
}

/**
 * A copy of this Deno binary in a directory of its own, for the measured
 * processes: PSS splits a page among every process that maps it, and this
 * benchmark, its painter and any other Deno on the machine map the same
 * binary as the server and helper, taking a share of its pages (6 idle
 * `deno eval` beside a start took 7 MB off its PSS). A copy is another file,
 * shared by the server and its helper only, as when a user runs Skerry.
 */
async function privateDeno(): Promise<{ dir: string; deno: string }> {
  const dir = await Deno.makeTempDir({ prefix: "skerry-memory-bench-" });
  const deno = `${dir}/deno`;
  await Deno.copyFile(Deno.execPath(), deno);
  await Deno.chmod(deno, 0o755);
  return { dir, deno };
}

/** Starts `start` on a fresh display, streams `scene` to one viewer and measures. */
async function runOnce(
  start: Start,
  o: { motion: boolean; seconds: number; deno: { dir: string; deno: string } },
): Promise<MemoryRun> {
  const { motion, seconds } = o;
  const display = await startXvfb({ width: 1280, height: 720 });
  const painter = await startClockPainter(display, { motion });
  const flags = [
    "--addr=127.0.0.1",
    "--port=0",
    "--ice-address=127.0.0.1",
    "--log-level=warning",
    "--framerate=60",
    "--encoder=x264enc",
  ];
  const child = new Deno.Command(
    start.via === "script" ? `${start.root}tools/start` : o.deno.deno,
    {
      args: start.via === "script" ? flags : ["task", "--quiet", "start", ...flags],
      cwd: start.root,
      env: {
        ...display.env,
        DISPLAY: display.name,
        // tools/start and deno task run `deno` from PATH: the private copy.
        PATH: `${o.deno.dir}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
        SKERRY_BASIC_AUTH_USER: AUTH.username,
        SKERRY_BASIC_AUTH_PASSWORD: AUTH.password,
      },
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    },
  ).spawn();
  const lines = readLines(child.stdout)[Symbol.asyncIterator]();
  const drain = async () => {
    for (let n = await lines.next(); !n.done; n = await lines.next()) { /* drain */ }
  };
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  try {
    let url = "";
    while (!url) {
      const next = await lines.next();
      if (next.done) throw new Error(`${start.name} ended before it printed its URL`);
      url = /open (http:\/\/[^ ]+\/)/.exec(next.value)?.[1] ?? "";
    }
    void drain();
    browser = await launchBrowser(url);
    const page = await browser.open(url);
    await waitFor("frames", async () => (await videoStats(page)).framesDecoded > 0, 30_000);
    await new Promise((r) => setTimeout(r, 3000)); // warm-up
    const pids = [child.pid, ...descendants(child.pid).map((p) => p.pid)]
      .filter((pid) => /(^|\/)deno$/.test(cmdlineOf(pid).split("\0")[0]!));
    const ticks0 = pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
    const frames0 = (await videoStats(page)).framesDecoded;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const frames1 = (await videoStats(page)).framesDecoded;
    const ticks1 = pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
    const elapsed = (performance.now() - t0) / 1000;
    const mb = { wrapper: 0, server: 0, helper: 0 };
    for (const pid of pids) mb[roleOf(pid)] += pssKiB(pid) / 1024;
    return {
      pssMb: mb.wrapper + mb.server + mb.helper,
      wrapperMb: mb.wrapper,
      serverMb: mb.server,
      helperMb: mb.helper,
      cpuPercent: (ticks1 - ticks0) / TICKS_PER_SECOND / elapsed * 100,
      fps: (frames1 - frames0) / elapsed,
    };
  } finally {
    await browser?.close();
    await stopProcess(child, { graceMs: 5000 });
    painter.kill("SIGTERM");
    await painter.status;
    await display.stop();
  }
}

const COLUMNS: [string, (r: MemoryRun) => number, number][] = [
  ["PSS MB", (r) => r.pssMb, 1],
  ["wrapper", (r) => r.wrapperMb, 1],
  ["server", (r) => r.serverMb, 1],
  ["helper", (r) => r.helperMb, 1],
  ["CPU %", (r) => r.cpuPercent, 1],
  ["fps", (r) => r.fps, 1],
  ["CPU/fps", (r) => r.cpuPercent / r.fps, 3],
];

function row(cells: (string | number)[]): string {
  return cells.map((c, i) => String(c).padStart(i === 0 ? 8 : i === 1 ? 30 : 9)).join(" ");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      baseline: { type: "string", default: "main" },
      "baseline-dir": { type: "string" },
      scenes: { type: "string", default: "clock,motion" },
      /** Which starts to run: `baseline` (its deno task start), `script` (tools/start), `task`. */
      starts: { type: "string", default: "baseline,script,task" },
      runs: { type: "string", default: "3" },
      seconds: { type: "string", default: "8" },
    },
  });
  const baseline = await baselineCheckout(values.baseline!, values["baseline-dir"]);
  const here = (await run("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"])).trim();
  const known: Record<string, Start> = {
    baseline: {
      name: `baseline ${baseline.commit} deno task start`,
      root: baseline.root,
      via: "task",
    },
    script: { name: `this tree tools/start`, root: ROOT, via: "script" },
    task: { name: `this tree deno task start`, root: ROOT, via: "task" },
  };
  const starts = values.starts!.split(",").map((name) => {
    if (!(name in known)) throw new RangeError(`Unknown start ${name}`);
    return known[name]!;
  });
  // deno-lint-ignore no-console
  const print = (s: string) => console.log(s);
  print(
    `Skerry memory benchmark: 1280x720, x264enc, 60 fps, one viewer, ${values.seconds} s per ` +
      `run, ${values.runs} runs of each start in turn (this tree at ` +
      `${here}); PSS in MB, CPU in % of one core`,
  );
  const header = row(["scene", "start", ...COLUMNS.map(([name]) => name)]);
  print(header);
  const summary: string[] = [];
  const deno = await privateDeno();
  try {
    for (const scene of values.scenes!.split(",")) {
      if (scene !== "clock" && scene !== "motion") throw new RangeError(`Unknown scene ${scene}`);
      const runs = new Map<string, MemoryRun[]>(starts.map((s) => [s.name, []]));
      for (let i = 0; i < Number(values.runs); i++) {
        for (const start of starts) {
          try {
            const r = await runOnce(start, {
              motion: scene === "motion",
              seconds: Number(values.seconds),
              deno,
            });
            runs.get(start.name)!.push(r);
            const cells = COLUMNS.map(([, get, digits]) => get(r).toFixed(digits));
            print(`${row([scene, start.name, ...cells])}   (run ${i + 1})`);
          } catch (error) {
            print(
              `${row([scene, start.name])}   FAILED (run ${i + 1}): ${(error as Error).message}`,
            );
          }
        }
      }
      const medians = starts.map((s) =>
        COLUMNS.map(([, get]) => median(runs.get(s.name)!.map(get)))
      );
      starts.forEach((start, i) => {
        summary.push(row([
          scene,
          start.name,
          ...medians[i]!.map((v, c) => Number.isFinite(v) ? v.toFixed(COLUMNS[c]![2]) : "-"),
        ]));
        if (i === 0) return;
        summary.push(row([
          "",
          "ratio to the first",
          ...medians[i]!.map((v, c) => {
            const ratio = v / medians[0]![c]!;
            return Number.isFinite(ratio) ? ratio.toFixed(2) : "-";
          }),
        ]));
      });
    }
  } finally {
    await Deno.remove(deno.dir, { recursive: true });
    await baseline.remove();
  }
  print(`\nMedians over runs, and each start's ratio to the first (${starts[0]!.name}):`);
  print(header);
  for (const line of summary) print(line);
}

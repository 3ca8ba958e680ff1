/**
 * How well the picture survives a lossy path, this checkout against an
 * earlier revision, side by side; prints a table.
 *
 * Method: a real Xvfb shows moving test bars (every frame changes) under the
 * painted clock of `clock_painter.ts`; a Skerry server streams it to headless
 * Chromium through a UDP relay of the benchmark's own (test/_udp_relay.ts,
 * since this kernel has no `tc netem`). Once the page shows clean pictures,
 * the relay drops and delays packets both ways for `--seconds`; the page's
 * frame probe (test/_frame_probe.ts) times every clean new picture (a valid,
 * newer time code) and Chromium's `getStats()` counts freezes, NACKs and
 * retransmitted bytes. A gap is the time between clean new pictures, the
 * window's start and end included (a picture frozen to the end counts).
 *
 * The baseline (`--baseline=REV`, default d870df9: main before NACK/RTX,
 * coalesced keyframes and congestion control) is checked out into a
 * temporary git worktree, built, and its own `cli.ts` started; the page
 * side (relay script, probe) is this checkout's for both. Runs alternate
 * (this, baseline, this, baseline…) so machine noise hits both alike.
 *
 * Run: `deno task bench:heal` (in a network namespace) or
 * `deno run -A bench/heal_bench.ts --runs=3 --scenarios=loss5,loss2 --baseline=d870df9`.
 * `--baseline-dir=DIR` uses an existing checkout of the baseline instead.
 *
 * @module
 */

import { inbound } from "../test/_inbound.ts";
import { startClockPainter } from "./_painter.ts";
import { parseArgs } from "node:util";
import { startXvfb } from "../lib/display.ts";
import { pollUntil } from "../lib/poll.ts";
import { CLOCK_LAYOUT, frameProbe, readFrameProbe } from "../test/_frame_probe.ts";
import { launchBrowser, ROOT, run, startServer } from "../test/_harness.ts";
import { type Impairment, relayInitScript, UdpRelay } from "../test/_udp_relay.ts";
import { baselineCheckout } from "./_baseline_checkout.ts";
import { median } from "./_proc.ts";

/** An impaired path and the screen streamed over it. */
interface Scenario {
  name: string;
  width: number;
  height: number;
  /** Each way (helper to browser and back). */
  link: Impairment;
}

const SCENARIOS: Scenario[] = [
  { name: "loss5", width: 1280, height: 720, link: { loss: 0.05, delayMs: 50 } },
  { name: "loss2", width: 1280, height: 720, link: { loss: 0.02, delayMs: 20 } },
  { name: "loss2-1080p", width: 1920, height: 1080, link: { loss: 0.02, delayMs: 20 } },
];

/** One run's numbers. */
interface Result {
  /** Clean new pictures per second. */
  cleanFps: number;
  /** Longest gap between clean new pictures, ms. */
  longestGapMs: number;
  /** Gaps of 500 ms or more. */
  gapsOver500: number;
  /** Chromium's freezeCount over the window. */
  freezes: number;
  /** NACKs Chromium sent. */
  nacks: number;
  /** Retransmitted bytes Chromium received, KiB. */
  rtxKiB: number;
  /** What arrived, kbit/s. */
  kbps: number;
  /** Packets the relay dropped towards the browser. */
  dropped: number;
}

const METRICS: { key: keyof Result; label: string; digits: number }[] = [
  { key: "cleanFps", label: "clean/s", digits: 1 },
  { key: "longestGapMs", label: "max gap ms", digits: 0 },
  { key: "gapsOver500", label: "gaps>500", digits: 0 },
  { key: "freezes", label: "freezes", digits: 0 },
  { key: "nacks", label: "NACKs", digits: 0 },
  { key: "rtxKiB", label: "RTX KiB", digits: 0 },
  { key: "kbps", label: "kbit/s", digits: 0 },
  { key: "dropped", label: "dropped", digits: 0 },
];

/** Gaps between clean new pictures in [from, to], the window's edges included. */
function gaps(clean: number[], from: number, to: number): number[] {
  const times = [from, ...clean.filter((t) => t > from && t <= to), to];
  return times.slice(1).map((t, i) => t - times[i]!);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One run: the server of checkout `root` streams `scenario`'s screen through the relay. */
async function runOnce(
  root: string,
  scenario: Scenario,
  options: { seconds: number; framerate: number; bitrateKbps: number },
): Promise<Result> {
  const { width, height } = scenario;
  const display = await startXvfb({ width, height });
  const bars = new Deno.Command("gst-launch-1.0", {
    args: [
      "-q",
      "videotestsrc",
      "pattern=smpte",
      "horizontal-speed=8",
      "!",
      `video/x-raw,width=${width},height=${height},framerate=30/1`,
      "!",
      "ximagesink",
      `display=${display.name}`,
    ],
    env: display.env,
    stdout: "null",
    stderr: "null",
  }).spawn();
  let painter: Deno.ChildProcess | undefined;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let relay: UdpRelay | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  try {
    // The clock goes on top: it is mapped once the bars' window is (no window manager here).
    const barsWindow = new RegExp(` ${width}x${height}\\+0\\+0 `);
    await pollUntil(
      async () => barsWindow.test(await run("xwininfo", ["-root", "-children"], display.env)),
      { what: "the bars' window", timeoutMs: 10_000 },
    );
    painter = await startClockPainter(display, { intervalMs: 10 });
    server = await startServer({
      display,
      entry: `${root}cli.ts`,
      cwd: root,
      args: [
        "--log-level=warning",
        `--framerate=${options.framerate}`,
        `--video-bitrate=${options.bitrateKbps}`,
      ],
    });
    relay = await UdpRelay.start();
    browser = await launchBrowser(server.url);
    const { script, arg } = relayInitScript(relay);
    await browser.context.addInitScript(script, arg);
    await browser.context.addInitScript(frameProbe, CLOCK_LAYOUT);
    const page = await browser.open(server.url);
    await pollUntil(async () => (await readFrameProbe(page)).clean.length > 30, {
      what: "clean pictures through the relay",
      timeoutMs: 30_000,
    });
    if (!relay.carrying) throw new Error("the session bypassed the relay");

    const before = await inbound(page);
    const dropped0 = relay.counters().down.lost;
    relay.impair({ down: scenario.link, up: scenario.link });
    const from = (await readFrameProbe(page)).now;
    await sleep(options.seconds * 1000);
    const probe = await readFrameProbe(page);
    const after = await inbound(page);
    relay.impair({});
    const all = gaps(probe.clean, from, probe.now);
    const elapsed = (probe.now - from) / 1000;
    return {
      cleanFps: (all.length - 1) / elapsed,
      longestGapMs: Math.max(...all),
      gapsOver500: all.filter((g) => g >= 500).length,
      freezes: after.freezeCount - before.freezeCount,
      nacks: after.nackCount - before.nackCount,
      rtxKiB: (after.retransmittedBytesReceived - before.retransmittedBytesReceived) / 1024,
      kbps: ((after.bytesReceived - before.bytesReceived) * 8) /
        (after.timestamp - before.timestamp),
      dropped: relay.counters().down.lost - dropped0,
    };
  } finally {
    relay?.close();
    await browser?.close();
    await server?.stop();
    painter?.kill();
    await painter?.status;
    bars.kill();
    await bars.status;
    await display.stop();
  }
}

// deno-lint-ignore no-console
const print = (s: string) => console.log(s);
// deno-lint-ignore no-console
const note = (s: string) => console.error(s);

function fmt(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : "-";
}

function row(cells: string[]): string {
  return cells.map((c, i) => i < 2 ? c.padEnd(i === 0 ? 12 : 16) : c.padStart(11)).join(" ");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      baseline: { type: "string", default: "d870df9" },
      "baseline-dir": { type: "string" },
      runs: { type: "string", default: "3" },
      seconds: { type: "string", default: "10" },
      scenarios: { type: "string", default: SCENARIOS.map((s) => s.name).join(",") },
      framerate: { type: "string", default: "30" },
      bitrate: { type: "string", default: "4000" },
    },
  });
  const scenarios = values.scenarios!.split(",").map((name) => {
    const s = SCENARIOS.find((x) => x.name === name);
    if (!s) throw new RangeError(`Unknown scenario ${name} (${SCENARIOS.map((x) => x.name)})`);
    return s;
  });
  const runs = Number(values.runs);
  const options = {
    seconds: Number(values.seconds),
    framerate: Number(values.framerate),
    bitrateKbps: Number(values.bitrate),
  };
  const working = (await run("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"])).trim();
  note(`preparing baseline ${values["baseline-dir"] ?? values.baseline}…`);
  const baseline = await baselineCheckout(values.baseline!, values["baseline-dir"]);
  const sides = [
    { label: `working ${working}`, root: ROOT },
    { label: `baseline ${baseline.commit}`, root: baseline.root },
  ];
  let failed = false;
  try {
    print(
      `x264enc, ${options.framerate} fps, ${options.bitrateKbps} kbit/s ceiling; ` +
        `${options.seconds} s impaired per run, loss and delay each way`,
    );
    print(row(["scenario", "revision", ...METRICS.map((m) => m.label)]));
    for (const scenario of scenarios) {
      const results = sides.map(() => [] as Result[]);
      for (let i = 0; i < runs; i++) {
        for (const [k, side] of sides.entries()) {
          try {
            const r = await runOnce(side.root, scenario, options);
            results[k]!.push(r);
            print(row([
              scenario.name,
              `${side.label} #${i + 1}`,
              ...METRICS.map((m) => fmt(r[m.key], m.digits)),
            ]));
          } catch (error) {
            failed = true;
            print(row([scenario.name, `${side.label} #${i + 1}`, `failed: ${error}`]));
          }
        }
      }
      const medians = results.map((rs) => METRICS.map((m) => median(rs.map((r) => r[m.key]))));
      for (const [k, side] of sides.entries()) {
        print(row([
          scenario.name,
          `${side.label} median`,
          ...medians[k]!.map((v, j) => fmt(v, METRICS[j]!.digits)),
        ]));
      }
      print(row([
        scenario.name,
        "working/baseline",
        ...medians[0]!.map((v, j) => {
          const b = medians[1]![j]!;
          return b === 0 ? (v === 0 ? "=" : "inf") : `${(v / b).toFixed(2)}x`;
        }),
      ]));
    }
  } finally {
    await baseline.remove();
  }
  if (failed) Deno.exit(1);
}

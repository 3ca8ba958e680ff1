/**
 * Measures the desktop's sound end to end and prints a table: the latency
 * from the embedded desktop's PulseAudio to Chromium's decoded audio, for
 * each Opus frame duration (`--audio-frame-ms`) and each jitter-buffer
 * choice (Skerry's `jitterBufferTarget = 0`, or the browser's own default).
 *
 * Method: `audiotestsrc wave=ticks` plays a 100 ms 440 Hz tick every 500 ms
 * into the desktop's null sink. A `parec` on the sink's monitor (5 ms
 * fragments) timestamps each tick's first sample: the reference, the same
 * monitor Skerry's `pulsesrc` captures. In headless Chromium (same machine,
 * same wall clock) a WebAudio analyser on the `<audio>` element's stream is
 * read every few ms and timestamps each tick's onset. Latency is browser
 * onset minus reference onset: capture, encode, network, jitter buffer and
 * decode, without the sound card (±5 ms: the analyser's window and polling).
 * Chromium's own `jitterBufferDelay / jitterBufferEmittedCount` is printed
 * beside it.
 *
 * Run: `deno task bench:audio` (in a network namespace) or
 * `deno run -A bench/audio_bench.ts --frames=10,20 --ticks=20`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import { DESKTOP_SINK } from "../lib/pulseaudio.ts";
import { launchBrowser, startServer, type TestServer } from "../test/_harness.ts";
import { median, percentile } from "./_proc.ts";

const RATE = 48000;
/** A tick is a loud sample above this (full scale 1). */
const LOUD = 0.05;
/** Quiet this long before a loud sample makes it a new tick's onset, in ms. */
const QUIET_MS = 200;

interface AudioStats {
  packets: number;
  /** Mean audio jitter-buffer delay, ms. */
  jitterBufferMs: number;
  /** Mean of the jitter buffer's minimum delay (lip sync, target), ms. */
  minimumMs: number;
  /** Mean video jitter-buffer delay, ms. */
  videoJitterBufferMs: number;
}

interface RunResult {
  frameMs: number;
  jitter: string;
  samples: number;
  medianMs: number;
  p95Ms: number;
  jitterBufferMs: number;
  minimumMs: number;
  videoJitterBufferMs: number;
}

/** Wall-clock time in ms with sub-ms resolution (the page uses the same). */
const now = () => performance.timeOrigin + performance.now();

/** The sound server address the server logged. */
function pulseServerOf(server: TestServer): string {
  const match = server.stderr.join("\n").match(/unix:\/tmp\/skerry-pulse-[0-9a-f]+\/native/);
  if (!match) throw new Error("the server started no PulseAudio (is pulseaudio installed?)");
  return match[0];
}

/** Records the monitor and pushes the wall-clock time of every tick's first sample. */
function referenceOnsets(server: string, onsets: number[]): { stop(): Promise<void> } {
  const child = new Deno.Command("parec", {
    args: [
      `--device=${DESKTOP_SINK}.monitor`,
      "--raw",
      "--format=s16le",
      "--channels=1",
      `--rate=${RATE}`,
      "--latency-msec=5",
    ],
    env: { PULSE_SERVER: server },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let lastLoud = -Infinity;
  let carry = new Uint8Array(0);
  const reading = (async () => {
    for await (const chunk of child.stdout) {
      const arrived = now();
      const bytes = new Uint8Array(carry.length + chunk.length);
      bytes.set(carry);
      bytes.set(chunk, carry.length);
      const n = Math.floor(bytes.length / 2);
      carry = bytes.slice(n * 2);
      const samples = new Int16Array(bytes.buffer, 0, n);
      for (let i = 0; i < n; i++) {
        if (Math.abs(samples[i]!) / 32768 < LOUD) continue;
        const at = arrived - ((n - i) * 1000) / RATE;
        if (at - lastLoud > QUIET_MS) onsets.push(at);
        lastLoud = at;
      }
    }
  })();
  return {
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await reading.catch(() => {});
    },
  };
}

/** Starts the page's onset detector on the `<audio>` element's stream. */
function installDetector(page: Page, quietMs: number, loud: number): Promise<void> {
  return page.evaluate(([quietMs, loud]) => {
    const audio = document.querySelector("audio")!;
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    // 128 samples: 2.7 ms of audio per read.
    analyser.fftSize = 128;
    ctx.createMediaStreamSource(audio.srcObject as MediaStream).connect(analyser);
    const data = new Float32Array(analyser.fftSize);
    const onsets: number[] = [];
    let lastLoud = -Infinity;
    setInterval(() => {
      const t = performance.timeOrigin + performance.now();
      analyser.getFloatTimeDomainData(data);
      if (!data.some((v) => Math.abs(v) >= loud)) return;
      if (t - lastLoud > quietMs) onsets.push(t);
      lastLoud = t;
    }, 2);
    (window as unknown as { __onsets: number[] }).__onsets = onsets;
  }, [quietMs, loud] as const);
}

/** Chromium's mean jitter-buffer delay of the audio, in ms, and the packets received. */
function audioStats(page: Page): Promise<AudioStats> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const out = { packets: 0, jitterBufferMs: NaN, minimumMs: NaN, videoJitterBufferMs: NaN };
    const mean = (s: Record<string, unknown>, name: string) => {
      const emitted = (s.jitterBufferEmittedCount as number) ?? 0;
      return emitted > 0 ? ((s[name] as number) / emitted) * 1000 : NaN;
    };
    (await pcs[pcs.length - 1]?.getStats())?.forEach((s: Record<string, unknown>) => {
      if (s.type !== "inbound-rtp") return;
      if (s.kind === "video") {
        out.videoJitterBufferMs = mean(s, "jitterBufferDelay");
        return;
      }
      out.packets = (s.packetsReceived as number) ?? 0;
      out.jitterBufferMs = mean(s, "jitterBufferDelay");
      // Chromium: the floor its jitter buffer keeps (lip sync with the video raises it).
      out.minimumMs = mean(s, "jitterBufferMinimumDelay");
    });
    return out;
  });
}

/** Pairs each browser onset with the latest reference onset before it; the differences in ms. */
function pair(reference: number[], browser: number[]): number[] {
  const out: number[] = [];
  for (const b of browser) {
    const r = reference.filter((t) => t <= b && b - t < 400).at(-1);
    if (r !== undefined) out.push(b - r);
  }
  return out;
}

async function run(frameMs: number, jitter: "0" | "default", ticks: number): Promise<RunResult> {
  const server = await startServer({ args: [`--audio-frame-ms=${frameMs}`] });
  const browser = await launchBrowser(server.url);
  let tone: Deno.ChildProcess | undefined;
  let reference: { stop(): Promise<void> } | undefined;
  try {
    const pulse = pulseServerOf(server);
    const page = await browser.open(server.url);
    const deadline = Date.now() + 30_000;
    while ((await audioStats(page)).packets < 20) {
      if (Date.now() > deadline) throw new Error("no audio reached the browser");
      await new Promise((r) => setTimeout(r, 100));
    }
    if (jitter === "default") {
      // Undo the client's target: the browser's own adaptive jitter buffer.
      await page.evaluate(() => {
        const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
        for (const r of pcs.at(-1)!.getReceivers()) {
          if (r.track.kind === "audio") {
            (r as RTCRtpReceiver & { jitterBufferTarget: number | null }).jitterBufferTarget = null;
          }
        }
      });
    }
    await installDetector(page, QUIET_MS, LOUD);
    const refOnsets: number[] = [];
    reference = referenceOnsets(pulse, refOnsets);
    tone = new Deno.Command("gst-launch-1.0", {
      args: [
        "-q",
        ..."audiotestsrc is-live=true wave=ticks freq=440 sine-periods-per-tick=44 tick-interval=500000000 volume=0.5 ! pulsesink"
          .split(" "),
      ],
      env: { PULSE_SERVER: pulse },
      stdout: "null",
      stderr: "null",
    }).spawn();
    let browserOnsets: number[] = [];
    const until = Date.now() + ticks * 500 + 15_000;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      browserOnsets = await page.evaluate(() =>
        (window as unknown as { __onsets: number[] }).__onsets.slice()
      );
      if (browserOnsets.length > ticks && refOnsets.length > ticks) break;
    }
    const after = await audioStats(page);
    // The first tick may be cut by the sink's start: it is left out.
    const latencies = pair(refOnsets, browserOnsets).slice(1, ticks + 1);
    return {
      frameMs,
      jitter: jitter === "0" ? "target 0 (Skerry)" : "browser default",
      samples: latencies.length,
      medianMs: median(latencies),
      p95Ms: percentile(latencies, 95),
      jitterBufferMs: after.jitterBufferMs,
      minimumMs: after.minimumMs,
      videoJitterBufferMs: after.videoJitterBufferMs,
    };
  } finally {
    tone?.kill("SIGTERM");
    await tone?.status;
    await reference?.stop();
    await browser.close();
    await server.stop();
  }
}

const { values } = parseArgs({
  options: {
    frames: { type: "string", default: "10,20" },
    ticks: { type: "string", default: "20" },
  },
});
const results: RunResult[] = [];
for (const frameMs of values.frames!.split(",").map(Number)) {
  for (const jitter of ["0", "default"] as const) {
    results.push(await run(frameMs, jitter, Number(values.ticks)));
  }
}
const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "—");
// deno-lint-ignore no-console
console.log(
  [
    "| Opus frame | jitter buffer | ticks | latency median ms | p95 ms | audio jitter buffer ms (minimum) | video jitter buffer ms |",
    "| ---------- | ------------- | ----- | ----------------- | ------ | -------------------------------- | ---------------------- |",
    ...results.map((r) =>
      `| ${r.frameMs} ms | ${r.jitter} | ${r.samples} | ${f(r.medianMs)} | ${f(r.p95Ms)} | ${
        f(r.jitterBufferMs)
      } (${f(r.minimumMs)}) | ${f(r.videoJitterBufferMs)} |`
    ),
  ].join("\n"),
);

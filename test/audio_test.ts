/**
 * Sound end to end: the embedded desktop's own PulseAudio, a tone played
 * into it reaching real headless Chromium (levels, stereo), the Unmute
 * button under Chromium's autoplay policy, the menu's live audio switch, a microphone going the other way
 * into the "Skerry microphone" source, and no audio m-line when sound is
 * off or PulseAudio is unreachable.
 */

import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { startXvfb } from "../lib/display.ts";
import { pollUntil } from "../lib/poll.ts";
import { MICROPHONE_SOURCE } from "../lib/pulseaudio.ts";
import { launchBrowser, signallingSocket, startServer, type TestServer } from "./_harness.ts";

/** The inbound audio of the page's newest peer connection. */
interface AudioIn {
  packets: number;
  level: number;
}

function audioIn(page: Page): Promise<AudioIn> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const out = { packets: 0, level: -1 };
    (await pcs[pcs.length - 1]?.getStats())?.forEach((s: Record<string, unknown>) => {
      if (s.type !== "inbound-rtp" || s.kind !== "audio") return;
      out.packets = (s.packetsReceived as number) ?? 0;
      out.level = (s.audioLevel as number) ?? -1;
    });
    return out;
  });
}

/** Root-mean-square level of each channel of the `<audio>` element's stream, through WebAudio. */
function installChannelMeter(page: Page): Promise<void> {
  return page.evaluate(() => {
    const audio = document.querySelector("audio")!;
    const ctx = new AudioContext();
    const split = ctx.createChannelSplitter(2);
    ctx.createMediaStreamSource(audio.srcObject as MediaStream).connect(split);
    const analysers = [0, 1].map((i) => {
      const a = ctx.createAnalyser();
      split.connect(a, i);
      return a;
    });
    (window as unknown as { __levels: () => number[] }).__levels = () =>
      analysers.map((a) => {
        const d = new Float32Array(a.fftSize);
        a.getFloatTimeDomainData(d);
        return Math.sqrt(d.reduce((sum, v) => sum + v * v, 0) / d.length);
      });
  });
}

function channelLevels(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { __levels: () => number[] }).__levels());
}

/** Plays a 440 Hz tone into PulseAudio `server`, on the left channel only. */
function playLeftTone(server: string): Deno.ChildProcess {
  return new Deno.Command("gst-launch-1.0", {
    args: [
      "-q",
      ..."audiotestsrc is-live=true freq=440 volume=0.5 ! audioconvert ! audiopanorama panorama=-1 ! pulsesink"
        .split(" "),
    ],
    env: { PULSE_SERVER: server },
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** RMS of `ms` of 16-bit mono audio recorded from PulseAudio source `source`. */
async function recordRms(server: string, source: string, ms: number): Promise<number> {
  const child = new Deno.Command("parec", {
    args: [
      `--device=${source}`,
      "--raw",
      "--format=s16le",
      "--channels=1",
      "--rate=48000",
      "--latency-msec=20",
    ],
    env: { PULSE_SERVER: server },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const wanted = (48000 * 2 * ms) / 1000;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = child.stdout.getReader();
  while (size < wanted) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel();
  child.kill("SIGTERM");
  await child.status;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) bytes.set(c, (offset += c.length) - c.length);
  const samples = new Int16Array(bytes.buffer, 0, Math.floor(size / 2));
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length)) / 32768;
}

/** Pids of processes whose environment has `NAME=value`, with their command names. */
function processesWith(entry: string): { pid: number; comm: string }[] {
  const out: { pid: number; comm: string }[] = [];
  for (const dir of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(dir.name)) continue;
    try {
      const env = Deno.readTextFileSync(`/proc/${dir.name}/environ`).split("\0");
      if (!env.includes(entry)) continue;
      out.push({
        pid: Number(dir.name),
        comm: Deno.readTextFileSync(`/proc/${dir.name}/comm`).trim(),
      });
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

/** Pids of `pulseaudio` processes whose command line mentions `text`. */
function pulseaudioWith(text: string): number[] {
  const out: number[] = [];
  for (const dir of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(dir.name)) continue;
    try {
      const cmd = Deno.readTextFileSync(`/proc/${dir.name}/cmdline`).split("\0");
      if (cmd.some((a) => a.endsWith("pulseaudio")) && cmd.some((a) => a.includes(text))) {
        out.push(Number(dir.name));
      }
    } catch {
      // gone
    }
  }
  return out;
}

/** The sound server address the server logged. */
function pulseServerOf(server: TestServer): string {
  const match = server.stderr.join("\n").match(/unix:(\/tmp\/skerry-pulse-[0-9a-f]+)\/native/);
  assert.ok(match, "the server logs its PulseAudio address");
  return match[0];
}

Deno.test({
  name: "skerry demo streams the desktop's sound and takes a viewer's microphone",
  async fn(t) {
    const server = await startServer({ args: ["--enable-microphone"] });
    // Chromium's own default autoplay policy (the harness turns it off), and a fake microphone (a beep).
    const browser = await launchBrowser(server.url, {
      args: [
        "--autoplay-policy=document-user-activation-required",
        "--use-fake-device-for-media-stream",
      ],
    });
    const pulse = pulseServerOf(server);
    const dir = pulse.slice("unix:".length, -"/native".length);
    let tone: Deno.ChildProcess | undefined;
    try {
      await t.step("the embedded desktop has its own PulseAudio, given to its programs", () => {
        assert.equal(pulseaudioWith(dir).length, 1);
        const users = processesWith(`PULSE_SERVER=${pulse}`).map((p) => p.comm);
        for (const program of ["xterm", "icewm"]) assert.ok(users.includes(program), users.join());
      });

      const page = await browser.open(server.url);
      await t.step(
        "the sound starts muted under the autoplay policy; one click unmutes",
        async () => {
          // Nothing touches the page until it has answered (and so called play()): each of
          // Playwright's calls into a page counts as a user gesture for the autoplay policy.
          await pollUntil(() => server.stderr.some((l) => /Peer p\d+ is connected/.test(l)), {
            what: "the browser's answer",
            timeoutMs: 20_000,
          });
          const unmute = page.locator("button.unmute");
          await unmute.waitFor({ timeout: 20_000 });
          assert.deepEqual(await page.evaluate(() => document.querySelector("audio")!.muted), true);
          const box = (await unmute.boundingBox())!;
          await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
          await unmute.waitFor({ state: "detached", timeout: 5000 });
          await pollUntil(
            () =>
              page.evaluate(() =>
                !document.querySelector("audio")!.muted && !document.querySelector("audio")!.paused
              ),
            { what: "unmuted, playing audio", timeoutMs: 5000 },
          );
        },
      );

      await t.step("silence arrives as packets at a level of about zero", async () => {
        const quiet = await pollUntil(async () => {
          const a = await audioIn(page);
          return a.packets > 50 && a.level >= 0 && a.level < 0.001 ? a : null;
        }, { what: "silent audio packets", timeoutMs: 20_000 });
        assert.ok(quiet.packets > 50);
      });

      await t.step("a 440 Hz tone played into PulseAudio reaches Chromium, in stereo", async () => {
        await installChannelMeter(page);
        const before = await audioIn(page);
        tone = playLeftTone(pulse);
        const loud = await pollUntil(async () => {
          const a = await audioIn(page);
          return a.level > 0.1 ? a : null;
        }, { what: "a loud audio level", timeoutMs: 10_000 });
        assert.ok(loud.packets > before.packets);
        // Left only: decoded as stereo, the right channel stays silent.
        const [left, right] = await pollUntil(async () => {
          const levels = await channelLevels(page);
          return levels[0]! > 0.05 ? levels : null;
        }, { what: "the left channel", timeoutMs: 10_000 });
        assert.ok(right! < left! / 20, `left ${left}, right ${right}`);
        tone.kill("SIGTERM");
        await tone.status;
        tone = undefined;
        await pollUntil(async () => (await audioIn(page)).level < 0.001, {
          what: "silence again",
          timeoutMs: 10_000,
        });
      });

      await t.step(
        "the menu's audio switch silences the sound and brings it back, live",
        async () => {
          tone = playLeftTone(pulse);
          const loud = async () => (await audioIn(page)).level > 0.1;
          await pollUntil(loud, { what: "the tone", timeoutMs: 10_000 });
          const pc = await page.evaluate(() =>
            (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.length
          );
          // Shortcuts need the input channel; the menu's switches need the server's settings.
          await pollUntil(
            () =>
              page.evaluate(() =>
                (globalThis as unknown as { __channels: RTCDataChannel[] }).__channels.some((
                  c,
                ) => c.readyState === "open")
              ),
            { what: "the input channel", timeoutMs: 10_000 },
          );
          // Keys go to the client's hidden textarea (focused on a press on the video).
          await page.focus("textarea");
          await page.keyboard.press("Control+Shift+M");
          await page.waitForSelector("aside.menu", { timeout: 5000 });
          const audioSwitch = page.locator('input[name="audio"]:not([disabled])');
          await audioSwitch.uncheck({ timeout: 10_000 });
          await pollUntil(async () => (await audioIn(page)).level < 0.001, {
            what: "silence with the audio switched off",
            timeoutMs: 10_000,
          });
          await audioSwitch.check();
          await pollUntil(loud, { what: "the tone again", timeoutMs: 10_000 });
          await page.keyboard.press("Control+Shift+M");
          // The same connection throughout: no new negotiation.
          assert.equal(
            await page.evaluate(() =>
              (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.length
            ),
            pc,
          );
          tone.kill("SIGTERM");
          await tone.status;
          tone = undefined;
        },
      );

      await t.step(
        "the viewer's microphone is recorded from the Skerry microphone source",
        async () => {
          assert.ok(await recordRms(pulse, MICROPHONE_SOURCE, 300) < 0.001, "silent before");
          const button = page.locator("button.microphone");
          const box = (await button.boundingBox())!;
          await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
          await page.locator("button.microphone.on").waitFor({ timeout: 10_000 });
          await pollUntil(async () => await recordRms(pulse, MICROPHONE_SOURCE, 300) > 0.01, {
            what: "the fake microphone's beep in PulseAudio",
            timeoutMs: 15_000,
          });
          assert.ok(server.stderr.some((l) => /Microphone held by p\d+/.test(l)));
        },
      );
    } finally {
      tone?.kill("SIGTERM");
      await tone?.status;
      await browser.close();
      await server.stop();
    }
    assert.deepEqual(pulseaudioWith(dir), [], "no PulseAudio left after stop");
    assert.throws(() => Deno.statSync(dir), Deno.errors.NotFound);
  },
});

/** The first offer a signalling client gets from `server`. */
async function firstOffer(server: TestServer): Promise<string> {
  const ws = await signallingSocket(server);
  try {
    const offer = Promise.withResolvers<string>();
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.type === "offer") offer.resolve(m.sdp);
    };
    ws.send(JSON.stringify({ type: "hello", protocol: 1 }));
    return await offer.promise;
  } finally {
    ws.close();
  }
}

Deno.test("skerry offers no audio m-line with --no-enable-audio, nor when PulseAudio is unreachable", async () => {
  const display = await startXvfb({ width: 320, height: 240 });
  try {
    for (
      const [args, env] of [
        [["--no-enable-audio"], {}],
        [[], { PULSE_SERVER: "unix:/nonexistent/skerry-test/native" }],
      ] as const
    ) {
      const server = await startServer({ display, args: [...args], env: { ...env } });
      try {
        const sdp = await firstOffer(server);
        assert.match(sdp, /^m=video /m);
        assert.doesNotMatch(sdp, /^m=audio /m);
        const warnings = server.stderr.filter((l) =>
          /Sound is off: PulseAudio is not reachable/.test(l)
        );
        assert.equal(warnings.length, args.length === 0 ? 1 : 0, server.stderr.join("\n"));
      } finally {
        await server.stop();
      }
    }
  } finally {
    await display.stop();
  }
});

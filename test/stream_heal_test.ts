/**
 * A stream that heals and adapts, end to end with real parts: a real Xvfb
 * showing moving test bars and a painted clock, the real server and helper,
 * headless Debian Chromium, and between them an impaired network path of
 * the test's own (test/_udp_relay.ts: this kernel has no `tc netem`).
 *
 * One server and one browser go through the steps in order:
 * 1. 5 % loss and 100 ms delay: the picture keeps updating (no clean new
 *    picture waits 500 ms or more) and losses are repaired by NACK and RTX;
 * 2. the path capped below the bitrate: the congestion controller brings the
 *    encoder's bitrate under the cap; lifted: the bitrate recovers;
 * 3. the statistics overlay (Ctrl+Shift+.) shows the stream's figures;
 * 4. live settings from the menu: a new frame rate and bitrate show in the
 *    browser's statistics within 3 s on the same peer connection, and
 *    `--json-config` remembers them.
 *
 * Test-only switch: none. The impairment is outside Skerry, in the relay.
 */

import { type Inbound, inbound } from "./_inbound.ts";
import { startClockPainter } from "../bench/_painter.ts";
import assert from "node:assert/strict";
import { startXvfb } from "../lib/display.ts";
import { pollUntil } from "../lib/poll.ts";
import { cleanGaps, CLOCK_LAYOUT, frameProbe, readFrameProbe } from "./_frame_probe.ts";
import { AUTH, launchBrowser, run, startServer } from "./_harness.ts";
import { relayInitScript, UdpRelay } from "./_udp_relay.ts";

/** The ceiling; x264 sends about 80 % of it on moving bars. */
const BITRATE_KBPS = 2000;
/** The cap of step 2, well under what the stream sends. */
const CAP_KBPS = 800;

/** Receive rate (kbit/s) and decoded frame rate between two readings. */
function rates(a: Inbound, b: Inbound): { kbps: number; fps: number } {
  const seconds = (b.timestamp - a.timestamp) / 1000;
  return {
    kbps: ((b.bytesReceived - a.bytesReceived) * 8) / 1000 / seconds,
    fps: (b.framesDecoded - a.framesDecoded) / seconds,
  };
}

/** One series of the server's /metrics (the only viewer's). */
async function metric(url: string, name: string): Promise<number> {
  const res = await fetch(`${url}metrics`, {
    headers: { Authorization: `Basic ${btoa(`${AUTH.username}:${AUTH.password}`)}` },
  });
  const text = await res.text();
  return Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test({
  name: "skerry heals a lossy path, fits a capped one, and takes live settings",
  async fn(t) {
    const display = await startXvfb({ width: 640, height: 480 });
    // Moving bars under the clock: every frame changes, so a frozen picture shows.
    const bars = new Deno.Command("gst-launch-1.0", {
      args: [
        "-q",
        "videotestsrc",
        "pattern=smpte",
        "horizontal-speed=8",
        "!",
        "video/x-raw,width=640,height=480,framerate=30/1",
        "!",
        "ximagesink",
        `display=${display.name}`,
      ],
      env: display.env,
      stdout: "null",
      stderr: "null",
    }).spawn();
    // The clock goes on top: it is mapped once the bars' window is (no window manager here).
    await pollUntil(
      async () =>
        / 640x480\+0\+0 /.test(await run("xwininfo", ["-root", "-children"], display.env)),
      {
        what: "the bars' window",
        timeoutMs: 10_000,
      },
    );
    // Mapped on top of the bars once started.
    const painter = await startClockPainter(display, { intervalMs: 10 });
    const settingsDir = await Deno.makeTempDir();
    const settingsFile = `${settingsDir}/settings.json`;
    const server = await startServer({
      display,
      args: [
        `--video-bitrate=${BITRATE_KBPS}`,
        "--framerate=30",
        `--json-config=${settingsFile}`,
        // The default capture, as users get it (live frame rate included).
        "--capture=damage",
      ],
    });
    const relay = await UdpRelay.start();
    const browser = await launchBrowser(server.url);
    try {
      const { script, arg } = relayInitScript(relay);
      await browser.context.addInitScript(script, arg);
      await browser.context.addInitScript(frameProbe, CLOCK_LAYOUT);
      const page = await browser.open(server.url);
      await pollUntil(async () => (await readFrameProbe(page)).clean.length > 30, {
        what: "clean pictures through the relay",
        timeoutMs: 20_000,
      });
      assert.ok(relay.carrying, "the session goes through the relay");

      await t.step(
        "5 % loss, 100 ms delay: repaired by NACK/RTX, no picture broken for long",
        async () => {
          const before = await inbound(page);
          const relayBefore = relay.counters().down;
          relay.impair({ down: { loss: 0.05, delayMs: 100 } });
          const from = (await readFrameProbe(page)).now;
          await sleep(8000);
          const probe = await readFrameProbe(page);
          const after = await inbound(page);
          relay.impair({});
          const gaps = cleanGaps(probe, from);
          const lost = relay.counters().down.lost - relayBefore.lost;
          const summary = `longest gaps ${gaps.slice(0, 3).map(Math.round)} ms, ${gaps.length} ` +
            `pictures, ${lost} packets dropped, nacks ${after.nackCount - before.nackCount}, ` +
            `rtx ${after.retransmittedPacketsReceived - before.retransmittedPacketsReceived}, ` +
            `freezes ${after.freezeCount - before.freezeCount}`;
          assert.ok(lost > 20, summary);
          assert.ok(gaps.length >= 8 * 5, `fewer than 5 clean pictures a second: ${summary}`);
          // Repaired within a round trip or two: no picture waits for a keyframe (Chromium asks
          // after 3 s; before NACK/RTX this path froze for 4-6 s, bench/heal_bench.ts). At most one
          // gap may pass 500 ms: a retransmission lost as well costs another round trip, and on
          // the shared 2-core machine the decoder may wait for CPU; never one over a second.
          assert.ok(gaps.filter((g) => g >= 500).length <= 1, summary);
          assert.ok(gaps[0]! < 1000, summary);
          assert.ok(after.nackCount > before.nackCount, summary);
          assert.ok(
            after.retransmittedPacketsReceived > before.retransmittedPacketsReceived,
            summary,
          );
          assert.ok(after.retransmittedBytesReceived > before.retransmittedBytesReceived, summary);
          assert.equal(after.pcs, before.pcs, "the same peer connection");
          assert.ok(await metric(server.url, "skerry_viewer_retransmitted_packets_total") > 0);
        },
      );

      await t.step(
        "a capped path: the bitrate goes under the cap, and back up when lifted",
        async () => {
          relay.impair({ down: { rateKbps: CAP_KBPS, queueMs: 100 } });
          const encoderKbps = async () =>
            (await metric(server.url, "skerry_viewer_encoder_bitrate_bits_per_second")) / 1000;
          await pollUntil(async () => (await encoderKbps()) <= CAP_KBPS, {
            what: `the encoder under ${CAP_KBPS} kbit/s`,
            timeoutMs: 15_000,
          });
          // Settled: over the next seconds what arrives stays under the cap.
          await sleep(2000);
          const a = await inbound(page);
          const samples: number[] = [];
          for (let i = 0; i < 8; i++) {
            await sleep(500);
            samples.push(await encoderKbps());
          }
          const b = await inbound(page);
          const mean = samples.reduce((x, y) => x + y, 0) / samples.length;
          const received = rates(a, b).kbps;
          // The target probes above the cap now and then, as GCC's does, and may rise to 1.5x
          // what the stream really sends when the picture needs less than the cap (nothing
          // shows the path takes more); what arrives is what must fit.
          assert.ok(mean <= CAP_KBPS * 1.5, `encoder ${samples.map(Math.round)} kbit/s`);
          assert.ok(received <= CAP_KBPS * 1.05, `received ${Math.round(received)} kbit/s`);
          relay.impair({});
          await pollUntil(async () => (await encoderKbps()) >= CAP_KBPS * 1.5, {
            what: `the encoder back over ${CAP_KBPS * 1.5} kbit/s`,
            timeoutMs: 30_000,
          });
        },
      );

      await t.step("the statistics overlay shows the stream's figures", async () => {
        await page.keyboard.press("Control+Shift+Period");
        const figure = (key: string) => page.textContent(`.stats-overlay [data-figure=${key}]`);
        await page.waitForSelector(".stats-overlay [data-figure=codec]");
        assert.equal(await figure("codec"), "H264");
        assert.equal(await figure("resolution"), "640x480");
        // prflx when the relay's first checks arrive before the trickled candidate they match.
        assert.match((await figure("connection"))!, /^(direct \(host\)|through NAT \(prflx\))$/);
        assert.match((await figure("fps"))!, /^\d+ fps$/);
        assert.match((await figure("rtt"))!, /^\d+ ms$/);
        await page.keyboard.press("Control+Shift+Period");
        await page.waitForSelector(".stats-overlay", { state: "detached" });
      });

      await t.step(
        "live frame rate and bitrate from the menu show within 3 s, same connection",
        async () => {
          await page.keyboard.press("Control+Shift+M");
          await page.waitForSelector("select[name=framerate]:not([disabled])");
          const pcs = (await inbound(page)).pcs;
          /** Waits until the browser's last second satisfies `check`; returns ms since `start`. */
          const until = async (
            what: string,
            check: (r: { kbps: number; fps: number }) => boolean,
          ) => {
            const start = performance.now();
            let previous = await inbound(page);
            const history = [previous];
            await pollUntil(async () => {
              const now = await inbound(page);
              history.push(now);
              // Over the last second or so of readings.
              while (history.length > 2 && now.timestamp - history[1]!.timestamp >= 1000) {
                history.shift();
              }
              previous = history[0]!;
              return now.timestamp - previous.timestamp >= 900 && check(rates(previous, now));
            }, { what, timeoutMs: 6000, intervalMs: 200 });
            return performance.now() - start;
          };
          await page.selectOption("select[name=framerate]", "10");
          const fpsMs = await until("10 fps in the browser", (r) => r.fps <= 12);
          await page.selectOption("select[name=videoBitrate]", "500");
          const kbpsMs = await until("500 kbit/s in the browser", (r) => r.kbps <= 600);
          assert.ok(fpsMs <= 3000, `10 fps after ${Math.round(fpsMs)} ms`);
          assert.ok(kbpsMs <= 3000, `500 kbit/s after ${Math.round(kbpsMs)} ms`);
          await page.selectOption("select[name=framerate]", "30");
          const backMs = await until("30 fps again", (r) => r.fps >= 24);
          assert.ok(backMs <= 3000, `30 fps after ${Math.round(backMs)} ms`);
          assert.equal((await inbound(page)).pcs, pcs, "no new peer connection");
          // The audio switch round-trips through the server (this helper has no audio to turn).
          await page.click("input[name=audio]");
          await page.waitForSelector("input[name=audio]:not(:checked)");
          assert.deepEqual(JSON.parse(await Deno.readTextFile(settingsFile)), {
            framerate: 30,
            video_bitrate: 500,
          });
        },
      );
    } finally {
      relay.close();
      await browser.close();
      await server.stop();
      bars.kill();
      await bars.status;
      painter.kill();
      await painter.status;
      await display.stop();
      await Deno.remove(settingsDir, { recursive: true });
    }
  },
});

/**
 * End to end, real parts only: a real Xvfb, the real server process on a free
 * port, real GStreamer in the real helper, and headless Debian Chromium
 * receiving real WebRTC over loopback.
 */

import assert from "node:assert/strict";
import { startXvfb, type VirtualDisplay } from "../lib/display.ts";
import { pollUntil } from "../lib/poll.ts";
import {
  childPids,
  commandLine,
  launchBrowser,
  near,
  run,
  signallingSocket,
  startServer,
  videoPixel,
  videoStats,
} from "./_harness.ts";

const WIDTH = 1024;
const HEIGHT = 768;

/** Paints the X root window one solid colour (no windows on this Xvfb). */
function paintRoot(display: VirtualDisplay, color: string): Promise<string> {
  return run("xsetroot", ["-solid", color], display.env);
}

Deno.test({
  name: "skerry streams the X display to Chromium: frames, size, pixels, faults",
  async fn(t) {
    const display = await startXvfb({ width: WIDTH, height: HEIGHT });
    const server = await startServer({ display });
    const browser = await launchBrowser(server.url);
    try {
      const page = await browser.open(server.url);

      await t.step("decoded frames keep increasing at the X screen size", async () => {
        const first = await pollUntil(async () => {
          const s = await videoStats(page);
          return s.framesDecoded > 0 ? s : null;
        }, { what: "the first frame", timeoutMs: 15_000 });
        assert.equal(first.codec, "video/H264");
        const later = await pollUntil(async () => {
          const s = await videoStats(page);
          return s.framesDecoded - first.framesDecoded >= 30 ? s : null;
        }, { what: "30 more frames", timeoutMs: 10_000 });
        assert.equal(later.frameWidth, WIDTH);
        assert.equal(later.frameHeight, HEIGHT);
      });

      await t.step("a colour painted on the X display shows up in the video", async () => {
        for (
          const [name, rgb] of [["#d03020", [0xd0, 0x30, 0x20]], ["#2060e0", [
            0x20,
            0x60,
            0xe0,
          ]]] as const
        ) {
          await paintRoot(display, name);
          await pollUntil(async () => {
            // Away from the centre, where the X pointer sits.
            const pixel = await videoPixel(page, WIDTH / 4, HEIGHT / 4);
            return near(pixel, [...rgb], 16) ? pixel : null;
          }, { what: `${name} in the video`, timeoutMs: 5000 });
        }
      });

      await t.step("kill -9 of the helper: frames come back, same server process", async () => {
        const helpers = childPids(server.pid).filter((p) => commandLine(p).includes(" helper"));
        assert.equal(helpers.length, 1, `helpers: ${helpers.map(commandLine).join(" / ")}`);
        const before = await videoStats(page);
        Deno.kill(helpers[0]!, "SIGKILL");
        const after = await pollUntil(async () => {
          const s = await videoStats(page);
          return s.connections > before.connections && s.framesDecoded > 10 ? s : null;
        }, { what: "frames on a new connection", timeoutMs: 10_000 });
        assert.equal(after.frameWidth, WIDTH);
        assert.ok(server.alive(), "the server process died");
        const newHelpers = childPids(server.pid).filter((p) => commandLine(p).includes(" helper"));
        assert.equal(newHelpers.length, 1);
        assert.notEqual(newHelpers[0], helpers[0]);
        await page.waitForSelector('.status[data-phase="live"]', { timeout: 5000 });
      });

      await t.step(
        "a malformed signalling message gets an error, the connection goes on",
        async () => {
          const ws = await signallingSocket(server);
          const messages: Record<string, unknown>[] = [];
          ws.onmessage = (e) => messages.push(JSON.parse(e.data));
          ws.send("{not json");
          ws.send(JSON.stringify({ type: "hello", protocol: 1 }));
          await pollUntil(() => messages.find((m) => m.type === "welcome"), {
            what: "welcome",
            timeoutMs: 5000,
          });
          assert.deepEqual(messages[0], {
            type: "error",
            code: "bad-message",
            message: "Cannot parse message: not JSON",
          });
          assert.equal(ws.readyState, WebSocket.OPEN);
          ws.close();
          const health = await fetch(`${server.url}healthz`);
          assert.equal(await health.text(), "ok");
          // The browser's stream was never disturbed by the bad client.
          const s1 = await videoStats(page);
          await pollUntil(async () => (await videoStats(page)).framesDecoded > s1.framesDecoded, {
            what: `frames after ${s1.framesDecoded}`,
            timeoutMs: 2000,
          });
        },
      );

      await t.step("viewers joining and leaving never stall the others", async () => {
        for (let i = 0; i < 12; i++) {
          // Each socket is a viewer whose branch is added, offered, and removed again.
          const ws = await signallingSocket(server);
          const offered = Promise.withResolvers<void>();
          ws.onmessage = (e) => JSON.parse(e.data).type === "offer" && offered.resolve();
          ws.send(JSON.stringify({ type: "hello", protocol: 1 }));
          await offered.promise;
          ws.close();
        }
        // 20 frames within a second: the steady viewer never stalled.
        const s1 = await videoStats(page);
        await pollUntil(
          async () => (await videoStats(page)).framesDecoded - s1.framesDecoded >= 20,
          { what: `20 frames after ${s1.framesDecoded} within 1 s`, timeoutMs: 1000 },
        );
      });

      await t.step("the WebSocket refuses a connection without credentials", async () => {
        const res = await fetch(`${server.url}ws`);
        assert.equal(res.status, 401);
        await res.body?.cancel();
      });
    } finally {
      await browser.close();
      const status = await server.stop();
      assert.equal(status.code, 0, server.stderr.slice(-10).join("\n"));
      await display.stop();
    }
  },
});

Deno.test("skerry without an X display prints one line and exits 1", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-all",
      new URL("../cli.ts", import.meta.url).pathname,
      "serve",
      "--port=0",
    ],
    env: { DISPLAY: ":4242", SKERRY_BASIC_AUTH_PASSWORD: "x-y-z-secret" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr).trim();
  assert.equal(out.code, 1);
  assert.equal(stderr.split("\n").length, 1, stderr);
  assert.match(stderr, /^skerry: Cannot open X display ":4242"/);
  assert.doesNotMatch(stderr, /x-y-z-secret|\s{4}at /);
});

Deno.test("skerry with a bad flag prints one line and exits 2", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-all",
      new URL("../cli.ts", import.meta.url).pathname,
      "--framerate=fast",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  assert.equal(
    new TextDecoder().decode(out.stderr),
    'skerry: Cannot parse --framerate: value must be an integer 1-240, received "fast". Run "skerry --help" for usage.\n',
  );
});

Deno.test({
  name: "the page reconnects by itself when the server restarts",
  async fn() {
    const display = await startXvfb({ width: 640, height: 480 });
    // A fixed free port, so the second server is where the page left the first.
    const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = probe.addr.port;
    probe.close();
    let server = await startServer({ display, args: [`--port=${port}`] });
    const browser = await launchBrowser(server.url);
    try {
      const page = await browser.open(server.url);
      await pollUntil(async () => (await videoStats(page)).framesDecoded > 10, {
        what: "frames",
        timeoutMs: 15_000,
      });
      await server.stop();
      await page.waitForSelector('.status[data-phase="reconnecting"]', { timeout: 5000 });
      server = await startServer({ display, args: [`--port=${port}`] });
      const after = await pollUntil(async () => {
        const s = await videoStats(page);
        return s.connections >= 2 && s.framesDecoded > 10 ? s : null;
      }, { what: "frames from the new server", timeoutMs: 20_000 });
      assert.equal(after.frameWidth, 640);
      await page.waitForSelector('.status[data-phase="live"]', { timeout: 5000 });
    } finally {
      await browser.close();
      await server.stop();
      await display.stop();
    }
  },
});

/**
 * Debian's Firefox ESR, which decodes VP8, VP9 and AV1 but not H.264 offline
 * (its OpenH264 plugin is a download): with the default settings it plays (the
 * server picks a codec it decodes); with H.264 only it reads a sentence
 * saying why, never a GStreamer structure. One Firefox for every step.
 */

import assert from "node:assert/strict";
import { startXvfb } from "../lib/display.ts";
import { pollUntil } from "../lib/poll.ts";
import {
  firefoxNetwork,
  firefoxUnavailable,
  firefoxVideoStats,
  launchFirefox,
  VETH_ADDRESS,
} from "./_firefox.ts";
import { startServer } from "./_harness.ts";

const skip = firefoxUnavailable();
/** libnice uses only the addresses it is given: the veth's, which Firefox can reach. */
const ICE = `--ice-address=${VETH_ADDRESS}`;

Deno.test({
  name: "Firefox ESR plays with the default settings and is told in words when it cannot",
  ignore: skip !== null,
  async fn(t) {
    const removeNetwork = await firefoxNetwork();
    const display = await startXvfb({ width: 640, height: 480 });
    const firefox = await launchFirefox();
    try {
      await t.step("default settings: the server picks VP8; VP9 plays too", async () => {
        const server = await startServer({ display, args: ["--framerate=30", ICE] });
        try {
          const page = await firefox.open(server.url);
          const first = await pollUntil(async () => {
            const s = await firefoxVideoStats(page);
            return s.framesDecoded > 0 ? s : null;
          }, { what: "Firefox's first decoded frame", timeoutMs: 30_000 });
          assert.equal(first.codec, "video/VP8");
          await pollUntil(
            async () => (await firefoxVideoStats(page)).framesDecoded >= first.framesDecoded + 10,
            { what: "10 more frames in Firefox", timeoutMs: 15_000 },
          );
          assert.ok(
            server.stderr.some((l) =>
              l.includes("gets vp8enc") && l.includes("the browser does not decode H.264")
            ),
            "the server logs why it chose VP8",
          );
          // VP9 plays too, switched live from the menu (Ctrl+Shift+M, once input is connected).
          await pollUntil(
            () =>
              page.evaluate(() =>
                (globalThis as unknown as { __channels: RTCDataChannel[] }).__channels.some((c) =>
                  c.readyState === "open"
                )
              ),
            { what: "Firefox's input channel", timeoutMs: 10_000 },
          );
          // Keys go to the client's hidden text field, which has the focus once input connects.
          await page.focus("textarea");
          await page.keyboard.down("Control");
          await page.keyboard.down("Shift");
          await page.keyboard.press("KeyM");
          await page.keyboard.up("Shift");
          await page.keyboard.up("Control");
          await page.waitForSelector("aside.menu select[name=encoder]", { timeout: 5000 });
          const options = await page.$$eval(
            "aside.menu select[name=encoder] option",
            (list) => list.map((o) => (o as HTMLOptionElement).value),
          );
          assert.deepEqual(options, ["vp8enc", "vp9enc"]);
          await page.select("aside.menu select[name=encoder]", "vp9enc");
          const vp9 = await pollUntil(async () => {
            const s = await firefoxVideoStats(page);
            return s.connections === 2 && s.codec === "video/VP9" && s.framesDecoded > 10
              ? s
              : null;
          }, { what: "VP9 frames in Firefox", timeoutMs: 20_000 });
          assert.equal(vp9.codec, "video/VP9");
          await page.close();
        } finally {
          await server.stop();
        }
      });

      await t.step("H.264 only, no fallback: the page says why in a sentence", async () => {
        const server = await startServer({
          display,
          args: ["--encoder=x264enc", "--fallback-encoders=none", ICE],
        });
        try {
          const page = await firefox.open(server.url);
          const status = await page.waitForSelector('.status[data-phase="error"]', {
            timeout: 15_000,
          });
          const text = await status!.evaluate((e) => e.textContent);
          assert.equal(
            text,
            "Error: Your browser cannot decode any video format this server offers (H.264); try Chrome, or ask the administrator to enable VP8.",
          );
          assert.equal((await firefoxVideoStats(page)).connections, 0, "no stream was offered");
          assert.ok(server.stderr.some((l) => l.includes("gets no video")));
          await page.close();
        } finally {
          await server.stop();
        }
      });
    } finally {
      await firefox.close();
      await display.stop();
      await removeNetwork();
    }
  },
});

/**
 * Every software encoder in real headless Chromium, switched live from the
 * client's menu on one server: each decodes frames and `getStats()` names the
 * codec asked for, without a page reload; two viewers on two codecs are two
 * encode tiers at once. (Firefox: test/firefox_test.ts.)
 */

import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { startXvfb } from "../lib/display.ts";
import { pollUntil } from "../lib/poll.ts";
import { codecOf, type Encoder } from "../lib/protocol/encoders.ts";
import { launchBrowser, startServer, videoStats } from "./_harness.ts";

/** Waits until the page's newest connection (after `connections`) decodes `encoder`'s codec. */
async function decodes(page: Page, encoder: Encoder, connections: number) {
  const mime = `video/${codecOf(encoder)}`;
  const first = await pollUntil(async () => {
    const s = await videoStats(page);
    return s.connections > connections && s.codec === mime && s.framesDecoded > 0 ? s : null;
  }, { what: `${encoder}: frames in ${mime}`, timeoutMs: 20_000 });
  // Frames keep coming: the decoder plays the stream, not just its first keyframe.
  return await pollUntil(async () => {
    const s = await videoStats(page);
    return s.connections === first.connections && s.framesDecoded >= first.framesDecoded + 10
      ? s
      : null;
  }, { what: `${encoder}: 10 more frames`, timeoutMs: 15_000 });
}

Deno.test({
  name: "each encoder plays in Chromium, switched live from the menu; two codecs are two tiers",
  async fn(t) {
    const display = await startXvfb({ width: 640, height: 480 });
    const server = await startServer({ display, args: ["--framerate=30"] });
    const browser = await launchBrowser(server.url);
    try {
      const page = await browser.open(server.url);
      // Survives a switch only if the page is never reloaded.
      await page.evaluate(() => (globalThis as unknown as { __mark: number }).__mark = 42);

      await t.step("x264enc by default: Chromium decodes H.264", async () => {
        const s = await decodes(page, "x264enc", 0);
        assert.equal(s.frameWidth, 640);
        assert.ok(
          server.stderr.some((l) =>
            l.includes("gets x264enc") && l.includes("the browser decodes H.264")
          ),
        );
      });

      await t.step("the menu lists the encoders offered here that Chromium decodes", async () => {
        await pollUntil(() => page.evaluate(() => globalThis.__channels?.length > 0), {
          what: "the input channel",
          timeoutMs: 10_000,
        });
        await page.keyboard.press("Control+Shift+M");
        const select = await page.waitForSelector("aside.menu select[name=encoder]", {
          timeout: 5000,
        });
        // av1enc: GStreamer 1.22 has no AV1 RTP payloader, so it is not offered here.
        assert.deepEqual(
          await select.evaluate((s) => [...(s as HTMLSelectElement).options].map((o) => o.value)),
          ["x264enc", "vp8enc", "openh264enc", "vp9enc"],
        );
        assert.equal(await select.inputValue(), "x264enc");
      });

      for (const encoder of ["openh264enc", "vp8enc", "vp9enc", "x264enc"] as const) {
        await t.step(`switching to ${encoder} live: Chromium decodes it`, async () => {
          const before = await videoStats(page);
          await page.selectOption("aside.menu select[name=encoder]", encoder);
          await decodes(page, encoder, before.connections);
          assert.equal(await page.inputValue("aside.menu select[name=encoder]"), encoder);
          assert.equal(await page.evaluate(() => globalThis.__mark), 42);
        });
      }

      await t.step("a second viewer on VP8 gets a tier of its own; both play", async () => {
        const second = await browser.open(server.url);
        await decodes(second, "x264enc", 0);
        await pollUntil(() => second.evaluate(() => globalThis.__channels?.length > 0), {
          what: "the second input channel",
          timeoutMs: 10_000,
        });
        await second.keyboard.press("Control+Shift+M");
        await second.waitForSelector("aside.menu select[name=encoder]", { timeout: 5000 });
        const before = await videoStats(second);
        await second.selectOption("aside.menu select[name=encoder]", "vp8enc");
        await decodes(second, "vp8enc", before.connections);
        // The first viewer's H.264 never stopped.
        await decodes(page, "x264enc", (await videoStats(page)).connections - 1);
        await second.close();
        await pollUntil(
          () => server.stderr.some((l) => l.includes("Encode tier vp8enc: removed")),
          { what: "the VP8 tier removed after its last viewer left", timeoutMs: 10_000 },
        );
        await decodes(page, "x264enc", (await videoStats(page)).connections - 1);
      });

      await t.step(
        "--encoder=nvh264enc without NVIDIA: one warning, then x264enc plays",
        async () => {
          const nvidia = await startServer({ display, args: ["--encoder=nvh264enc"] });
          try {
            const page2 = await browser.open(nvidia.url);
            await decodes(page2, "x264enc", 0);
            const warnings = nvidia.stderr.filter((l) =>
              l.includes("nvh264enc is not usable here")
            );
            assert.equal(warnings.length, 1, warnings.join("\n"));
            assert.match(warnings[0]!, /falling back to x264enc/);
            await page2.close();
          } finally {
            await nvidia.stop();
          }
        },
      );
    } finally {
      await browser.close();
      await server.stop();
      await display.stop();
    }
  },
});

declare global {
  var __channels: RTCDataChannel[];
  var __mark: number;
}

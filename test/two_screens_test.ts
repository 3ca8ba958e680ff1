/**
 * Several screens, the seed's way: two Skerry instances on two X displays
 * side by side, each streaming its own display to its own browser (README,
 * "Several screens"). Each display gets its own background colour, and each
 * browser must show its own.
 *
 * @module
 */

import assert from "node:assert/strict";
import { startXvfb, type VirtualDisplay } from "../lib/display.ts";
import {
  launchBrowser,
  startServer,
  type TestBrowser,
  type TestServer,
  videoPixel,
  videoStats,
  waitFor,
} from "./_harness.ts";

/** Paints the root window of `display` a solid colour. */
async function paint(display: VirtualDisplay, colour: string): Promise<void> {
  const out = await new Deno.Command("xsetroot", {
    args: ["-solid", colour],
    env: display.env,
  }).output();
  assert.ok(out.success, `xsetroot on ${display.name}`);
}

Deno.test({
  name: "two Skerry instances on two displays stream to two browsers at once",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const screens = [
      { size: { width: 640, height: 360 }, colour: "#ff0000", rgb: [255, 0, 0] },
      { size: { width: 800, height: 448 }, colour: "#0000ff", rgb: [0, 0, 255] },
    ];
    const displays: VirtualDisplay[] = [];
    const servers: TestServer[] = [];
    const browsers: TestBrowser[] = [];
    try {
      for (const screen of screens) {
        const display = await startXvfb(screen.size);
        displays.push(display);
        await paint(display, screen.colour);
        servers.push(await startServer({ display, args: ["--framerate=15"] }));
      }
      assert.notEqual(servers[0]!.port, servers[1]!.port);
      for (const server of servers) browsers.push(await launchBrowser(server.url));
      const pages = await Promise.all(browsers.map((b, i) => b.open(servers[i]!.url)));
      await Promise.all(pages.map((page, i) =>
        waitFor(`frames on screen ${i + 1}`, async () => {
          const stats = await videoStats(page);
          return stats.framesDecoded > 5 && stats.frameWidth === screens[i]!.size.width;
        }, 30_000)
      ));
      for (const [i, page] of pages.entries()) {
        const stats = await videoStats(page);
        assert.equal(stats.frameHeight, screens[i]!.size.height);
        const [r, g, b] = await videoPixel(page, 10, 10);
        const want = screens[i]!.rgb;
        // Video colour is close, not exact (4:2:0 and compression).
        assert.ok(
          Math.abs(r - want[0]!) < 40 && Math.abs(g - want[1]!) < 40 && Math.abs(b - want[2]!) < 40,
          `screen ${i + 1}: ${[r, g, b]} is not ${want}`,
        );
      }
    } finally {
      await Promise.all(browsers.map((b) => b.close()));
      await Promise.all(servers.map((s) => s.stop()));
      await Promise.all(displays.map((d) => d.stop()));
    }
  },
});

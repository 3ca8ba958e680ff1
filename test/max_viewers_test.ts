/**
 * `--max-viewers` end to end: a real server admits one viewer, and a second
 * browser tab is told why it cannot watch, in its status line, while the
 * first keeps streaming.
 */

import assert from "node:assert/strict";
import { startXvfb } from "../lib/display.ts";
import { launchBrowser, startServer, videoStats, waitFor } from "./_harness.ts";

Deno.test({
  name: "a viewer over --max-viewers sees that the server is full; the first keeps streaming",
  async fn() {
    const display = await startXvfb({ width: 640, height: 480 });
    const server = await startServer({ display, args: ["--max-viewers=1"] });
    const browser = await launchBrowser(server.url);
    try {
      const first = await browser.open(server.url);
      await waitFor("video", async () => (await videoStats(first)).framesDecoded > 0, 20_000);
      const second = await browser.open(server.url);
      const status = await waitFor("the refusal in the status line", async () => {
        const text = await second.textContent("div.status");
        return text?.includes("full") ? text : undefined;
      });
      assert.match(status, /^The server is full: 1 viewer is watching; retrying in 8 s…$/);
      assert.equal((await videoStats(second)).connections, 0, "no peer connection was made");
      assert.ok(
        server.stderr.some((l) =>
          /Refusing viewer p\d+: 1 watching, the --max-viewers limit/.test(l)
        ),
      );
      const frames = (await videoStats(first)).framesDecoded;
      await waitFor(
        "the first viewer's frames",
        async () => (await videoStats(first)).framesDecoded > frames + 5,
      );
    } finally {
      await browser.close();
      await server.stop();
      await display.stop();
    }
  },
});

// page send time vs helper receive
import { startXvfb } from "../lib/display.ts";
import { launchBrowser, startServer, videoStats, waitFor } from "../test/_harness.ts";
const display = await startXvfb({ width: 640, height: 480 });
const server = await startServer({ display: display.name, args: ["--log-level=warning"] });
const browser = await launchBrowser(server.url);
const page = await browser.open(server.url);
await waitFor("video", async () => (await videoStats(page)).framesDecoded > 0, 20_000);
await new Promise((r) => setTimeout(r, 500));
const sends = await page.evaluate(async () => {
  const c = (globalThis as any).__channels.findLast((c: RTCDataChannel) => c.readyState === "open");
  const out: number[] = [];
  for (let i = 0; i < 400; i++) {
    out.push(performance.timeOrigin + performance.now());
    c.send(new Uint8Array([0x0a]));
    await new Promise((r) => setTimeout(r, 5));
  }
  return out;
});
await new Promise((r) => setTimeout(r, 1000));
await browser.close();
await server.stop();
await display.stop();
console.log(server.stderr.filter((l) => /median/.test(l)).join("\n"));
console.log("page sent", sends.length);

/**
 * The numbers behind the per-viewer limits (docs/PROTOCOL.md, "Limits"):
 * what a real session sends, and what the limits cost when they bite.
 *
 * 1. Signalling: frames a real Chromium sends on `/ws` from page load to
 *    live, and its busiest second (ICE trickling comes in bursts).
 * 2. Input: messages per second the real client sends while a button is held
 *    and the mouse moves at 1000 Hz (CDP mouse events, one per ms; Chromium
 *    coalesces them per frame and the client sends every coalesced point).
 * 3. `InputHandler.close()` with {@linkcode INPUT_LIMITS.heldKeys} keys held,
 *    through XTest into Xvfb, until the X client saw every release.
 * 4. Text through spare keycodes: characters the layout lacks (each one a
 *    keymap change every X client must re-read), typed until the X client
 *    saw them; the cost behind the typed-characters limit.
 *
 * Run: `deno task bench:limits`.
 *
 * @module
 */

import type { Page } from "playwright-core";
import { openX11 } from "../ffi/x11.ts";
import { startXvfb, type VirtualDisplay } from "../lib/display.ts";
import { pollUntil } from "../lib/poll.ts";
import { InputHandler } from "../lib/input/input_handler.ts";
import { XTestInputSink } from "../lib/input/xtest_sink.ts";
import { encodeInput, INPUT_LIMITS, Op } from "../lib/protocol/input.ts";
import { launchBrowser, startServer, videoStats, waitFor } from "../test/_harness.ts";
import { startRecorder } from "../test/_recorder.ts";
import { keysDown } from "../test/fixtures/x11_client.ts";

// deno-lint-ignore no-console
const print = (s: string) => console.log(s);

/** Largest number of timestamps in any window of `windowMs`. */
function peak(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

const display = await startXvfb({ width: 1280, height: 720 });
const server = await startServer({ display, args: ["--log-level=warning"] });
const browser = await launchBrowser(server.url);
try {
  await browser.context.addInitScript(() => {
    const w = globalThis as unknown as { __wsSends: number[]; __dcSends: number[] };
    w.__wsSends = [];
    w.__dcSends = [];
    const wsSend = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
      w.__wsSends.push(performance.now());
      return wsSend.call(this, data);
    };
    const dcSend = RTCDataChannel.prototype.send as (this: RTCDataChannel, data: unknown) => void;
    RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: unknown) {
      w.__dcSends.push(performance.now());
      return dcSend.call(this, data);
    } as typeof RTCDataChannel.prototype.send;
  });
  const page = await browser.open(server.url);
  await waitFor("video", async () => (await videoStats(page)).framesDecoded > 0, 20_000);
  await new Promise((r) => setTimeout(r, 2000)); // late candidates
  const ws = await page.evaluate(() =>
    (globalThis as unknown as { __wsSends: number[] }).__wsSends
  );
  print("Signalling, browser to server, one real session (loopback only):");
  print(`  frames until live + 2 s: ${ws.length}; busiest second: ${peak(ws, 1000)}`);

  print("Input while dragging with a 1000 Hz mouse (CDP, 1 event per ms, 3 s):");
  print(`  ${await drag(page, 3000)}`);
  await page.close();

  print(`InputHandler.close() with ${INPUT_LIMITS.heldKeys} keysyms held, XTest into Xvfb:`);
  print(`  ${await releaseHeld(display)}`);
  print("Text of characters the layout lacks (spare keycode remapped for each), XTest:");
  print(`  ${await typeRemapped(display, 512)}`);
} finally {
  await browser.close();
  await server.stop();
  await display.stop();
}

async function drag(page: Page, ms: number): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  const mouse = (type: string, x: number, y: number) =>
    cdp.send("Input.dispatchMouseEvent", {
      type: type as "mouseMoved",
      x,
      y,
      button: "left",
      buttons: 1,
      clickCount: type === "mouseMoved" ? 0 : 1,
    });
  await mouse("mousePressed", 100, 100);
  await page.evaluate(() => (globalThis as unknown as { __dcSends: number[] }).__dcSends.splice(0));
  const started = performance.now();
  let sent = 0;
  const pending: Promise<unknown>[] = [];
  while (performance.now() - started < ms) {
    const due = Math.floor(performance.now() - started);
    for (; sent <= due; sent++) {
      pending.push(mouse("mouseMoved", 100 + (sent % 1000), 100 + Math.floor(sent / 1000) * 3));
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  await mouse("mouseReleased", 100, 100);
  const dc = await page.evaluate(() =>
    (globalThis as unknown as { __dcSends: number[] }).__dcSends
  );
  return `${sent} mouse events in ${ms} ms -> ${dc.length} messages; busiest second: ${
    peak(dc, 1000)
  }, busiest 100 ms: ${peak(dc, 100)}`;
}

async function releaseHeld(display: VirtualDisplay): Promise<string> {
  await using rig = await xRig(display);
  const probe = openX11(display.name, display);
  const handler = new InputHandler(rig.sink, { limits: { ...INPUT_LIMITS, rate: Infinity } });
  // Printable Latin-1, then Cyrillic, then Greek: mapped keys and spares both.
  const keysyms = [
    ...Array.from({ length: 0x7e - 0x20 }, (_, i) => 0x21 + i),
    ...Array.from({ length: 0x6ff - 0x6a1 }, (_, i) => 0x6a1 + i),
    ...Array.from({ length: 0x7f9 - 0x7a1 }, (_, i) => 0x7a1 + i),
  ].slice(0, INPUT_LIMITS.heldKeys);
  for (const keysym of keysyms) handler.handle(encodeInput({ op: Op.KeyDown, keysym }));
  const down = await pollUntil(() => keysDown(probe).length, { what: "keys down" });
  const t0 = performance.now();
  handler.close();
  const call = performance.now() - t0;
  await pollUntil(() => keysDown(probe).length === 0, { what: "no key down", intervalMs: 1 });
  const seen = performance.now() - t0;
  probe.close();
  return `${keysyms.length} held (${down} X keycodes down); close() ${call.toFixed(1)} ms, ` +
    `no key down in X after ${seen.toFixed(1)} ms`;
}

async function typeRemapped(display: VirtualDisplay, count: number): Promise<string> {
  await using rig = await xRig(display);
  const handler = new InputHandler(rig.sink, {
    limits: { ...INPUT_LIMITS, rate: Infinity, textCharsPerSecond: Infinity, textBurst: count },
  });
  // CJK ideographs: never in an X layout, each needs a spare keycode.
  const text = Array.from({ length: count }, (_, i) => String.fromCodePoint(0x4e00 + i)).join("");
  const t0 = performance.now();
  for (let i = 0; i < text.length; i += 300) {
    handler.handle(encodeInput({ op: Op.Text, text: text.slice(i, i + 300) }));
  }
  const call = performance.now() - t0;
  await rig.recorder.until(
    `${count} characters`,
    (e) => e.filter((v) => v.type === "key" && !v.down).length >= count,
    60_000,
  );
  const seen = performance.now() - t0;
  handler.close();
  return `${count} characters: handle() ${call.toFixed(0)} ms, at the X client after ${
    seen.toFixed(0)
  } ms (${(count / (seen / 1000)).toFixed(0)} characters/s)`;
}

async function xRig(display: VirtualDisplay) {
  const rec = await startRecorder(display);
  const sink = XTestInputSink.open(display.name, display);
  return {
    recorder: rec,
    sink,
    async [Symbol.asyncDispose]() {
      sink.close();
      await rec.stop();
    },
  };
}

/**
 * Full control from a real browser: headless Chromium types, clicks,
 * scrolls and locks the pointer on the Skerry page; a real X client on a
 * real Xvfb records what the X server delivered.
 */

import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { startXvfb } from "../lib/display.ts";
import { openX11, queryPointer } from "../ffi/x11.ts";
import { keysDown } from "./fixtures/x11_client.ts";
import {
  launchBrowser,
  startServer,
  type TestBrowser,
  type TestServer,
  videoStats,
  waitFor,
} from "./_harness.ts";
import { type Recorder, setLayout, startRecorder } from "./_recorder.ts";

const WIDTH = 1600; // shown at 1280x720 in the page: every coordinate is scaled by 0.8
const HEIGHT = 900;
const TEXT = "Hello, wörld! €5 ñ Ж 中";

/** A real Xvfb with the recorder on it, a Skerry server streaming it, and Chromium. */
async function startRig(width: number, height: number, options: { touch?: boolean } = {}) {
  const display = await startXvfb({ width, height });
  const recorder = await startRecorder(display);
  const server = await startServer({ display });
  const browser = await launchBrowser(server.url, options);
  const probe = openX11(display.name, display);
  return {
    display,
    recorder,
    server,
    browser,
    probe,
    async [Symbol.asyncDispose]() {
      probe.close();
      await browser.close();
      await server.stop();
      await recorder.stop();
      await display.stop();
    },
  };
}

/** Keysym of F2, the marker key: not typed by any step, no text. */
const MARKER = 0xffbf;

/**
 * Presses F2 and waits until X delivered it. The input channel is ordered and
 * X delivers in order: after the marker, everything sent before it is in.
 * Returns the events before the marker.
 */
async function settle(page: Page, recorder: Recorder) {
  await page.keyboard.press("F2");
  await recorder.until("the marker key", (e) => e.some((k) => k.keysym === MARKER && !k.down));
  return recorder.events.filter((e) => e.keysym !== MARKER);
}

/** Opens the page and waits for video and an open input channel. */
async function openClient(browser: TestBrowser, server: TestServer): Promise<Page> {
  const page = await browser.open(server.url);
  await waitFor("video", async () => (await videoStats(page)).framesDecoded > 0, 20_000);
  await waitFor("input channel", () =>
    page.evaluate(() => {
      const channels = (globalThis as unknown as { __channels: RTCDataChannel[] }).__channels;
      return channels.some((c) => c.readyState === "open") &&
        document.activeElement?.tagName === "TEXTAREA";
    }));
  return page;
}

Deno.test({
  name: "a browser types, clicks, scrolls and locks the pointer on the X display",
  async fn(t) {
    await using rig = await startRig(WIDTH, HEIGHT);
    const { display, recorder, server, browser, probe } = rig;
    const page = await openClient(browser, server);

    for (const layout of ["us", "de", "fr"]) {
      await t.step(`typing arrives exactly once on the ${layout} layout`, async () => {
        await setLayout(display, layout);
        recorder.clear();
        await page.keyboard.type(TEXT);
        const events = await settle(page, recorder); // nothing more may come
        assert.equal(recorder.typed(), TEXT);
        const keys = events.filter((e) => e.type === "key" && e.text !== "");
        assert.equal(keys.filter((e) => e.down).length, [...TEXT].length);
        assert.equal(keys.filter((e) => !e.down).length, [...TEXT].length);
      });
    }
    await setLayout(display, "us");

    await t.step("Tab, Enter, Backspace, arrows and Ctrl+A arrive as those keys", async () => {
      recorder.clear();
      for (
        const key of [
          "Tab",
          "Enter",
          "Backspace",
          "ArrowLeft",
          "ArrowRight",
          "ArrowUp",
          "ArrowDown",
        ]
      ) {
        await page.keyboard.press(key);
      }
      await page.keyboard.press("Control+A");
      const events = await settle(page, recorder);
      const names = events.filter((e) => e.down).map((e) => e.keysym);
      assert.deepEqual(names, [
        0xff09,
        0xff0d,
        0xff08,
        0xff51,
        0xff53,
        0xff52,
        0xff54,
        0xffe3,
        0x61,
      ]);
      const a = events.find((e) => e.down && e.keysym === 0x61)!;
      assert.equal(a.state & 4, 4, "Control held during A");
      assert.deepEqual(keysDown(probe), []);
    });

    await t.step("clicks land on the scaled X coordinates with the right buttons", async () => {
      recorder.clear();
      const clicks: [number, number, "left" | "middle" | "right", number][] = [
        [100, 80, "left", 1],
        [640, 360, "right", 3],
        [1200, 700, "middle", 2],
      ];
      for (const [x, y, button] of clicks) await page.mouse.click(x, y, { button });
      await recorder.until(
        "6 button events",
        (e) => e.filter((v) => v.type === "button").length >= 6,
      );
      const presses = recorder.events.filter((e) => e.type === "button" && e.down);
      assert.deepEqual(
        presses.map((e) => [e.x, e.y, e.button]),
        clicks.map(([x, y, , b]) => [x / 0.8, y / 0.8, b]),
      );
      const p = queryPointer(probe);
      assert.deepEqual([p.x, p.y], [1500, 875]);
    });

    await t.step("a mouse wheel notch is one scroll click each way", async () => {
      recorder.clear();
      await page.mouse.move(640, 360);
      await page.mouse.wheel(0, 100);
      await page.mouse.wheel(0, -100);
      const wheel = (await settle(page, recorder)).filter((e) => e.type === "button");
      assert.deepEqual(wheel.map((e) => `${e.button}${e.down ? "v" : "^"}`), [
        "5v",
        "5^",
        "4v",
        "4^",
      ]);
    });

    await t.step("Ctrl+Shift+click locks the pointer and then moves are relative", async () => {
      await page.mouse.move(640, 360);
      await page.keyboard.down("Control");
      await page.keyboard.down("Shift");
      await page.mouse.click(640, 360);
      await page.keyboard.up("Shift");
      await page.keyboard.up("Control");
      const locked = await waitFor(
        "pointer lock",
        () => page.evaluate(() => document.pointerLockElement !== null),
        3000,
      )
        .catch(() => false);
      assert.equal(locked, true, "Ctrl+Shift+click did not lock the pointer");
      const before = queryPointer(probe);
      recorder.clear();
      await page.mouse.move(700, 400, { steps: 4 });
      await recorder.until("relative motion", (e) => e.some((v) => v.type === "motion"));
      const after = queryPointer(probe);
      assert.ok(after.x > before.x && after.y > before.y, `${JSON.stringify([before, after])}`);
      // Input arrives in order: once the marker key is in, every move sent before it is too.
      await settle(page, recorder);
      await page.evaluate(() => document.exitPointerLock());
      await waitFor(
        "pointer unlock",
        () => page.evaluate(() => document.pointerLockElement === null),
      );
    });

    await t.step("random bytes on the input channel are counted and inject nothing", async () => {
      recorder.clear();
      await page.evaluate(() => {
        const channels = (globalThis as unknown as { __channels: RTCDataChannel[] }).__channels;
        const channel = channels.findLast((c) => c.readyState === "open")!;
        let seed = 7;
        const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
        for (let i = 0; i < 200; i++) {
          // 0xf0-0xff are not opcodes: every message is invalid.
          const bytes = Uint8Array.from({ length: 1 + (i % 9) }, random);
          bytes[0] = 0xf0 + (i % 16);
          channel.send(bytes);
        }
        channel.send(new Uint8Array([0x03, 0xff, 0xff, 0xff, 0xff, 0, 1, 0, 1])); // move outside 1x1
      });
      await waitFor(
        "the rejections to be logged",
        () => server.stderr.some((l) => /Rejected input/.test(l)),
        5000,
      );
      // The connection is alive: typing still works, and is all that arrived.
      await page.keyboard.type("ok");
      const events = await settle(page, recorder);
      assert.deepEqual(events.map((e) => [e.text, e.down]), [
        ["o", true],
        ["o", false],
        ["k", true],
        ["k", false],
      ]);
    });

    await t.step("a held Shift is released when the page goes away", async () => {
      recorder.clear();
      await page.keyboard.down("Shift");
      await recorder.until("shift down", (e) => e.some((v) => v.down && v.keysym === 0xffe1));
      assert.notDeepEqual(keysDown(probe), []);
      await page.close();
      await waitFor("no key down", () => keysDown(probe).length === 0, 5000);
    });
  },
});

Deno.test({
  name: "Ctrl+Shift+M opens the menu, Escape closes it; neither is typed on the remote desktop",
  async fn() {
    await using rig = await startRig(1280, 720);
    const { recorder, server, browser } = rig;
    const page = await openClient(browser, server);
    recorder.clear();
    await page.keyboard.press("Control+Shift+M");
    await page.waitForSelector("aside.menu", { timeout: 3000 });
    // The menu holds the keyboard while open; Escape closes it and typing reaches the desktop again.
    await page.keyboard.press("Escape");
    await page.waitForSelector("aside.menu", { state: "detached", timeout: 3000 });
    await page.keyboard.press("x");
    await recorder.until("the x after the shortcut", (e) => e.some((k) => k.keysym === 0x78));
    assert.deepEqual(
      recorder.events.filter((e) => e.keysym === 0x4d || e.keysym === 0x6d || e.keysym === 0xff1b),
      [],
      "neither M nor the Escape that closed the menu reached the desktop",
    );
  },
});

Deno.test({
  name: "touch: a tap clicks, a long press right-clicks, two fingers scroll",
  async fn() {
    await using rig = await startRig(1280, 720, { touch: true });
    const { recorder, server, browser } = rig;
    const page = await browser.open(server.url);
    await waitFor("video", async () => (await videoStats(page)).framesDecoded > 0, 20_000);
    await waitFor(
      "input channel",
      () =>
        page.evaluate(() =>
          (globalThis as unknown as { __channels: RTCDataChannel[] }).__channels.some((c) =>
            c.readyState === "open"
          )
        ),
    );
    assert.equal(await page.isVisible('button[aria-label="Show or hide the keyboard"]'), true);
    const cdp = await browser.context.newCDPSession(page);
    const touch = (
      type: "touchStart" | "touchMove" | "touchEnd",
      points: { x: number; y: number }[],
    ) => cdp.send("Input.dispatchTouchEvent", { type, touchPoints: points });

    recorder.clear();
    await page.touchscreen.tap(300, 200);
    await recorder.until("tap", (e) => e.filter((v) => v.type === "button").length >= 2);
    const tap = recorder.events.filter((e) => e.type === "button");
    assert.deepEqual(tap.map((e) => [e.button, e.down, e.x, e.y]), [[1, true, 300, 200], [
      1,
      false,
      300,
      200,
    ]]);

    recorder.clear();
    await touch("touchStart", [{ x: 500, y: 300 }]);
    await new Promise((r) => setTimeout(r, 800));
    await touch("touchEnd", []);
    await recorder.until("long press", (e) => e.some((v) => v.type === "button" && !v.down));
    const press = recorder.events.filter((e) => e.type === "button");
    assert.deepEqual(press.map((e) => [e.button, e.down]), [[3, true], [3, false]]);

    recorder.clear();
    await touch("touchStart", [{ x: 600, y: 400 }, { x: 700, y: 400 }]);
    for (let dy = 20; dy <= 200; dy += 20) {
      await touch("touchMove", [{ x: 600, y: 400 - dy }, { x: 700, y: 400 - dy }]);
    }
    await touch("touchEnd", []);
    await recorder.until(
      "scroll",
      (e) => e.some((v) => v.type === "button" && (v.button === 4 || v.button === 5)),
    );
    const wheel = recorder.events.filter((e) => e.type === "button" && e.down).map((e) => e.button);
    assert.ok(wheel.length >= 2, JSON.stringify(wheel));
    assert.ok(wheel.every((b) => b === wheel[0] && (b === 4 || b === 5)), JSON.stringify(wheel));
    assert.equal(recorder.events.some((e) => e.type === "button" && e.button === 1), false);
  },
});

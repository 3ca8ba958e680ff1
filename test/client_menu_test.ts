/**
 * The client's menu, remembered settings and connection screens in Debian's
 * Chromium against one real server on an Xvfb: Ctrl+Shift+M opens the menu
 * with the keyboard inside it and Escape closes it; a changed setting
 * survives a reload (localStorage) and is applied again; a wrong password
 * gets the page that says so and what to try; relay only without a TURN
 * server gets "no route" and connects directly on request; on a 390x844 phone a pinch
 * zooms the desktop and the menu is a bottom sheet that fits the screen.
 *
 * @module
 */

import assert from "node:assert/strict";
import { startXvfb } from "../lib/display.ts";
import { AUTH, launchBrowser, openContext, startServer, videoStats, waitFor } from "./_harness.ts";

Deno.test({
  name: "client: the menu, settings kept across a reload, the wrong-password page, the phone sheet",
  async fn(t) {
    const display = await startXvfb({ width: 640, height: 480 });
    const server = await startServer({ display });
    const browser = await launchBrowser(server.url);
    try {
      const page = await browser.open(server.url);
      await waitFor("video", async () => (await videoStats(page)).framesDecoded > 0, 20_000);
      await waitFor(
        "the input channel",
        () =>
          page.evaluate(() =>
            (globalThis as unknown as { __channels: RTCDataChannel[] }).__channels.some((c) =>
              c.readyState === "open"
            )
          ),
      );

      await t.step(
        "Ctrl+Shift+M opens the menu in sections; focus is inside; Escape closes",
        async () => {
          await page.keyboard.press("Control+Shift+M");
          await page.waitForSelector('aside.menu[role="dialog"]', { timeout: 5000 });
          assert.deepEqual(
            await page.$$eval("aside.menu .menu-section h2", (hs) => hs.map((h) => h.textContent)),
            ["Stream", "Sound", "Display", "Control", "Connection"],
          );
          assert.equal(
            await page.evaluate(() => !!document.activeElement?.closest("aside.menu")),
            true,
          );
          // Tab wraps inside the menu: from the last control back to the first.
          for (let i = 0; i < 40; i++) await page.keyboard.press("Tab");
          assert.equal(
            await page.evaluate(() => !!document.activeElement?.closest("aside.menu")),
            true,
          );
          await page.keyboard.press("Escape");
          await page.waitForSelector("aside.menu", { state: "detached", timeout: 3000 });
        },
      );

      await t.step(
        "a setting changed in the menu survives a reload and is applied again",
        async () => {
          await page.click("button.menu-button");
          await page.check("aside.menu input[name=overlay]");
          await page.check('aside.menu input[name=scale][value="native"]');
          await page.waitForSelector(".stats-overlay");
          await page.reload();
          await waitFor(
            "video after the reload",
            async () => (await videoStats(page)).framesDecoded > 0,
            20_000,
          );
          await page.waitForSelector(".stats-overlay [data-figure=codec]", { timeout: 10_000 });
          assert.equal(await page.getAttribute(".stage", "class"), "stage scale-native");
          // 1:1: the 640x480 desktop is drawn at its own size, not stretched to 1280x720.
          const box = (await page.locator("video").boundingBox())!;
          assert.deepEqual([box.width, box.height], [640, 480]);
          await page.click("button.menu-button");
          assert.equal(await page.isChecked('aside.menu input[name=scale][value="native"]'), true);
          assert.deepEqual(
            JSON.parse(
              (await page.evaluate(() => localStorage.getItem("skerry.preferences.v1")))!,
            ),
            { overlay: true, scale: "native", relay: false },
          );
          // Stored data from elsewhere is ignored safely: a bad value gives the default.
          await page.evaluate(() =>
            localStorage.setItem("skerry.preferences.v1", '{"scale":"huge","overlay":"yes"}')
          );
          await page.reload();
          await page.waitForSelector(".stage.scale-fit");
          assert.equal(await page.locator(".stats-overlay").count(), 0);
        },
      );

      await t.step("a wrong password gets a page that says so and what to try", async () => {
        const context = await browser.browser.newContext({
          httpCredentials: { username: AUTH.username, password: "not-the-password" },
        });
        try {
          const refused = await context.newPage();
          const res = await refused.goto(server.url);
          assert.equal(res?.status(), 401);
          const screen = refused.locator('.connection-screen[data-reason="unauthorized"]');
          assert.equal(await screen.locator("h1").textContent(), "Wrong user name or password");
          assert.match((await screen.textContent())!, /Reload to sign in again/);
          assert.equal(await refused.getByRole("link", { name: "Try again" }).count(), 1);
        } finally {
          await context.close();
        }
      });

      await t.step(
        "relay only without a TURN server: the screen says no route, then connects directly",
        async () => {
          const relayed = await browser.open(`${server.url}?relay=1`);
          const screen = relayed.locator('.connection-screen[data-reason="ice-failed"]');
          await screen.waitFor({ timeout: 20_000 });
          assert.equal(
            await screen.locator("h1").textContent(),
            "No route to the desktop, even through the relay",
          );
          await screen.getByRole("button", { name: "Connect directly" }).click();
          await relayed.waitForSelector('.status[data-phase="live"]', { timeout: 20_000 });
          assert.equal(await relayed.locator(".connection-screen").count(), 0);
          await relayed.close();
        },
      );

      await t.step(
        "at 1280x800 and 390x844 the menu and the statistics show live values, both in view",
        async () => {
          const shots = await Deno.makeTempDir({ prefix: "skerry-shots-" });
          for (const [width, height, touch] of [[1280, 800, false], [390, 844, true]] as const) {
            const context = await openContext(browser.browser, server.url, { touch });
            try {
              const view = await context.newPage();
              await view.setViewportSize({ width, height });
              await view.goto(server.url);
              await waitFor(
                `video at ${width}x${height}`,
                async () => (await videoStats(view)).framesDecoded > 0,
                20_000,
              );
              await view.click("button.menu-button");
              await view.waitForSelector('aside.menu[role="dialog"]', { timeout: 5000 });
              await view.check("aside.menu input[name=overlay]");
              // Live: the frame rate and bitrate the browser measures, not placeholders.
              const figure = (key: string) =>
                view.$$eval(
                  `.stats-overlay [data-figure=${key}]`,
                  (es) => es[0]?.textContent ?? "",
                );
              await waitFor(
                `live figures at ${width}x${height}`,
                async () =>
                  Number.parseFloat(await figure("fps")) > 0 &&
                  Number.parseFloat(await figure("bitrate")) > 0 &&
                  /^\d+x\d+$/.test((await figure("resolution")).replace(/\s/g, "")),
                10_000,
              );
              const menu = (await view.locator("aside.menu").boundingBox())!;
              const stats = (await view.locator(".stats-overlay").boundingBox())!;
              for (const [name, box] of [["menu", menu], ["statistics", stats]] as const) {
                assert.ok(
                  box.x >= 0 && box.y >= 0 && box.x + box.width <= width + 0.5 &&
                    box.y + box.height <= height + 0.5,
                  `${name} within ${width}x${height}: ${JSON.stringify(box)}`,
                );
              }
              type Box = { x: number; y: number; width: number; height: number };
              const overlaps = (a: Box, b: Box) =>
                Math.min(a.x + a.width, b.x + b.width) > Math.max(a.x, b.x) &&
                Math.min(a.y + a.height, b.y + b.height) > Math.max(a.y, b.y);
              const overlap = overlaps(menu, stats);
              // The status line, the control pill and the statistics never cover one another.
              const status = (await view.locator(".status").boundingBox())!;
              const pill = (await view.locator(".control").boundingBox())!;
              for (const [name, box] of [["control pill", pill], ["statistics", stats]] as const) {
                assert.ok(
                  !overlaps(status, box),
                  `the status line covers the ${name} at ${width}x${height}: ` +
                    JSON.stringify({ status, box }),
                );
              }
              await view.screenshot({ path: `${shots}/menu-stats-${width}x${height}.png` });
              assert.ok(
                !overlap,
                `the menu does not cover the statistics at ${width}x${height}: ` +
                  JSON.stringify({ menu, stats }),
              );
            } finally {
              await context.close();
            }
          }
          await Deno.remove(shots, { recursive: true });
        },
      );

      await t.step("on a 390x844 phone the menu is a bottom sheet that fits", async () => {
        const context = await openContext(browser.browser, server.url, { touch: true });
        try {
          const phone = await context.newPage();
          await phone.setViewportSize({ width: 390, height: 844 });
          await phone.goto(server.url);
          await waitFor(
            "the phone's input channel",
            () =>
              phone.evaluate(() =>
                (globalThis as unknown as { __channels: RTCDataChannel[] }).__channels.some((c) =>
                  c.readyState === "open"
                )
              ),
          );
          // Two fingers spreading zoom the desktop about the point between them.
          const cdp = await context.newCDPSession(phone);
          const fingers = (type: string, spread: number) =>
            cdp.send("Input.dispatchTouchEvent", {
              type: type as "touchStart",
              touchPoints: type === "touchEnd" ? [] : [
                { x: 195 - spread, y: 420, id: 1 },
                { x: 195 + spread, y: 420, id: 2 },
              ],
            });
          await fingers("touchStart", 40);
          for (const spread of [60, 80, 100, 120]) await fingers("touchMove", spread);
          await fingers("touchEnd", 0);
          const transform = await phone.$eval(
            "video",
            (v) => (v as HTMLVideoElement).style.transform,
          );
          const scale = Number(/scale\(([\d.]+)\)/.exec(transform)?.[1]);
          assert.ok(scale > 2.5 && scale < 3.5, `zoomed about 3x: ${transform}`);
          await phone.tap("button.menu-button");
          const sheet = (await phone.locator("aside.menu").boundingBox())!;
          assert.equal(sheet.x, 0);
          assert.equal(sheet.width, 390);
          assert.equal(Math.round(sheet.y + sheet.height), 844, "along the bottom edge");
          assert.ok(sheet.y >= 844 * 0.2 - 1, `leaves the top fifth visible (top at ${sheet.y})`);
          assert.equal(await phone.isVisible(".menu-grip"), true);
          // Nothing in it is wider than the screen.
          const widest = await phone.$$eval(
            "aside.menu select, aside.menu button, aside.menu input, aside.menu .segmented",
            (list) => Math.max(...list.map((e) => e.getBoundingClientRect().right)),
          );
          assert.ok(widest <= 390, `rightmost control ends at ${widest}`);
          await phone.tap(".menu-backdrop", { position: { x: 195, y: 40 } });
          await phone.waitForSelector("aside.menu", { state: "detached", timeout: 3000 });
        } finally {
          await context.close();
        }
      });
    } finally {
      await browser.close();
      await server.stop();
      await display.stop();
    }
  },
});

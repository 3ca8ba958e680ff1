/**
 * The client is an installable web app: a real server generates the manifest
 * and service worker from the PWA_* variables, and real Chromium, asked
 * through the DevTools protocol, finds nothing that prevents installing it;
 * the worker never stands between the user and the page.
 */

import assert from "node:assert/strict";
import { startXvfb } from "../lib/display.ts";
import { chromium } from "playwright-core";
import { AUTH, CHROMIUM_ARGS, startServer } from "./_harness.ts";

Deno.test({
  name: "Chromium reports the client installable, with the manifest the PWA_* variables make",
  async fn() {
    const display = await startXvfb({ width: 640, height: 480 });
    const server = await startServer({
      display,
      env: {
        PWA_APP_NAME: "Selkies WebRTC",
        PWA_APP_SHORT_NAME: "selkies",
        PWA_START_URL: "/index.html",
      },
    });
    // A profile on disk: Chromium never installs apps from an incognito (throwaway) context.
    const profile = await Deno.makeTempDir();
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
      httpCredentials: AUTH,
    });
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      // The page registers the service worker; installability needs it active.
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      const cdp = await context.newCDPSession(page);
      const manifest = await cdp.send("Page.getAppManifest", {});
      assert.deepEqual(manifest.errors, []);
      assert.equal(manifest.url, `${server.url}manifest.webmanifest`);
      const parsed = JSON.parse(manifest.data ?? "{}");
      assert.equal(parsed.name, "Selkies WebRTC");
      assert.equal(parsed.short_name, "selkies");
      assert.equal(parsed.start_url, "/index.html");
      const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
      assert.deepEqual(installabilityErrors, []);
      await cdp.detach();
      // With the worker in control, a reload is still the real client, even where the
      // browser believes it is offline (this test's network namespace has no default route).
      await page.reload();
      await page.waitForSelector("video", { timeout: 10_000 });
      assert.equal(await page.evaluate(() => navigator.serviceWorker.controller !== null), true);
    } finally {
      await context.close();
      await Deno.remove(profile, { recursive: true });
      await server.stop();
      await display.stop();
    }
  },
});

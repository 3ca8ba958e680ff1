/**
 * Takes screenshots of the client for people to look at (not a test): an
 * xterm on a real Xvfb streamed by Skerry to Debian's Chromium, at
 * 1280x800 (a laptop), 390x844 (a phone in portrait) and 844x390 (the same
 * phone in landscape; both with touch). For each: the live desktop, the
 * menu open (top and scrolled to its end), and the page a wrong password
 * gets; at 1280x800 also the statistics overlay and the connection screen
 * of a full server and of a connection with no route (relay only, and no
 * TURN server here).
 *
 * Run: `tools/in_netns deno run --allow-all bench/screenshots.ts [--out=/tmp/shots]`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { startXvfb } from "../lib/display.ts";
import { AUTH, CHROMIUM_ARGS, startServer } from "../test/_harness.ts";
import { chromium, type Page } from "playwright-core";

const { values } = parseArgs({ args: Deno.args, options: { out: { type: "string" } } });
const out = values.out ?? "/tmp/shots";
await Deno.mkdir(out, { recursive: true });

const display = await startXvfb({ width: 1280, height: 800 });
const xterm = new Deno.Command("xterm", {
  args: [
    "-geometry",
    "100x30+60+60",
    "-fa",
    "Monospace",
    "-fs",
    "12",
    "-e",
    "sh",
    "-c",
    "ls -la /usr; exec sh",
  ],
  env: { ...display.env },
  stdout: "null",
  stderr: "null",
}).spawn();
const server = await startServer({ display, args: ["--max-viewers=1"] });
const browser = await chromium.launch({
  executablePath: Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium",
  args: CHROMIUM_ARGS,
});
const basic = (password: string) => `Basic ${btoa(`${AUTH.username}:${password}`)}`;

/** Opens the client in a fresh context and waits for frames and input. */
async function open(viewport: { width: number; height: number }, phone: boolean): Promise<Page> {
  const context = await browser.newContext({
    viewport,
    ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  await context.grantPermissions(["camera", "microphone"], { origin: new URL(server.url).origin });
  const page = await context.newPage();
  // Credentials as a header, so the script can turn them wrong later.
  await page.setExtraHTTPHeaders({ Authorization: basic(AUTH.password) });
  await page.goto(server.url);
  await page.waitForSelector('.status[data-phase="live"]', { timeout: 30_000 });
  return page;
}

async function shoot(page: Page, name: string): Promise<void> {
  // Let transitions (the status line's fade) settle.
  await page.waitForTimeout(700);
  const path = `${out}/${name}.png`;
  await page.screenshot({ path });
  // deno-lint-ignore no-console
  console.log(path);
}

const sizes = [
  { name: "desktop-1280x800", viewport: { width: 1280, height: 800 }, phone: false },
  { name: "phone-390x844", viewport: { width: 390, height: 844 }, phone: true },
  { name: "phone-844x390", viewport: { width: 844, height: 390 }, phone: true },
];

try {
  for (const { name, viewport, phone } of sizes) {
    const page = await open(viewport, phone);
    await page.waitForTimeout(2500);
    await shoot(page, `${name}-live`);
    await page.click("button.menu-button");
    await page.waitForSelector("aside.menu select[name=framerate]:not([disabled])");
    await shoot(page, `${name}-menu`);
    if (!phone) {
      await page.evaluate(() => document.querySelector(".menu-body")!.scrollTo(0, 1e6));
      await shoot(page, `${name}-menu-end`);
      await page.keyboard.press("Escape");
      await page.click("button.menu-button");
      await page.check("input[name=overlay]");
      await page.keyboard.press("Escape");
      await page.waitForTimeout(2500);
      await shoot(page, `${name}-overlay`);
      await page.click("button.menu-button");
      await page.uncheck("input[name=overlay]");
    } else {
      await page.evaluate(() => document.querySelector(".menu-body")!.scrollTo(0, 1e6));
      await shoot(page, `${name}-menu-end`);
    }
    await page.context().close();
    // A wrong password: the browser shows the page the server answers 401 with.
    const wrong = await browser.newContext({
      viewport,
      httpCredentials: { username: AUTH.username, password: "wrong-password" },
      ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    });
    const refused = await wrong.newPage();
    await refused.goto(server.url);
    await refused.waitForSelector('.connection-screen[data-reason="unauthorized"]');
    await shoot(refused, `${name}-wrong-password`);
    await wrong.close();
    if (!phone) {
      const second = await open(viewport, phone);
      const full = await second.context().newPage();
      await full.setExtraHTTPHeaders({ Authorization: basic(AUTH.password) });
      await full.goto(server.url);
      await full.waitForSelector('.connection-screen[data-reason="full"]', { timeout: 20_000 });
      await shoot(full, `${name}-server-full`);
      await second.context().close();
      // Relay only with no TURN server here: ICE finds no route.
      const lonely = await browser.newContext({ viewport, httpCredentials: AUTH });
      const noRoute = await lonely.newPage();
      await noRoute.goto(`${server.url}?relay=1`);
      await noRoute.waitForSelector('.connection-screen[data-reason="ice-failed"]', {
        timeout: 60_000,
      }).then(() => shoot(noRoute, `${name}-no-route`), () => {});
      await lonely.close();
    }
  }
} finally {
  await browser.close();
  await server.stop();
  xterm.kill();
  await xterm.status;
  await display.stop();
}

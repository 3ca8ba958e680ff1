/**
 * Input latency: the time from a browser input event to the event arriving
 * at an X client, over the real path (page → data channel → helper → server
 * → XTest → X server → client). Prints median, p95 and max for key events
 * and pointer moves, and checks that no event was lost or duplicated.
 *
 * Method: headless Chromium receives real input through Playwright; a
 * capture-phase listener stores each event's `timeStamp` (as epoch ms); the
 * X client `test/fixtures/x_recorder.ts` stores each event's arrival (epoch
 * ms). Events are matched in order. Same machine, same clock.
 *
 * Run: `deno task bench:input` or
 * `deno run -A bench/input_bench.ts --events=1000 --size=1280x720 --capture=damage`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { startXvfb } from "../lib/display.ts";
import { launchBrowser, startServer, videoStats, waitFor } from "../test/_harness.ts";
import { startRecorder } from "../test/_recorder.ts";
import { median, percentile } from "./_proc.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    events: { type: "string", default: "1000" },
    // The X screen (and so the video) size: the encoder's CPU load competes with input.
    size: { type: "string", default: "1280x720" },
    // The server's capture mode (the harness would pick ximagesrc): damage is the default.
    capture: { type: "string", default: "damage" },
  },
});
const count = Number(values.events);
// deno-lint-ignore no-console
const print = (s: string) => console.log(s);

const [w, h] = values.size!.split("x").map(Number);
const display = await startXvfb({ width: w!, height: h! });
const recorder = await startRecorder(display);
const server = await startServer({
  display,
  args: ["--log-level=warning", `--capture=${values.capture}`],
});
const browser = await launchBrowser(server.url);
try {
  await browser.context.addInitScript(() => {
    const times: { type: string; t: number; d: number }[] = [];
    (globalThis as unknown as { __inputTimes: typeof times }).__inputTimes = times;
    const record = (e: Event) =>
      times.push({
        type: e.type,
        t: performance.timeOrigin + e.timeStamp,
        d: performance.timeOrigin + performance.now(),
      });
    for (const type of ["keydown", "keyup", "pointermove"]) {
      addEventListener(type, record, { capture: true });
    }
  });
  const page = await browser.open(server.url);
  await waitFor("video", async () => (await videoStats(page)).framesDecoded > 0, 20_000);
  await waitFor(
    "input channel",
    () => page.evaluate(() => document.activeElement?.tagName === "TEXTAREA"),
  );
  await page.mouse.move(10, 10);
  await new Promise((r) => setTimeout(r, 500));
  recorder.clear();
  await page.evaluate(() =>
    (globalThis as unknown as { __inputTimes: unknown[] }).__inputTimes.splice(0)
  );

  // Keys: count/2 presses of letters a-z, each a down and an up.
  const letters = "abcdefghijklmnopqrstuvwxyz";
  for (let i = 0; i < count / 2; i++) {
    await page.keyboard.press(letters[i % 26]!);
  }
  await recorder.until(
    `${count} key events`,
    (e) => e.filter((v) => v.type === "key").length >= count,
    30_000,
  );
  await new Promise((r) => setTimeout(r, 300));
  const keysX = recorder.events.filter((e) => e.type === "key");
  const keysPage = (await page.evaluate(() =>
    (globalThis as unknown as { __inputTimes: { type: string; t: number; d: number }[] })
      .__inputTimes
  )).filter((e) =>
    e.type === "keydown" || e.type === "keyup"
  );
  const keyOrderOk = keysX.every((e, i) =>
    e.down === (i % 2 === 0) && e.text === letters[Math.floor(i / 2) % 26]
  );
  const keyLatency = keysX.map((e, i) => e.t - keysPage[i]!.t);
  const keyDispatch = keysX.map((e, i) => e.t - keysPage[i]!.d);

  // Pointer: count moves to distinct positions.
  recorder.clear();
  await page.evaluate(() =>
    (globalThis as unknown as { __inputTimes: unknown[] }).__inputTimes.splice(0)
  );
  // Distinct X pixels every time: the video is letterboxed into the 1280x720 page.
  const scale = Math.min(1280 / w!, 720 / h!);
  const [left, top] = [(1280 - w! * scale) / 2, (720 - h! * scale) / 2];
  const step = Math.ceil(scale) + 1;
  const columns = Math.floor((w! * scale - 4) / step);
  for (let i = 0; i < count; i++) {
    await page.mouse.move(
      left + 2 + (i % columns) * step,
      top + 2 + Math.floor(i / columns) * step,
    );
  }
  await recorder.until(`${count} motion events`, (e) =>
    e.filter((v) => v.type === "motion").length >= count, 30_000)
    .catch(() => {});
  await new Promise((r) =>
    setTimeout(r, 300)
  );
  const movesX = recorder.events.filter((e) => e.type === "motion");
  const movesPage = (await page.evaluate(() =>
    (globalThis as unknown as { __inputTimes: { type: string; t: number; d: number }[] })
      .__inputTimes
  )).filter((e) =>
    e.type === "pointermove"
  );
  const moveLatency = movesX.map((e, i) => e.t - (movesPage[i]?.t ?? NaN)).filter(Number.isFinite);
  const moveDispatch = movesX.map((e, i) => e.t - (movesPage[i]?.d ?? NaN)).filter(Number.isFinite);

  const line = (name: string, sent: number, arrived: number, ms: number[], ok: boolean) =>
    `${name.padEnd(14)} ${String(sent).padStart(6)} ${String(arrived).padStart(8)} ${
      median(ms).toFixed(2).padStart(9)
    } ${percentile(ms, 95).toFixed(2).padStart(8)} ${Math.max(...ms).toFixed(2).padStart(8)}   ${
      ok ? "yes" : "NO"
    }`;
  print(
    `Skerry input latency: browser event to X client, over loopback (--capture=${values.capture})`,
  );
  print(
    `${"events".padEnd(14)} ${"sent".padStart(6)} ${"arrived".padStart(8)} ${
      "median ms".padStart(9)
    } ${"p95 ms".padStart(8)} ${"max ms".padStart(8)}   in order, none lost`,
  );
  print(
    line(
      "keys",
      keysPage.length,
      keysX.length,
      keyLatency,
      keyOrderOk && keysX.length === keysPage.length,
    ),
  );
  print(
    line(
      "pointer moves",
      movesPage.length,
      movesX.length,
      moveLatency,
      movesX.length === movesPage.length,
    ),
  );
  print("From the moment the page's handler ran (browser input scheduling excluded):");
  print(line("keys", keysPage.length, keysX.length, keyDispatch, true));
  print(line("pointer moves", movesPage.length, movesX.length, moveDispatch, true));
} finally {
  await browser.close();
  await server.stop();
  await recorder.stop();
  await display.stop();
}

/**
 * Soak: one real server, many viewers coming and going. Each cycle opens the
 * page in real Chromium, waits for decoded frames, and closes it; two lanes
 * of cycles run side by side, so viewers join a running stream, leave it,
 * and now and then the last one leaves and the helper stops and restarts.
 * Afterwards no helper is left over but the standby, the server's file
 * descriptors are back where they were, and its memory has not grown by more
 * than 10 MiB.
 *
 * SKERRY_SOAK_CYCLES sets the number of cycles in all (default 100).
 */

import assert from "node:assert/strict";
import { startXvfb } from "../lib/display.ts";
import {
  childPids,
  commandLine,
  launchBrowser,
  startServer,
  videoStats,
  waitFor,
} from "./_harness.ts";

const CYCLES = Number(Deno.env.get("SKERRY_SOAK_CYCLES") ?? 100);
/** Cycles before the baseline is taken: V8 and GStreamer's caches fill first. */
const WARM_UP = 10;
/**
 * Samples compared at each end. The server's memory saws up and down with
 * V8's garbage collections (±8 MiB here); a leak raises the troughs, so the
 * lowest value of the first and of the last window are compared.
 */
const WINDOW = 20;
/** Viewers cycling at once. */
const LANES = 2;

/** Resident memory of `pid`, in KiB. */
function rssKiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

function fdKinds(pid: number): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const e of Deno.readDirSync(`/proc/${pid}/fd`)) {
    try {
      const target = Deno.readLinkSync(`/proc/${pid}/fd/${e.name}`).replace(/\[\d+\]|\d+$/, "");
      kinds[target] = (kinds[target] ?? 0) + 1;
    } catch { /* closed meanwhile */ }
  }
  return kinds;
}

function openFds(pid: number): number {
  return [...Deno.readDirSync(`/proc/${pid}/fd`)].length;
}

function helpers(pid: number): number[] {
  return childPids(pid).filter((p) => commandLine(p).includes(" helper"));
}

Deno.test({
  name: `${CYCLES} viewers in a row leave no helper, no descriptor and no memory behind`,
  async fn() {
    const display = await startXvfb({ width: 640, height: 480 });
    const server = await startServer({ display });
    await waitFor("the standby helper", () => helpers(server.pid).length === 1, 10_000);
    const fdsBefore = openFds(server.pid);
    const kindsBefore = fdKinds(server.pid);
    const browser = await launchBrowser(server.url);
    const started = performance.now();
    const samples: { rss: number; fds: number }[] = [];
    try {
      let done = 0;
      const lane = async (id: number) => {
        for (let cycle = id; cycle < CYCLES; cycle += LANES) {
          const page = await browser.open(server.url);
          await waitFor(
            `frames in cycle ${cycle}`,
            async () => (await videoStats(page)).framesDecoded > 0,
            20_000,
          );
          await page.close();
          done++;
          samples.push({ rss: rssKiB(server.pid), fds: openFds(server.pid) });
        }
      };
      await Promise.all(Array.from({ length: LANES }, (_, id) => lane(id)));
      assert.equal(done, CYCLES);
      // Settle: the last viewer's helper stops and one standby is spawned.
      await waitFor("the viewers to be gone", () => {
        const joined = server.stderr.filter((l) => /Viewer p\d+ joined/.test(l)).length;
        const left = server.stderr.filter((l) => /Viewer p\d+ left/.test(l)).length;
        return joined === CYCLES && left === CYCLES;
      }, 10_000);
      await waitFor("one standby helper", () => helpers(server.pid).length === 1, 10_000);
      samples.push({ rss: rssKiB(server.pid), fds: openFds(server.pid) });
      // The browser's idle keep-alive connections hold descriptors: count without it.
      await browser.close();
      const fdsAfter = await waitFor(
        "the browser's connections to close",
        () => openFds(server.pid) <= fdsBefore ? openFds(server.pid) : 0,
        5_000,
      ).catch(() => openFds(server.pid));

      const restarts = server.stderr.filter((l) => /Helper \d+ stopped \(/.test(l)).length;
      const trough = (from: number, to?: number) =>
        Math.min(...samples.slice(from, to).map((x) => x.rss));
      const base = { rss: trough(WARM_UP, WARM_UP + WINDOW) };
      const last = { rss: trough(-WINDOW) };
      const growthKiB = last.rss - base.rss;
      const seconds = (performance.now() - started) / 1000;
      // deno-lint-ignore no-console
      console.log(
        `soak: ${CYCLES} cycles in ${
          seconds.toFixed(0)
        } s; server RSS ${base.rss} -> ${last.rss} KiB ` +
          `(${(growthKiB / 1024).toFixed(1)} MiB), fds ${fdsBefore} -> ${fdsAfter}, ` +
          `helpers left: ${
            helpers(server.pid).length
          } (the standby); the helper stopped ${restarts} times`,
      );
      assert.ok(
        fdsAfter <= fdsBefore,
        `descriptors grew: ${JSON.stringify(kindsBefore)} -> ${
          JSON.stringify(fdKinds(server.pid))
        }`,
      );
      assert.ok(growthKiB < 10 * 1024, `server memory grew by ${growthKiB} KiB`);
      assert.ok(server.alive(), "the server is still running");
    } finally {
      await browser.close().catch(() => {});
      const status = await server.stop();
      await display.stop();
      assert.equal(status.code, 0);
    }
  },
});

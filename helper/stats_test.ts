import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import type { CongestionLoop } from "./congestion.ts";
import type { Peer } from "./peer.ts";
import type { Pipeline } from "./pipeline.ts";
import { CONTROL_INTERVAL_MS, StatsPoller } from "./stats.ts";

/** A poller over one viewer whose readings are counted, fed `framesPushed`. */
function poller(framesPushed: () => number | undefined) {
  const clock = FakeTimers.install({ toFake: ["setInterval", "clearInterval", "performance"] });
  let reads = 0;
  const peer = {
    id: "p1",
    framesAtLink: undefined,
    readStats: () => (reads++, Promise.resolve(null)),
  };
  const loop = { observe() {}, forget() {}, apply: () => Promise.resolve(), rates: () => ({}) };
  const stats = new StatsPoller({
    peers: () => [peer as unknown as Peer],
    pipeline: { framesEncoded: () => Promise.resolve(undefined) } as unknown as Pipeline,
    loop: loop as unknown as CongestionLoop,
    framesPushed,
  });
  stats.start();
  return {
    reads: () => reads,
    run: (ms: number) => clock.tickAsync(ms),
    [Symbol.dispose]: () => (stats.stop(), clock.uninstall()),
  };
}

Deno.test("StatsPoller reads four times a second while frames go out", async () => {
  let pushed = 0;
  using p = poller(() => pushed++);
  await p.run(4 * CONTROL_INTERVAL_MS * 3);
  assert.equal(p.reads(), 12);
});

Deno.test("StatsPoller reads once a second on a still screen, for the report", async () => {
  using p = poller(() => 7);
  await p.run(4 * CONTROL_INTERVAL_MS * 3);
  assert.equal(p.reads(), 3);
});

Deno.test("StatsPoller reads four times a second when the capture counts nothing (ximagesrc)", async () => {
  using p = poller(() => undefined);
  await p.run(4 * CONTROL_INTERVAL_MS * 3);
  assert.equal(p.reads(), 12);
});

import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import type { CongestionLoop } from "./congestion.ts";
import type { Peer } from "./peer.ts";
import type { Pipeline } from "./pipeline.ts";
import type { StructureData } from "../ffi/gst_structure.ts";
import { CONTROL_INTERVAL_MS, isLightStream, StatsPoller } from "./stats.ts";

/** webrtcbin's statistics of a video stream that has sent `bytes`. */
function reply(bytes: number): StructureData {
  const outbound = { type: "outbound-rtp", kind: "video", "bytes-sent": bytes, "packets-sent": 1 };
  return { name: "application/x-webrtc-stats", fields: { o1: { name: "o", fields: outbound } } };
}

/**
 * A poller over one viewer whose readings are counted, fed `framesPushed`;
 * with `sendBps`, its stream sends that many bits a second of the 8 Mbit/s
 * the loop allows.
 */
function poller(framesPushed: () => number | undefined, sendBps?: number) {
  const clock = FakeTimers.install({ toFake: ["setInterval", "clearInterval", "performance"] });
  let reads = 0;
  const peer = {
    id: "p1",
    framesAtLink: undefined,
    readStats: () => {
      reads++;
      if (sendBps === undefined) return Promise.resolve(null);
      return Promise.resolve(reply(Math.round((performance.now() * sendBps) / 8000)));
    },
  };
  const loop = {
    observe() {},
    forget() {},
    apply: () => Promise.resolve(),
    rates: () => ({ availableBitsPerSecond: 8_000_000, encoderBitsPerSecond: 8_000_000 }),
  };
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

Deno.test("StatsPoller reads once a second while a stream sends under a tenth of what the loop allows", async () => {
  let pushed = 0;
  // A clock's 25 kbit/s of 8 Mbit/s: the first second reads four times (no rate yet), then one.
  using p = poller(() => pushed++, 25_000);
  await p.run(4 * CONTROL_INTERVAL_MS * 3);
  assert.equal(p.reads(), 4 + 1 + 1);
});

Deno.test("StatsPoller reads four times a second while a stream sends near what the loop allows", async () => {
  let pushed = 0;
  using p = poller(() => pushed++, 2_000_000);
  await p.run(4 * CONTROL_INTERVAL_MS * 3);
  assert.equal(p.reads(), 12);
});

Deno.test("isLightStream() is true under a tenth of the allowed rate, and only when both are known", () => {
  assert.equal(isLightStream(799_999, 8_000_000), true);
  assert.equal(isLightStream(800_000, 8_000_000), false);
  assert.equal(isLightStream(undefined, 8_000_000), false);
  assert.equal(isLightStream(1_000, undefined), false);
  assert.equal(isLightStream(0, 0), false);
});

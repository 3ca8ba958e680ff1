import assert from "node:assert/strict";
import { CongestionController, type CongestionSample, MIN_BPS } from "./controller.ts";

const STEP_MS = 250;

/** A controller at 3 Mbit/s and 60 fps. */
function controller(start?: number): CongestionController {
  return new CongestionController({
    maxBps: 3_000_000,
    maxFramerate: 60,
    ...(start === undefined ? {} : { startBps: start }),
  });
}

/**
 * A bottleneck link of `capacityBps` with a 100 ms queue, fed at the
 * controller's target: what its transport-wide feedback would say each step.
 */
class Link {
  queueMs = 0;
  constructor(public capacityBps: number) {}
  sample(at: number, sendBps: number): CongestionSample {
    const excess = sendBps - this.capacityBps;
    const grow = excess > 0 ? (excess / this.capacityBps) * STEP_MS : 0;
    const before = this.queueMs;
    this.queueMs = Math.max(0, Math.min(100, this.queueMs + grow - (excess < 0 ? STEP_MS : 0)));
    const overflowBps = this.queueMs >= 100 && excess > 0 ? excess : 0;
    return {
      at,
      sendBps,
      receiveBps: Math.min(sendBps, this.capacityBps),
      loss: overflowBps / sendBps,
      delayTrendMsPerS: ((this.queueMs - before) / STEP_MS) * 1000,
      rttMs: 20 + this.queueMs,
    };
  }
}

/** Runs `c` over `link` from `from` for `ms`; returns the targets seen. */
function run(c: CongestionController, link: Link, from: number, ms: number): number[] {
  const targets: number[] = [];
  for (let at = from; at < from + ms; at += STEP_MS) {
    targets.push(c.update(link.sample(at, c.state.targetBps)).targetBps);
  }
  return targets;
}

Deno.test("CongestionController starts at the ceiling and stays there on a clean path", () => {
  const c = controller();
  assert.equal(c.state.targetBps, 3_000_000);
  const targets = run(c, new Link(10_000_000), 0, 10_000);
  assert.ok(targets.every((t) => t === 3_000_000));
  assert.equal(c.state.framerate, 60);
  assert.equal(c.state.signal, "normal");
});

Deno.test("CongestionController.update() cuts to 85 % of the received rate over 10 % loss", () => {
  const c = controller();
  const state = c.update({ at: 0, loss: 0.2, receiveBps: 2_000_000, sendBps: 2_500_000 });
  assert.equal(state.signal, "overuse");
  assert.equal(state.targetBps, 1_700_000);
});

Deno.test("CongestionController.update() cuts once per round trip plus the feedback window", () => {
  const c = controller();
  c.update({ at: 0, loss: 0.3, receiveBps: 2_000_000, rttMs: 100 });
  // 399 ms later the reports still describe the old rate: no second cut.
  assert.equal(
    c.update({ at: 399, loss: 0.3, receiveBps: 1_000_000, rttMs: 100 }).targetBps,
    1_700_000,
  );
  assert.equal(
    c.update({ at: 400, loss: 0.3, receiveBps: 1_000_000, rttMs: 100 }).targetBps,
    850_000,
  );
});

Deno.test("CongestionController.update() holds between 2 % and 10 % loss", () => {
  const c = controller(1_000_000);
  for (let at = 0; at < 5000; at += STEP_MS) {
    assert.equal(c.update({ at, loss: 0.05, receiveBps: 1_000_000 }).targetBps, 1_000_000);
  }
  assert.equal(c.state.signal, "hold");
});

Deno.test("CongestionController.update() cuts on a queue that grows for half a second, before any loss", () => {
  const c = controller();
  const queue = (at: number) =>
    c.update({ at, loss: 0, delayTrendMsPerS: 80, receiveBps: 2_000_000, lossPackets: 100 });
  assert.deepEqual([queue(0).signal, queue(250).signal], ["hold", "hold"]);
  assert.equal(c.state.targetBps, 3_000_000);
  const cut = queue(500);
  assert.equal(cut.signal, "overuse");
  assert.equal(cut.targetBps, 1_700_000);
});

Deno.test("CongestionController.update() takes one noisy delay window for noise", () => {
  const c = controller(1_000_000);
  const trends = [0, 120, -60, 10, 90, -40, 0, 20];
  trends.forEach((trend, i) =>
    c.update({ at: i * STEP_MS, loss: 0, delayTrendMsPerS: trend, receiveBps: 1_000_000 })
  );
  assert.ok(c.state.targetBps >= 1_000_000, `${c.state.targetBps}`);
});

Deno.test("CongestionController.update() judges loss on 20 packets or more", () => {
  const c = controller();
  // One packet lost of 8 in a window: 12 % of very little.
  c.update({ at: 0, loss: 0.125, lossPackets: 8, receiveBps: 200_000 });
  assert.equal(c.state.signal, "unknown");
  assert.equal(c.state.targetBps, 3_000_000);
  // Enough packets: 2 of 24 lost is 8 %: hold.
  c.update({ at: 250, loss: 0.06, lossPackets: 16, receiveBps: 200_000 });
  assert.equal(c.state.signal, "hold");
});

Deno.test("CongestionController.update() does not grow while a queue drains", () => {
  const c = controller(1_000_000);
  const state = c.update({ at: 0, loss: 0, delayTrendMsPerS: -100, receiveBps: 1_000_000 });
  c.update({ at: 250, loss: 0, delayTrendMsPerS: -100, receiveBps: 1_000_000 });
  assert.equal(state.signal, "hold");
  assert.equal(c.state.targetBps, 1_000_000);
});

Deno.test("CongestionController keeps a capped path under its cap and recovers when it is lifted", () => {
  const c = controller();
  const link = new Link(1_000_000);
  run(c, link, 0, 10_000);
  // After settling, the target saws gently around the cap: under it on average, never far above.
  const capped = run(c, link, 10_000, 20_000);
  const mean = capped.reduce((a, b) => a + b, 0) / capped.length;
  assert.ok(mean <= 1_000_000, `mean ${mean}`);
  assert.ok(mean >= 850_000, `mean ${mean}: the path is used`);
  assert.ok(Math.max(...capped) <= 1_100_000, `peak ${Math.max(...capped)}`);
  // The cap is lifted: additive growth near the old capacity, then 8 % a second.
  link.capacityBps = 100_000_000;
  const free = run(c, link, 30_000, 30_000);
  const reached = free.findIndex((t) => t >= 2_700_000);
  assert.ok(reached >= 0, `the target reached ${Math.max(...free)}`);
  assert.ok(reached * STEP_MS <= 25_000, `90 % of the ceiling after ${reached * STEP_MS} ms`);
});

Deno.test("CongestionController grows no higher than 1.5 times what the stream uses", () => {
  const c = controller();
  c.update({ at: 0, loss: 0.5, receiveBps: 600_000 });
  assert.equal(c.state.targetBps, 510_000);
  // A still desktop: 100 kbit/s sent, nothing lost. The target waits, it does not climb blind.
  for (let at = 1000; at < 20_000; at += STEP_MS) {
    c.update({ at, loss: 0, receiveBps: 100_000, sendBps: 100_000 });
  }
  assert.equal(c.state.targetBps, 510_000);
  // Motion: the stream fills its target, and the target grows again.
  c.update({ at: 20_250, loss: 0, receiveBps: 510_000, sendBps: 510_000 });
  assert.ok(c.state.targetBps > 510_000);
});

Deno.test("CongestionController never goes under its floor or over its ceiling", () => {
  const c = controller();
  for (let at = 0; at < 20_000; at += 500) c.update({ at, loss: 0.9, receiveBps: 10_000 });
  assert.equal(c.state.targetBps, MIN_BPS);
  const high = controller();
  for (let at = 0; at < 20_000; at += 500) high.update({ at, loss: 0, receiveBps: 9_000_000 });
  assert.equal(high.state.targetBps, 3_000_000);
});

Deno.test("CongestionController.update() without loss or delay figures changes nothing", () => {
  const c = controller(1_000_000);
  for (let at = 0; at < 5000; at += STEP_MS) c.update({ at, receiveBps: 900_000, rttMs: 10 });
  assert.deepEqual(c.state, { targetBps: 1_000_000, framerate: 60, signal: "unknown" });
});

Deno.test("CongestionController halves the frame rate under a second of heavy loss, restores it after 5 clean seconds", () => {
  const c = controller();
  const at = (ms: number, loss: number) => c.update({ at: ms, loss, receiveBps: 500_000 });
  at(0, 0.2);
  assert.equal(at(750, 0.2).framerate, 60);
  assert.equal(at(1000, 0.2).framerate, 30);
  assert.equal(at(2750, 0.2).framerate, 30, "one step per 2 s");
  assert.equal(at(3000, 0.2).framerate, 15);
  assert.equal(at(6000, 0.2).framerate, 15, "a quarter is the lowest step");
  // The loss count has a half-life of 500 ms: clean for 5 s once it is under 2 %.
  for (let ms = 6250; ms < 8000; ms += STEP_MS) at(ms, 0);
  const clean = [...Array(40).keys()].map((i) => 8000 + i * STEP_MS)
    .find((ms) => at(ms, 0).framerate === 30);
  assert.ok(clean !== undefined && clean >= 11_000 && clean <= 13_500, `${clean}`);
  assert.equal(at(clean + 4750, 0).framerate, 30);
  assert.equal(at(clean + 5000, 0).framerate, 60);
});

Deno.test("CongestionController asks for at least 5 fps", () => {
  const c = new CongestionController({ maxBps: 1_000_000, maxFramerate: 12 });
  for (let ms = 0; ms <= 3000; ms += STEP_MS) c.update({ at: ms, loss: 0.5 });
  assert.equal(c.state.framerate, 5);
});

Deno.test("CongestionController.setLimits() makes a new ceiling the target at once, up or down", () => {
  const c = controller();
  c.update({ at: 0, loss: 0.5, receiveBps: 1_000_000 });
  assert.equal(c.state.targetBps, 850_000);
  c.setLimits({ maxBps: 800_000, maxFramerate: 30 });
  assert.deepEqual(c.state, { targetBps: 800_000, framerate: 30, signal: "overuse" });
  c.setLimits({ maxBps: 5_000_000, maxFramerate: 30 });
  assert.equal(c.state.targetBps, 5_000_000, "the viewer asked for it; reports will tell");
  c.setLimits({ maxBps: 5_000_000, maxFramerate: 60 });
  assert.equal(c.state.targetBps, 5_000_000);
  assert.equal(c.state.framerate, 60);
});

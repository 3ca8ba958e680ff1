import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import {
  dpiFor,
  ResizePolicy,
  type ScreenChange,
  type ScreenRules,
  screenSizeFor,
} from "./resize_policy.ts";

const RULES: ScreenRules = { hidpi: false, max: { width: 3840, height: 2160 } };

Deno.test("screenSizeFor() rounds CSS pixels down to even numbers", () => {
  assert.deepEqual(screenSizeFor({ width: 1281, height: 721, dpr: 1 }, RULES), {
    width: 1280,
    height: 720,
  });
  assert.deepEqual(screenSizeFor({ width: 1001.6, height: 700.4, dpr: 1 }, RULES), {
    width: 1002,
    height: 700,
  });
});

Deno.test("screenSizeFor() multiplies by the pixel ratio only with hidpi", () => {
  const phone = { width: 390, height: 844, dpr: 3 };
  assert.deepEqual(screenSizeFor(phone, RULES), { width: 390, height: 844 });
  assert.deepEqual(screenSizeFor(phone, { ...RULES, hidpi: true }), {
    width: 1170,
    height: 2532,
  });
  assert.equal(dpiFor(phone, true), 288);
  assert.equal(dpiFor(phone, false), 96);
  assert.equal(dpiFor({ width: 1, height: 1, dpr: 1.25 }, true), 120);
});

Deno.test("screenSizeFor() fits the maximum in either orientation, keeping the aspect", () => {
  // 5120x2880 is twice 2560x1440: scaled by 0.75 to 3840x2160.
  assert.deepEqual(screenSizeFor({ width: 5120, height: 2880, dpr: 1 }, RULES), {
    width: 3840,
    height: 2160,
  });
  // Portrait: the longer side is the height.
  assert.deepEqual(screenSizeFor({ width: 2880, height: 5120, dpr: 1 }, RULES), {
    width: 2160,
    height: 3840,
  });
  // Too wide only: 8000x1000 -> 3840x480.
  assert.deepEqual(screenSizeFor({ width: 8000, height: 1000, dpr: 1 }, RULES), {
    width: 3840,
    height: 480,
  });
});

Deno.test("screenSizeFor() keeps at least the minimum side", () => {
  assert.deepEqual(screenSizeFor({ width: 10, height: 3000, dpr: 1 }, RULES), {
    width: 240,
    height: 3000,
  });
});

function rig(options: { debounceMs?: number; applyMs?: number } = {}) {
  const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout"] });
  const applied: ScreenChange[] = [];
  const policy = new ResizePolicy({
    rules: RULES,
    ...(options.debounceMs === undefined ? {} : { debounceMs: options.debounceMs }),
    apply: async (change) => {
      await new Promise((resolve) => setTimeout(resolve, options.applyMs ?? 50));
      applied.push(change);
    },
  });
  return {
    policy,
    applied,
    tick: (ms: number) => clock.tickAsync(ms),
    [Symbol.dispose]: () => {
      policy.close();
      clock.uninstall();
    },
  };
}

const size = (c: ScreenChange | undefined) => c && `${c.width}x${c.height}`;

Deno.test("ResizePolicy applies a viewer's first window at once", async () => {
  using r = rig();
  r.policy.join("p1");
  r.policy.request("p1", { width: 1000, height: 600, dpr: 1 });
  await r.tick(50);
  assert.deepEqual(r.applied.map(size), ["1000x600"]);
});

Deno.test("ResizePolicy applies a window drag once, after it has been still for 400 ms", async () => {
  using r = rig();
  r.policy.join("p1");
  r.policy.request("p1", { width: 1000, height: 600, dpr: 1 });
  await r.tick(100);
  // A drag: one change every 16 ms for a second.
  for (let i = 1; i <= 60; i++) {
    r.policy.request("p1", { width: 1000 + i * 4, height: 600, dpr: 1 });
    await r.tick(16);
  }
  assert.deepEqual(r.applied.map(size), ["1000x600"]);
  await r.tick(399 - 16 + 50);
  assert.deepEqual(r.applied.map(size), ["1000x600"]);
  await r.tick(1);
  assert.deepEqual(r.applied.map(size), ["1000x600", "1240x600"]);
  assert.equal(r.policy.applied, 2);
});

Deno.test("ResizePolicy follows only the first viewer, then the next when it leaves", async () => {
  using r = rig();
  r.policy.join("p1");
  r.policy.join("p2");
  r.policy.request("p1", { width: 1000, height: 600, dpr: 1 });
  r.policy.request("p2", { width: 800, height: 500, dpr: 1 });
  await r.tick(1000);
  assert.deepEqual(r.applied.map(size), ["1000x600"]);
  assert.equal(r.policy.driver, "p1");
  r.policy.leave("p1");
  assert.equal(r.policy.driver, "p2");
  await r.tick(50);
  assert.deepEqual(r.applied.map(size), ["1000x600", "800x500"]);
});

Deno.test("ResizePolicy skips a size equal to the current one and applies one change at a time", async () => {
  using r = rig({ debounceMs: 10, applyMs: 100 });
  r.policy.join("p1");
  r.policy.request("p1", { width: 1000, height: 600, dpr: 1 });
  await r.tick(20);
  // While the first change runs (100 ms), two more come: only the newest follows.
  r.policy.request("p1", { width: 900, height: 600, dpr: 1 });
  await r.tick(20);
  r.policy.request("p1", { width: 1000, height: 600, dpr: 1 });
  await r.tick(20);
  await r.tick(200);
  assert.deepEqual(r.applied.map(size), ["1000x600"]);
});

Deno.test("ResizePolicy takes its driver from the driver hook", async () => {
  const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout"] });
  try {
    const applied: string[] = [];
    let controller = "p2";
    const policy = new ResizePolicy({
      rules: RULES,
      driver: (ids) => ids.find((id) => id === controller),
      apply: (change) => {
        applied.push(`${change.width}x${change.height}`);
        return Promise.resolve();
      },
    });
    policy.join("p1");
    policy.join("p2");
    policy.request("p1", { width: 1000, height: 600, dpr: 1 });
    policy.request("p2", { width: 800, height: 500, dpr: 1 });
    await clock.tickAsync(10);
    assert.deepEqual(applied, ["800x500"]);
    controller = "p1";
    policy.driverChanged();
    await clock.tickAsync(10);
    assert.deepEqual(applied, ["800x500", "1000x600"]);
    policy.close();
  } finally {
    clock.uninstall();
  }
});

Deno.test("ResizePolicy goes on after a failed change", async () => {
  const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout"] });
  try {
    const errors: string[] = [];
    let fail = true;
    const policy = new ResizePolicy({
      rules: RULES,
      debounceMs: 10,
      apply: () => fail ? Promise.reject(new Error("xrandr failed")) : Promise.resolve(),
      onError: (error) => errors.push((error as Error).message),
    });
    policy.join("p1");
    policy.request("p1", { width: 1000, height: 600, dpr: 1 });
    await clock.tickAsync(1);
    assert.deepEqual(errors, ["xrandr failed"]);
    assert.equal(policy.current, undefined);
    fail = false;
    policy.request("p1", { width: 1000, height: 600, dpr: 1 });
    await clock.tickAsync(20);
    assert.equal((policy.current as ScreenChange | undefined)?.width, 1000);
    policy.close();
  } finally {
    clock.uninstall();
  }
});

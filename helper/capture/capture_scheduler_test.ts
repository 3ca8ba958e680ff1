import assert from "node:assert/strict";
import {
  type CaptureAction,
  CaptureScheduler,
  type CaptureSchedulerOptions,
  type CaptureStep,
} from "./capture_scheduler.ts";

const act = (action: CaptureAction): CaptureStep => ({ action });
const wait = (waitMs: number): CaptureStep => ({ waitMs });

/**
 * 50 fps (20 ms frames), 3 ms coalescing, paint-over twice 50 ms apart after
 * 100 ms, no keep-alive; `options` change any of it.
 */
function scheduler(options: Partial<CaptureSchedulerOptions> = {}): CaptureScheduler {
  return new CaptureScheduler({ framerate: 50, coalesceMs: 3, keepAliveMs: Infinity, ...options });
}

/** Runs the scheduler like the loop does: captures and repeats are pushed at once. */
function runUntil(s: CaptureScheduler, from: number, to: number): [number, CaptureAction][] {
  const done: [number, CaptureAction][] = [];
  for (let now = from; now <= to; now++) {
    const step = s.next(now);
    if (!("action" in step)) continue;
    if (step.action === "capture") {
      s.captured();
      s.pushed(now, true);
    } else s.pushed(now, false);
    done.push([now, step.action]);
  }
  return done;
}

Deno.test("CaptureScheduler.next() waits for an event while nothing happens", () => {
  assert.deepEqual(scheduler().next(1000), wait(Infinity));
});

Deno.test("CaptureScheduler.next() captures coalesceMs after the first damage", () => {
  const s = scheduler();
  s.damaged(1000);
  assert.deepEqual(s.next(1001), wait(2));
  s.damaged(1002); // more drawing does not push the capture back
  assert.deepEqual(s.next(1003), act("capture"));
});

Deno.test("CaptureScheduler.next() keeps one frame interval between frames", () => {
  const s = scheduler();
  s.damaged(1000);
  s.captured();
  s.pushed(1003, true);
  s.damaged(1004);
  assert.deepEqual(s.next(1010), wait(13));
  assert.deepEqual(s.next(1023), act("capture"));
});

Deno.test("CaptureScheduler.next() paints over twice once the screen settles, then rests", () => {
  const s = scheduler();
  s.damaged(1000);
  assert.deepEqual(runUntil(s, 1000, 2000), [
    [1003, "capture"],
    [1103, "refresh"],
    [1153, "refresh"],
  ]);
  assert.deepEqual(s.next(5000), wait(Infinity));
});

Deno.test("CaptureScheduler.next() drops the paint-over when the screen changes again", () => {
  const s = scheduler();
  s.damaged(1000);
  assert.deepEqual(runUntil(s, 1000, 1120), [[1003, "capture"], [1103, "refresh"]]);
  s.damaged(1121);
  // The new change is captured at once after the refresh; the paint-over restarts from it.
  assert.deepEqual(runUntil(s, 1121, 1400), [
    [1124, "capture"],
    [1224, "refresh"],
    [1274, "refresh"],
  ]);
});

Deno.test("CaptureScheduler.next() answers a keyframe request on a still screen with a repeat and its follow-ups", () => {
  const s = scheduler({ paintOverFrames: 0 });
  s.damaged(1000);
  assert.deepEqual(runUntil(s, 1000, 3000), [[1003, "capture"]]);
  s.wantFrame(3000);
  assert.deepEqual(runUntil(s, 3001, 6000), [
    [3001, "repeat"],
    [3300, "repeat"],
    [4000, "repeat"],
  ]);
  assert.deepEqual(s.next(6001), wait(Infinity));
});

Deno.test("CaptureScheduler.next() serves a keyframe request with a pending capture", () => {
  const s = scheduler();
  s.damaged(1000);
  s.wantFrame(1000);
  assert.deepEqual(s.next(1001), wait(2));
  assert.deepEqual(s.next(1003), act("capture"));
});

Deno.test("CaptureScheduler.next() keeps a keyframe repeat to the frame rate", () => {
  const s = scheduler();
  s.damaged(1000);
  s.captured();
  s.pushed(1003, true);
  s.wantFrame(1000);
  assert.deepEqual(s.next(1010), wait(13));
});

Deno.test("CaptureScheduler() refuses a frame rate of 0", () => {
  assert.throws(() => new CaptureScheduler({ framerate: 0 }), RangeError);
});

Deno.test("CaptureScheduler.setFramerate() changes the interval kept between frames", () => {
  const s = scheduler(); // 50 fps: 20 ms
  s.damaged(1000);
  assert.deepEqual(s.next(1003), act("capture"));
  s.captured();
  s.pushed(1003, true);
  s.setFramerate(10); // 100 ms
  s.damaged(1010);
  assert.deepEqual(s.next(1013), wait(90));
  assert.deepEqual(s.next(1103), act("capture"));
  assert.throws(() => s.setFramerate(0), RangeError);
});

Deno.test("CaptureScheduler.next() captures at the frame rate, and repeats nothing, while every frame carries a change", () => {
  const s = scheduler();
  const done: [number, CaptureAction][] = [];
  for (let now = 1000; now <= 1100; now++) {
    s.damaged(now); // a clock repainted every millisecond
    const step = s.next(now);
    if (!("action" in step)) continue;
    if (step.action === "capture") s.captured();
    s.pushed(now, step.action === "capture");
    done.push([now, step.action]);
  }
  assert.deepEqual(done, [
    [1003, "capture"],
    [1023, "capture"],
    [1043, "capture"],
    [1063, "capture"],
    [1083, "capture"],
  ]);
});

Deno.test("CaptureScheduler.next() captures the first change after a pause at once (coalescing only)", () => {
  const s = scheduler();
  s.damaged(1000);
  runUntil(s, 1000, 5000);
  s.damaged(5000.5);
  assert.deepEqual(s.next(5001), wait(2.5));
  assert.deepEqual(s.next(5003.5), act("capture"));
});

Deno.test("CaptureScheduler.next() does not hold a change behind a repeat sent just before it", () => {
  const s = scheduler({ settleMs: 20 });
  s.damaged(1000);
  assert.deepEqual(runUntil(s, 1000, 1023), [[1003, "capture"], [1023, "refresh"]]);
  s.damaged(1024);
  // The ceiling counts from the last capture (1003), not from the paint-over (1023).
  assert.deepEqual(s.next(1025), wait(2));
  assert.deepEqual(s.next(1027), act("capture"));
});

Deno.test("CaptureScheduler.next() repeats the frame every keepAliveMs on a still screen, and not before the first frame", () => {
  const s = scheduler({ keepAliveMs: 2000 });
  assert.deepEqual(s.next(1000), wait(Infinity));
  s.damaged(1000);
  assert.deepEqual(runUntil(s, 1000, 7000), [
    [1003, "capture"],
    [1103, "refresh"], // paint-over
    [1153, "refresh"],
    [3153, "repeat"], // keep-alive
    [5153, "repeat"],
  ]);
  assert.deepEqual(s.next(7000), wait(153));
});

Deno.test("CaptureScheduler() coalesces for 1 ms by default", () => {
  const s = new CaptureScheduler({ framerate: 50 });
  s.damaged(1000);
  assert.deepEqual(s.next(1000), wait(1));
  assert.deepEqual(s.next(1001), act("capture"));
});

/** Damage at each of `times`, run like the loop; what was done, and when. */
function changesAt(s: CaptureScheduler, times: number[], until: number): [number, CaptureAction][] {
  const done: [number, CaptureAction][] = [];
  const pending = [...times];
  for (let now = times[0]!; now <= until; now++) {
    while (pending[0] !== undefined && pending[0] <= now) s.damaged(pending.shift()!);
    done.push(...runUntil(s, now, now));
  }
  return done;
}

Deno.test("CaptureScheduler.next() repeats the frame warmUpLeadMs before a change at a steady pace is due", () => {
  const s = scheduler({ paintOverFrames: 0 });
  assert.deepEqual(changesAt(s, [1000, 1100, 1200, 1300], 1400), [
    [1003, "capture"],
    [1103, "capture"],
    [1203, "capture"],
    [1280, "repeat"], // the third change at the same pace: warm up for the fourth
    [1303, "capture"],
    [1380, "repeat"],
  ]);
});

Deno.test("CaptureScheduler.next() warms up for no change at an uneven pace, nor for motion", () => {
  const s = scheduler({ paintOverFrames: 0 });
  assert.deepEqual(changesAt(s, [1000, 1100, 1250, 1330], 1600).map(([, a]) => a), [
    "capture",
    "capture",
    "capture",
    "capture",
  ]);
  const motion = scheduler({ paintOverFrames: 0 });
  const frames = Array.from({ length: 20 }, (_, i) => 1000 + i * 20);
  assert.ok(changesAt(motion, frames, 1600).every(([, a]) => a === "capture"));
});

Deno.test("CaptureScheduler.next() keeps the paint-over a refresh after a warm-up, and warms up once when the pace stops", () => {
  const s = scheduler({ settleMs: 100 });
  // A 1 s tick: paint-over after each change, the warm-up 20 ms before the next.
  assert.deepEqual(changesAt(s, [1000, 2000, 3000], 5000), [
    [1003, "capture"],
    [1103, "refresh"],
    [1153, "refresh"],
    [2003, "capture"],
    [2103, "refresh"],
    [2153, "refresh"],
    [3003, "capture"],
    [3103, "refresh"],
    [3153, "refresh"],
    [3980, "repeat"], // warm-up; no tick came, and none follows
  ]);
});

Deno.test("CaptureScheduler() with warmUpLeadMs 0 never warms up", () => {
  const s = scheduler({ paintOverFrames: 0, warmUpLeadMs: 0 });
  assert.ok(changesAt(s, [1000, 1100, 1200, 1300], 1400).every(([, a]) => a === "capture"));
});

Deno.test("CaptureScheduler.inputArrived() warms up at once on a path gone idle, not right after a frame", () => {
  const s = scheduler({ paintOverFrames: 0 });
  s.damaged(1000);
  runUntil(s, 1000, 1010); // captured at 1003
  s.inputArrived(1030); // 27 ms after a frame: still awake
  assert.deepEqual(s.next(1030), wait(Infinity));
  s.inputArrived(2000); // a key after a second of nothing
  assert.deepEqual(runUntil(s, 2000, 2001), [[2000, "repeat"]]);
  // The redraw it announced is captured at once: the ceiling counts from the last capture.
  s.damaged(2002);
  assert.deepEqual(runUntil(s, 2002, 2010), [[2005, "capture"]]);
});

Deno.test("CaptureScheduler.inputArrived() does nothing while a change waits, or with warm-up off", () => {
  const s = scheduler({ paintOverFrames: 0 });
  s.damaged(1000);
  runUntil(s, 1000, 1010);
  s.damaged(2000);
  s.inputArrived(2000);
  assert.deepEqual(runUntil(s, 2000, 2010), [[2003, "capture"]]);
  const off = scheduler({ paintOverFrames: 0, warmUpLeadMs: 0, coalesceMs: 1 });
  off.damaged(1000);
  runUntil(off, 1000, 1010);
  off.inputArrived(2000);
  assert.deepEqual(off.next(2000), wait(Infinity));
});

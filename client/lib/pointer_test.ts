import assert from "node:assert/strict";
import { type InputEvent, Op } from "../../lib/protocol/input.ts";
import {
  buttonBit,
  PointerInput,
  videoPoint,
  type VideoView,
  WheelAccumulator,
} from "./pointer.ts";

const at = (clientX: number, clientY: number) => ({ clientX, clientY });

Deno.test("videoPoint() scales a video that fills its box exactly", () => {
  const view = {
    rect: { left: 0, top: 0, width: 1920, height: 1080 },
    videoWidth: 1280,
    videoHeight: 720,
  };
  assert.deepEqual(videoPoint(view, at(960, 540)), { x: 640, y: 360, width: 1280, height: 720 });
  assert.deepEqual(videoPoint(view, at(0, 0)), { x: 0, y: 0, width: 1280, height: 720 });
  assert.deepEqual(videoPoint(view, at(1919.9, 1079.9)), {
    x: 1279,
    y: 719,
    width: 1280,
    height: 720,
  });
});

Deno.test("videoPoint() accounts for letterbox bars above and below", () => {
  // 1280x720 in a 1000x1000 box: scale 0.78125, picture 1000x562.5 from y = 218.75.
  const view = {
    rect: { left: 0, top: 0, width: 1000, height: 1000 },
    videoWidth: 1280,
    videoHeight: 720,
  };
  assert.deepEqual(videoPoint(view, at(500, 500)), { x: 640, y: 360, width: 1280, height: 720 });
  assert.deepEqual(videoPoint(view, at(500, 218.75)), { x: 640, y: 0, width: 1280, height: 720 });
  // On the bars: clamped to the edge rows.
  assert.deepEqual(videoPoint(view, at(500, 100)), { x: 640, y: 0, width: 1280, height: 720 });
  assert.deepEqual(videoPoint(view, at(500, 900)), { x: 640, y: 719, width: 1280, height: 720 });
});

Deno.test("videoPoint() accounts for pillarbox bars and the box position", () => {
  // 800x600 in a 1600x600 box at (100, 50): scale 1, picture from x = 500.
  const view = {
    rect: { left: 100, top: 50, width: 1600, height: 600 },
    videoWidth: 800,
    videoHeight: 600,
  };
  assert.deepEqual(videoPoint(view, at(500, 50)), { x: 0, y: 0, width: 800, height: 600 });
  assert.deepEqual(videoPoint(view, at(1000.5, 349.5)), {
    x: 500,
    y: 299,
    width: 800,
    height: 600,
  });
  assert.deepEqual(videoPoint(view, at(0, 0)), { x: 0, y: 0, width: 800, height: 600 });
  assert.deepEqual(videoPoint(view, at(5000, 5000)), { x: 799, y: 599, width: 800, height: 600 });
});

Deno.test("videoPoint() returns undefined before the video has a size", () => {
  const rect = { left: 0, top: 0, width: 1000, height: 1000 };
  assert.equal(videoPoint({ rect, videoWidth: 0, videoHeight: 0 }, at(1, 1)), undefined);
  const hidden: VideoView = { rect: { ...rect, width: 0 }, videoWidth: 640, videoHeight: 480 };
  assert.equal(videoPoint(hidden, at(1, 1)), undefined);
});

Deno.test("buttonBit() returns the MouseEvent.buttons bit of MouseEvent.button 0-4", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, -1].map(buttonBit), [1, 4, 2, 8, 16, 0, 0]);
});

function recorder() {
  const events: InputEvent[] = [];
  return { events, pointer: new PointerInput((e) => events.push(e)) };
}

Deno.test("PointerInput.buttons() maps browser buttons 0-4 to X buttons 1, 2, 3, 8, 9", () => {
  const { events, pointer } = recorder();
  for (const domButton of [0, 1, 2, 3, 4]) {
    pointer.buttons(buttonBit(domButton));
    pointer.buttons(0);
  }
  assert.deepEqual(
    events.filter((e) => e.op === Op.ButtonDown),
    [1, 2, 3, 8, 9].map((button) => ({
      op: Op.ButtonDown,
      button,
    })),
  );
});

Deno.test("PointerInput.buttons() sends each press and release of the buttons mask", () => {
  const { events, pointer } = recorder();
  pointer.buttons(1);
  pointer.buttons(1 | 2);
  assert.equal(pointer.held, 2);
  pointer.buttons(2);
  pointer.buttons(2 | 4 | 8 | 16);
  pointer.buttons(0);
  assert.deepEqual(events, [
    { op: Op.ButtonDown, button: 1 },
    { op: Op.ButtonDown, button: 3 },
    { op: Op.ButtonUp, button: 1 },
    { op: Op.ButtonDown, button: 2 },
    { op: Op.ButtonDown, button: 8 },
    { op: Op.ButtonDown, button: 9 },
    { op: Op.ButtonUp, button: 3 },
    { op: Op.ButtonUp, button: 2 },
    { op: Op.ButtonUp, button: 8 },
    { op: Op.ButtonUp, button: 9 },
  ]);
  assert.equal(pointer.held, 0);
});

Deno.test("PointerInput.ignorePress() hides one press and its release", () => {
  const { events, pointer } = recorder();
  pointer.ignorePress(0);
  pointer.buttons(1);
  pointer.buttons(1 | 2);
  pointer.buttons(2);
  pointer.buttons(0);
  pointer.buttons(1);
  assert.deepEqual(events, [
    { op: Op.ButtonDown, button: 3 },
    { op: Op.ButtonUp, button: 3 },
    { op: Op.ButtonDown, button: 1 },
  ]);
});

Deno.test("PointerInput.move() skips moves to the pixel it is on", () => {
  const { events, pointer } = recorder();
  pointer.move({ x: 10, y: 20, width: 1280, height: 720 });
  pointer.move({ x: 10, y: 20, width: 1280, height: 720 });
  pointer.move({ x: 11, y: 20, width: 1280, height: 720 });
  pointer.move({ x: 11, y: 20, width: 1920, height: 1080 });
  assert.deepEqual(events, [
    { op: Op.Move, x: 10, y: 20, width: 1280, height: 720 },
    { op: Op.Move, x: 11, y: 20, width: 1280, height: 720 },
    { op: Op.Move, x: 11, y: 20, width: 1920, height: 1080 },
  ]);
});

Deno.test("PointerInput.moveBy() carries fractions and splits large moves", () => {
  const { events, pointer } = recorder();
  pointer.moveBy(0.5, 0);
  pointer.moveBy(0.75, -1.25);
  pointer.moveBy(-0.25, 0.25);
  pointer.moveBy(40000, -70000);
  assert.deepEqual(events, [
    { op: Op.MoveRelative, dx: 1, dy: -1 },
    { op: Op.MoveRelative, dx: 32767, dy: -32768 },
    { op: Op.MoveRelative, dx: 7233, dy: -32768 },
    { op: Op.MoveRelative, dx: 0, dy: -4464 },
  ]);
});

Deno.test("PointerInput.moveBy() makes the next absolute move go out even to the same pixel", () => {
  const { events, pointer } = recorder();
  pointer.move({ x: 1, y: 1, width: 10, height: 10 });
  pointer.moveBy(3, 0);
  pointer.move({ x: 1, y: 1, width: 10, height: 10 });
  assert.equal(events.length, 3);
});

Deno.test("PointerInput.releaseAll() releases held buttons and forgets an ignored press", () => {
  const { events, pointer } = recorder();
  pointer.ignorePress(2);
  pointer.buttons(1 | 2);
  pointer.releaseAll();
  pointer.buttons(2);
  assert.deepEqual(events, [
    { op: Op.ButtonDown, button: 1 },
    { op: Op.ButtonUp, button: 1 },
    { op: Op.ButtonDown, button: 3 },
  ]);
});

const PIXEL = 0;
const LINE = 1;
const PAGE = 2;

Deno.test("WheelAccumulator.push() turns one mouse notch into one notch however it is reported", () => {
  const wheel = new WheelAccumulator();
  let t = 0;
  const push = (deltaY: number, deltaMode: number) =>
    wheel.push({ deltaX: 0, deltaY, deltaMode, timeStamp: t += 50 }).dy;
  assert.equal(push(100, PIXEL), 1); // Chrome, Windows
  assert.equal(push(120, PIXEL), 1);
  assert.equal(push(53, PIXEL), 1);
  assert.equal(push(66.66666, PIXEL), 1); // Chrome at 150% zoom
  assert.equal(push(3, LINE), 1); // Firefox
  assert.equal(push(1, LINE), 1); // Windows set to one line per notch
  assert.equal(push(1, PAGE), 3);
  assert.equal(push(-100, PIXEL), -1);
  assert.equal(push(-3, LINE), -1);
});

Deno.test("WheelAccumulator.push() scrolls fast mouse spins by their size", () => {
  const wheel = new WheelAccumulator();
  assert.deepEqual(wheel.push({ deltaX: 0, deltaY: 300, deltaMode: PIXEL, timeStamp: 0 }), {
    dx: 0,
    dy: 3,
  });
  assert.deepEqual(wheel.push({ deltaX: 0, deltaY: 9, deltaMode: LINE, timeStamp: 10 }), {
    dx: 0,
    dy: 3,
  });
  assert.deepEqual(wheel.push({ deltaX: 0, deltaY: 1e6, deltaMode: PIXEL, timeStamp: 20 }), {
    dx: 0,
    dy: 127,
  });
});

Deno.test("WheelAccumulator.push() accumulates trackpad deltas, one notch per 100 px", () => {
  const wheel = new WheelAccumulator();
  const out: number[] = [];
  for (let i = 0; i < 18; i++) {
    out.push(
      wheel.push({ deltaX: 0, deltaY: 12.5, deltaMode: PIXEL, timeStamp: 1000 + i * 16 }).dy,
    );
  }
  // The first event after a pause scrolls at once; then every 8 events (100 px) one notch.
  assert.deepEqual(out, [1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
});

Deno.test("WheelAccumulator.push() drops the remainder when the direction reverses", () => {
  const wheel = new WheelAccumulator();
  const push = (deltaY: number, timeStamp: number) =>
    wheel.push({ deltaX: 0, deltaY, deltaMode: PIXEL, timeStamp }).dy;
  assert.equal(push(10, 0), 1);
  assert.equal(push(40, 16), 0);
  assert.equal(push(40, 32), 0);
  assert.equal(push(-40, 48), 0);
  assert.equal(push(-40, 64), 0);
  assert.equal(push(-40, 80), -1);
});

Deno.test("WheelAccumulator.push() handles the horizontal axis on its own", () => {
  const wheel = new WheelAccumulator();
  assert.deepEqual(wheel.push({ deltaX: 100, deltaY: 0, deltaMode: PIXEL, timeStamp: 0 }), {
    dx: 1,
    dy: 0,
  });
  assert.deepEqual(wheel.push({ deltaX: -3, deltaY: 3, deltaMode: LINE, timeStamp: 10 }), {
    dx: -1,
    dy: 1,
  });
  assert.deepEqual(wheel.push({ deltaX: 0, deltaY: 0, deltaMode: PIXEL, timeStamp: 20 }), {
    dx: 0,
    dy: 0,
  });
});

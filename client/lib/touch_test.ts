import assert from "node:assert/strict";
import { type InputEvent, Op } from "../../lib/protocol/input.ts";
import { LONG_PRESS_MS, TouchGestures, type TouchPoint } from "./touch.ts";

/** A touch gesture recorder; the frame is the client area at 1:1 in a 1000x1000 frame. */
function setup() {
  const events: InputEvent[] = [];
  const timers = new Map<number, { fn: () => void; ms: number }>();
  let next = 1;
  const touch = new TouchGestures((e) => events.push(e), {
    toFrame: (p) => ({
      x: Math.round(p.clientX),
      y: Math.round(p.clientY),
      width: 1000,
      height: 1000,
    }),
    setTimeout: (fn, ms) => {
      timers.set(next, { fn, ms });
      return next++;
    },
    clearTimeout: (id) => void timers.delete(id),
  });
  const fire = () => {
    for (const [id, t] of [...timers]) {
      timers.delete(id);
      t.fn();
    }
  };
  return { events, timers, touch, fire };
}

const finger = (
  pointerId: number,
  clientX: number,
  clientY: number,
  timeStamp = 0,
): TouchPoint => ({
  pointerId,
  clientX,
  clientY,
  timeStamp,
});
const move = (x: number, y: number): InputEvent => ({
  op: Op.Move,
  x,
  y,
  width: 1000,
  height: 1000,
});
const press = (button: number): InputEvent => ({ op: Op.ButtonDown, button });
const release = (button: number): InputEvent => ({ op: Op.ButtonUp, button });

Deno.test("TouchGestures turns a tap into a left click where the finger was", () => {
  const { events, touch, timers } = setup();
  touch.down(finger(1, 100, 200));
  touch.move(finger(1, 104, 203));
  touch.up(finger(1, 104, 203, 120));
  assert.deepEqual(events, [move(100, 200), press(1), release(1)]);
  assert.equal(timers.size, 0);
  assert.equal(touch.held, 0);
});

Deno.test("TouchGestures turns a drag into press, motion and release", () => {
  const { events, touch, timers } = setup();
  touch.down(finger(1, 100, 100));
  touch.move(finger(1, 130, 100));
  assert.equal(touch.held, 1);
  touch.move(finger(1, 160, 120));
  touch.up(finger(1, 170, 125));
  assert.deepEqual(events, [
    move(100, 100),
    press(1),
    move(130, 100),
    move(160, 120),
    move(170, 125),
    release(1),
  ]);
  assert.equal(timers.size, 0);
  assert.equal(touch.held, 0);
});

Deno.test("TouchGestures turns a long press into a right click", () => {
  const { events, touch, timers, fire } = setup();
  touch.down(finger(1, 50, 60));
  assert.equal([...timers.values()][0]?.ms, LONG_PRESS_MS);
  fire();
  touch.move(finger(1, 90, 60));
  touch.up(finger(1, 90, 60, 900));
  assert.deepEqual(events, [move(50, 60), press(3), release(3)]);
});

Deno.test("TouchGestures scrolls with two fingers, content following the fingers", () => {
  const { events, touch, timers } = setup();
  touch.down(finger(1, 100, 300));
  touch.down(finger(2, 200, 300));
  assert.equal(timers.size, 0);
  // Midpoint up 30 px per event: 0.75 notch each.
  touch.move(finger(1, 100, 240));
  touch.move(finger(2, 200, 240));
  touch.move(finger(1, 100, 180));
  touch.move(finger(2, 200, 180));
  // Then 40 px to the left per event: one notch right each (the content moves left).
  touch.move(finger(1, 20, 180));
  touch.move(finger(2, 120, 180));
  touch.up(finger(1, 20, 180, 500));
  touch.move(finger(2, 120, 100));
  touch.up(finger(2, 120, 100, 600));
  assert.deepEqual(events, [
    move(100, 300),
    { op: Op.Scroll, dx: 0, dy: 1 },
    { op: Op.Scroll, dx: 0, dy: 1 },
    { op: Op.Scroll, dx: 0, dy: 1 },
    { op: Op.Scroll, dx: 1, dy: 0 },
    { op: Op.Scroll, dx: 1, dy: 0 },
  ]);
});

Deno.test("TouchGestures turns a quick two-finger tap into a right click", () => {
  const { events, touch } = setup();
  touch.down(finger(1, 100, 100, 0));
  touch.down(finger(2, 150, 100, 20));
  touch.up(finger(2, 150, 100, 150));
  touch.up(finger(1, 100, 100, 160));
  assert.deepEqual(events, [move(100, 100), press(3), release(3)]);
});

Deno.test("TouchGestures ignores a slow two-finger touch without movement", () => {
  const { events, touch } = setup();
  touch.down(finger(1, 100, 100, 0));
  touch.down(finger(2, 150, 100, 20));
  touch.up(finger(2, 150, 100, 900));
  touch.up(finger(1, 100, 100, 910));
  assert.deepEqual(events, [move(100, 100)]);
});

Deno.test("TouchGestures ignores a second finger during a drag", () => {
  const { events, touch } = setup();
  touch.down(finger(1, 100, 100));
  touch.move(finger(1, 150, 100));
  touch.down(finger(2, 500, 500));
  touch.move(finger(2, 600, 600));
  touch.up(finger(2, 600, 600));
  touch.up(finger(1, 150, 100));
  assert.deepEqual(events, [move(100, 100), press(1), move(150, 100), release(1)]);
});

Deno.test("TouchGestures.cancel() releases the button of a drag", () => {
  const { events, touch } = setup();
  touch.down(finger(1, 100, 100));
  touch.move(finger(1, 150, 100));
  touch.cancel(finger(1, 150, 100));
  touch.up(finger(1, 150, 100));
  assert.deepEqual(events, [move(100, 100), press(1), move(150, 100), release(1)]);
  assert.equal(touch.held, 0);
});

Deno.test("TouchGestures.releaseAll() ends a pending tap without clicking", () => {
  const { events, touch, timers } = setup();
  touch.down(finger(1, 100, 100));
  touch.releaseAll();
  touch.up(finger(1, 100, 100));
  assert.deepEqual(events, [move(100, 100)]);
  assert.equal(timers.size, 0);
});

Deno.test("TouchGestures turns spreading fingers into pinch steps, and never scrolls then", () => {
  const events: InputEvent[] = [];
  const pinches: [number, number, number][] = [];
  const touch = new TouchGestures((e) => events.push(e), {
    toFrame: (p) => ({
      x: Math.round(p.clientX),
      y: Math.round(p.clientY),
      width: 1000,
      height: 1000,
    }),
    onPinch: (_from, to) => pinches.push([to.distance, to.midX, to.midY]),
    setTimeout: () => 1,
    clearTimeout: () => {},
  });
  touch.down(finger(1, 100, 300));
  touch.down(finger(2, 200, 300));
  events.length = 0;
  // 20 px wider: under the pinch slop, nothing yet.
  touch.move(finger(2, 220, 300));
  assert.deepEqual(pinches, []);
  touch.move(finger(2, 240, 300));
  // Then the two move down together: a pan within the pinch, no scroll.
  touch.move(finger(1, 100, 400));
  touch.move(finger(2, 240, 400));
  assert.deepEqual(pinches, [[140, 170, 300], [Math.hypot(140, 100), 170, 350], [140, 170, 400]]);
  touch.up(finger(1, 100, 400, 1000));
  touch.up(finger(2, 240, 400, 1000));
  assert.deepEqual(events, [], "no scroll, no click reached the desktop");
});

Deno.test("TouchGestures without onPinch scrolls even when the fingers spread", () => {
  const { events, touch } = setup();
  touch.down(finger(1, 100, 300));
  touch.down(finger(2, 200, 300));
  touch.move(finger(1, 100, 200));
  touch.move(finger(2, 260, 200));
  assert.ok(events.some((e) => e.op === Op.Scroll));
});

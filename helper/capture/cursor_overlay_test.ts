import assert from "node:assert/strict";
import { CursorOverlay, type CursorSample } from "./cursor_overlay.ts";

const ARROW = new Uint32Array(4 * 6).fill(0xff000000);
const IBEAM = new Uint32Array(2 * 8).fill(0xffffffff);

/** The arrow (4x6, hotspot 1,1) with the pointer at (x, y). */
function arrowAt(x: number, y: number, known = false): CursorSample {
  return { x, y, hotX: 1, hotY: 1, width: 4, height: 6, serial: 7, argb: known ? null : ARROW };
}

Deno.test("CursorOverlay polls only while shown, once per interval", () => {
  const overlay = new CursorOverlay({ intervalMs: 16 });
  assert.equal(overlay.pollIn(0), Infinity);
  assert.equal(overlay.show(true, 100), false);
  assert.equal(overlay.pollIn(100), 0);
  overlay.sampled(arrowAt(50, 50), 101);
  assert.equal(overlay.pollIn(105), 12);
  assert.equal(overlay.pollIn(130), 0);
  overlay.show(false, 131);
  assert.equal(overlay.pollIn(131), Infinity);
});

Deno.test("CursorOverlay draws the first sample: its rectangle is read and the cursor placed by its hotspot", () => {
  const overlay = new CursorOverlay({ intervalMs: 16 });
  overlay.show(true, 0);
  assert.equal(overlay.sampled(arrowAt(50, 40), 0), true);
  assert.equal(overlay.knownSerial, 7);
  const frame = overlay.take();
  assert.deepEqual(frame.rects, [{ x: 49, y: 39, width: 4, height: 6 }]);
  assert.deepEqual(frame.cursor, { x: 49, y: 39, width: 4, height: 6, argb: ARROW });
});

Deno.test("CursorOverlay: a still pointer asks for no frame and reads nothing, but still draws", () => {
  const overlay = new CursorOverlay({ intervalMs: 16 });
  overlay.show(true, 0);
  overlay.sampled(arrowAt(50, 40), 0);
  overlay.take();
  assert.equal(overlay.sampled(arrowAt(50, 40, true), 16), false);
  const frame = overlay.take();
  assert.deepEqual(frame.rects, []);
  assert.equal(frame.cursor?.argb, ARROW, "a box that covers the cursor for other damage gets it");
});

Deno.test("CursorOverlay: a move reads where the cursor was drawn and where it is now", () => {
  const overlay = new CursorOverlay({ intervalMs: 16 });
  overlay.show(true, 0);
  overlay.sampled(arrowAt(50, 40), 0);
  overlay.take();
  assert.equal(overlay.sampled(arrowAt(60, 45, true), 16), true);
  // Two moves before a frame: the frame still erases the drawn place, not the one in between.
  assert.equal(overlay.sampled(arrowAt(70, 45, true), 32), true);
  assert.deepEqual(overlay.take().rects, [
    { x: 49, y: 39, width: 4, height: 6 },
    { x: 69, y: 44, width: 4, height: 6 },
  ]);
});

Deno.test("CursorOverlay: a new image in place is a change, with the new size", () => {
  const overlay = new CursorOverlay({ intervalMs: 16 });
  overlay.show(true, 0);
  overlay.sampled(arrowAt(50, 40), 0);
  overlay.take();
  const ibeam = { x: 50, y: 40, hotX: 1, hotY: 4, width: 2, height: 8, serial: 8, argb: IBEAM };
  assert.equal(overlay.sampled(ibeam, 16), true);
  const frame = overlay.take();
  assert.deepEqual(frame.rects, [
    { x: 49, y: 39, width: 4, height: 6 },
    { x: 49, y: 36, width: 2, height: 8 },
  ]);
  assert.equal(frame.cursor?.argb, IBEAM);
  assert.equal(overlay.knownSerial, 8);
});

Deno.test("CursorOverlay: hiding erases the drawn cursor once, then draws nothing", () => {
  const overlay = new CursorOverlay({ intervalMs: 16 });
  overlay.show(true, 0);
  overlay.sampled(arrowAt(50, 40), 0);
  overlay.take();
  assert.equal(overlay.show(false, 20), true);
  assert.deepEqual(overlay.take(), {
    rects: [{ x: 49, y: 39, width: 4, height: 6 }],
    cursor: null,
  });
  assert.deepEqual(overlay.take(), { rects: [], cursor: null });
  // A read that was under way when the pointer was hidden changes nothing.
  assert.equal(overlay.sampled(arrowAt(90, 90, true), 25), false);
  assert.deepEqual(overlay.take(), { rects: [], cursor: null });
});

Deno.test("CursorOverlay: hiding before anything was drawn asks for no frame", () => {
  const overlay = new CursorOverlay({ intervalMs: 16 });
  overlay.show(true, 0);
  assert.equal(overlay.show(false, 5), false);
  assert.equal(overlay.show(false, 6), false);
});

Deno.test("CursorOverlay: shown again, the old image is not drawn before a new read", () => {
  const overlay = new CursorOverlay({ intervalMs: 16 });
  overlay.show(true, 0);
  overlay.sampled(arrowAt(50, 40), 0);
  overlay.take();
  overlay.show(false, 10);
  overlay.show(true, 11);
  assert.deepEqual(overlay.take(), {
    rects: [{ x: 49, y: 39, width: 4, height: 6 }],
    cursor: null,
  });
  assert.equal(overlay.sampled(arrowAt(50, 40, true), 12), true, "the cached image is reused");
  assert.deepEqual(overlay.take().cursor?.argb, ARROW);
});

Deno.test("CursorOverlay draws nothing for an image whose size does not match", () => {
  const overlay = new CursorOverlay({ intervalMs: 16 });
  overlay.show(true, 0);
  overlay.sampled({ ...arrowAt(5, 5), width: 5 }, 0);
  assert.deepEqual(overlay.take(), { rects: [], cursor: null });
});

Deno.test("CursorOverlay refuses a non-positive interval", () => {
  assert.throws(() => new CursorOverlay({ intervalMs: 0 }), {
    message: "Cannot draw the pointer: intervalMs must be > 0, received 0",
  });
});

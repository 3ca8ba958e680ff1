import assert from "node:assert/strict";
import { captureBoxes } from "./capture_boxes.ts";

const SCREEN = { width: 1280, height: 720 };

Deno.test("captureBoxes() widens a rectangle to whole 2x2 blocks", () => {
  assert.deepEqual(captureBoxes([{ x: 11, y: 7, width: 10, height: 5 }], SCREEN), [
    { x: 10, y: 6, width: 12, height: 6, offset: 0 },
  ]);
});

Deno.test("captureBoxes() clips to the screen and drops what lies outside", () => {
  assert.deepEqual(
    captureBoxes([
      { x: -10, y: 700, width: 30, height: 40 },
      { x: 1300, y: 10, width: 20, height: 20 },
      { x: 5, y: 5, width: 0, height: 9 },
    ], SCREEN),
    [{ x: 0, y: 700, width: 20, height: 20, offset: 0 }],
  );
});

Deno.test("captureBoxes() keeps an odd screen edge: the last column is included", () => {
  assert.deepEqual(
    captureBoxes([{ x: 1020, y: 760, width: 3, height: 7 }], { width: 1023, height: 767 }),
    [
      { x: 1020, y: 760, width: 3, height: 7, offset: 0 },
    ],
  );
});

Deno.test("captureBoxes() merges neighbours and keeps distant boxes apart, offsets packed", () => {
  const boxes = captureBoxes([
    // A clock's digits side by side: one box.
    { x: 100, y: 100, width: 20, height: 30 },
    { x: 122, y: 100, width: 20, height: 30 },
    // A caret far away: its own box.
    { x: 900, y: 600, width: 2, height: 16 },
  ], SCREEN);
  assert.deepEqual(boxes, [
    { x: 100, y: 100, width: 42, height: 30, offset: 0 },
    { x: 900, y: 600, width: 2, height: 16, offset: 42 * 30 * 4 },
  ]);
});

Deno.test("captureBoxes() merges the cheapest pairs down to maxBoxes", () => {
  const rects = Array.from({ length: 5 }, (_, i) => ({ x: i * 200, y: 0, width: 10, height: 10 }));
  const boxes = captureBoxes(rects, SCREEN, { maxBoxes: 3, mergeSlackPx: 0 });
  assert.equal(boxes.length, 3);
  const covered = (x: number) => boxes.some((b) => b.x <= x && x + 10 <= b.x + b.width);
  for (const r of rects) assert.ok(covered(r.x), `rect at ${r.x} not covered`);
});

Deno.test("captureBoxes() reads the whole screen once the boxes cover more than half of it", () => {
  assert.deepEqual(
    captureBoxes(
      [
        { x: 0, y: 0, width: 1280, height: 300 },
        { x: 0, y: 420, width: 1280, height: 300 },
      ],
      SCREEN,
      { mergeSlackPx: 0 },
    ),
    [{ x: 0, y: 0, width: 1280, height: 720, offset: 0 }],
  );
});

Deno.test("captureBoxes() turns many small rectangles into their bounding box", () => {
  const rects = Array.from(
    { length: 100 },
    (_, i) => ({ x: 10 + i * 3, y: 50, width: 2, height: 2 }),
  );
  assert.deepEqual(captureBoxes(rects, SCREEN), [
    { x: 10, y: 50, width: 300, height: 2, offset: 0 },
  ]);
});

Deno.test("captureBoxes() returns nothing for no damage", () => {
  assert.deepEqual(captureBoxes([], SCREEN), []);
});

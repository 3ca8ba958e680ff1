import assert from "node:assert/strict";
import { type DpadState, mapPadAxis, mapPadButton } from "./gamepads.ts";

const fresh = (): DpadState => ({ up: false, down: false, left: false, right: false });

Deno.test("mapPadButton() maps face, shoulder, menu and stick buttons to xpad keys", () => {
  const d = fresh();
  const codes = [0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 16].map((b) => mapPadButton(d, b, 0xffff)[0]);
  assert.deepEqual(codes, [
    [1, 0x130, 1],
    [1, 0x131, 1],
    [1, 0x133, 1],
    [1, 0x134, 1],
    [1, 0x136, 1],
    [1, 0x137, 1],
    [1, 0x13a, 1],
    [1, 0x13b, 1],
    [1, 0x13d, 1],
    [1, 0x13e, 1],
    [1, 0x13c, 1],
  ]);
  assert.deepEqual(mapPadButton(d, 0, 0x7fff), [[1, 0x130, 0]], "under half way is released");
  assert.deepEqual(mapPadButton(d, 0, 0x8000), [[1, 0x130, 1]]);
  assert.deepEqual(mapPadButton(d, 17, 0xffff), []);
});

Deno.test("mapPadButton() turns the analog triggers into ABS_Z and ABS_RZ 0-255", () => {
  assert.deepEqual(mapPadButton(fresh(), 6, 0xffff), [[3, 0x02, 255]]);
  assert.deepEqual(mapPadButton(fresh(), 7, 0x8000), [[3, 0x05, 128]]);
  assert.deepEqual(mapPadButton(fresh(), 7, 0), [[3, 0x05, 0]]);
});

Deno.test("mapPadButton() keeps the D-pad as two hat axes", () => {
  const d = fresh();
  assert.deepEqual(mapPadButton(d, 12, 0xffff), [[3, 0x11, -1]]); // up
  assert.deepEqual(mapPadButton(d, 13, 0xffff), [[3, 0x11, 0]]); // up and down cancel
  assert.deepEqual(mapPadButton(d, 12, 0), [[3, 0x11, 1]]); // only down left
  assert.deepEqual(mapPadButton(d, 15, 0xffff), [[3, 0x10, 1]]); // right
  assert.deepEqual(mapPadButton(d, 15, 0), [[3, 0x10, 0]]);
});

Deno.test("mapPadAxis() maps the four stick axes and clamps", () => {
  assert.deepEqual(mapPadAxis(0, -32767), [[3, 0x00, -32767]]);
  assert.deepEqual(mapPadAxis(1, 100), [[3, 0x01, 100]]);
  assert.deepEqual(mapPadAxis(2, 32767), [[3, 0x03, 32767]]);
  assert.deepEqual(mapPadAxis(3, -5), [[3, 0x04, -5]]);
  assert.deepEqual(mapPadAxis(4, 1), []);
});

import assert from "node:assert/strict";
import { blendCursor, cursorRect } from "./cursor_blend.ts";

/** `n` BGRx pixels of one colour. */
function pixels(n: number, bgrx: [number, number, number, number]): Uint8Array {
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) out.set(bgrx, i * 4);
  return out;
}

Deno.test("blendCursor() writes opaque pixels as they are and leaves transparent ones", () => {
  const box = { x: 10, y: 20, width: 2, height: 1 };
  const screen = pixels(2, [1, 2, 3, 0]);
  blendCursor(screen, box, {
    x: 10,
    y: 20,
    width: 2,
    height: 1,
    argb: new Uint32Array([0xffc08040, 0x00000000]),
  });
  assert.deepEqual([...screen], [0x40, 0x80, 0xc0, 0, 1, 2, 3, 0]);
});

Deno.test("blendCursor() blends premultiplied alpha: cursor + screen * (255 - alpha) / 255", () => {
  const box = { x: 0, y: 0, width: 1, height: 1 };
  const screen = pixels(1, [200, 100, 50, 0]);
  // Half-transparent white, premultiplied: 0x80 alpha, 0x80 each colour.
  blendCursor(screen, box, {
    x: 0,
    y: 0,
    width: 1,
    height: 1,
    argb: new Uint32Array([0x80808080]),
  });
  // 128 + round(c * 127 / 255)
  assert.deepEqual([...screen], [128 + 100, 128 + 50, 128 + 25, 0]);
});

Deno.test("blendCursor() draws only the overlap of a cursor that crosses the box's corner", () => {
  const box = { x: 4, y: 4, width: 3, height: 3 };
  const screen = pixels(9, [0, 0, 0, 0]);
  // A 2x2 white cursor at (3, 3): only its bottom-right pixel lies in the box, at (4, 4).
  blendCursor(screen, box, {
    x: 3,
    y: 3,
    width: 2,
    height: 2,
    argb: new Uint32Array([0xff111111, 0xff222222, 0xff333333, 0xffffffff]),
  });
  const lit = [];
  for (let i = 0; i < 9; i++) {
    if (screen[i * 4] !== 0) lit.push([i % 3, Math.floor(i / 3), screen[i * 4]]);
  }
  assert.deepEqual(lit, [[0, 0, 0xff]]);
});

Deno.test("blendCursor() maps rows through both strides", () => {
  const box = { x: 0, y: 0, width: 4, height: 3 };
  const screen = pixels(12, [0, 0, 0, 0]);
  blendCursor(screen, box, {
    x: 1,
    y: 1,
    width: 2,
    height: 2,
    argb: new Uint32Array([0xff000001, 0xff000002, 0xff000003, 0xff000004]),
  });
  const blue = Array.from({ length: 12 }, (_, i) => screen[i * 4]);
  assert.deepEqual(blue, [0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0]);
});

Deno.test("blendCursor() changes nothing for a cursor beside the box", () => {
  const box = { x: 0, y: 0, width: 2, height: 2 };
  const screen = pixels(4, [9, 9, 9, 9]);
  blendCursor(screen, box, { x: 2, y: 0, width: 2, height: 2, argb: new Uint32Array(4).fill(~0) });
  assert.deepEqual([...screen], Array(16).fill(9));
});

Deno.test("cursorRect() is where the image lies", () => {
  assert.deepEqual(
    cursorRect({ x: -3, y: 5, width: 16, height: 24, argb: new Uint32Array(384) }),
    { x: -3, y: 5, width: 16, height: 24 },
  );
});

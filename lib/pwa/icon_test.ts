import assert from "node:assert/strict";
import { iconColor, renderIcon } from "./icon.ts";

Deno.test("renderIcon() draws sky, rock and sea where they belong, opaque everywhere", () => {
  const size = 64;
  const px = renderIcon(size);
  assert.equal(px.length, size * size * 4);
  const at = (x: number, y: number) => [...px.subarray((y * size + x) * 4, (y * size + x) * 4 + 4)];
  assert.deepEqual(at(2, 2), [0x0d, 0x2b, 0x45, 255]); // sky
  assert.deepEqual(at(32, 36), [0xd8, 0xdf, 0xe3, 255]); // rock
  assert.deepEqual(at(32, 60), [0x2a, 0x7a, 0xb8, 255]); // sea
  for (let i = 3; i < px.length; i += 4) assert.equal(px[i], 255);
});

Deno.test("the icon's motif stays inside the maskable safe zone (a circle of 40 % radius)", () => {
  for (let y = 0; y < 1; y += 0.01) {
    for (let x = 0; x < 1; x += 0.01) {
      const inZone = Math.hypot(x - 0.5, y - 0.5) <= 0.4;
      const c = iconColor(x, y);
      if (!inZone && y < 0.6) assert.deepEqual(c, [0x0d, 0x2b, 0x45], `${x},${y}`);
    }
  }
});

Deno.test("renderIcon() refuses silly sizes", () => {
  assert.throws(() => renderIcon(0), RangeError);
  assert.throws(() => renderIcon(1.5), RangeError);
});

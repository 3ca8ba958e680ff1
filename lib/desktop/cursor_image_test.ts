import assert from "node:assert/strict";
import { argbToRgba, cursorPng, cursorScale, scaleRgba } from "./cursor_image.ts";

Deno.test("argbToRgba() undoes premultiplied alpha", () => {
  // Opaque red, half-transparent white (premultiplied 0x80), transparent.
  const rgba = argbToRgba(Uint32Array.of(0xffff0000, 0x80808080, 0x00000000));
  assert.deepEqual([...rgba], [255, 0, 0, 255, 255, 255, 255, 128, 0, 0, 0, 0]);
});

Deno.test("cursorScale() follows --cursor-size and caps at 128 pixels", () => {
  assert.equal(cursorScale(24, 24, -1), 1);
  assert.equal(cursorScale(24, 24, 48), 2);
  assert.equal(cursorScale(16, 32, 16), 0.5);
  assert.equal(cursorScale(64, 64, 256), 2);
  assert.equal(cursorScale(200, 100, -1), 0.64);
});

Deno.test("scaleRgba() doubles pixels by nearest neighbour", () => {
  const two = Uint8Array.of(1, 1, 1, 1, 2, 2, 2, 2);
  const out = scaleRgba(two, { width: 2, height: 1 }, { width: 4, height: 2 });
  assert.deepEqual([...out].filter((_, i) => i % 4 === 0), [1, 1, 2, 2, 1, 1, 2, 2]);
});

Deno.test("cursorPng() encodes a PNG with the scaled size and hotspot", async () => {
  const argb = new Uint32Array(16 * 24).fill(0xff000000);
  const image = await cursorPng({ width: 16, height: 24, hotX: 4, hotY: 11, argb }, 48);
  assert.deepEqual(
    { width: image.width, height: image.height, hotX: image.hotX, hotY: image.hotY },
    { width: 32, height: 48, hotX: 8, hotY: 22 },
  );
  const png = Uint8Array.fromBase64(image.png);
  const view = new DataView(png.buffer);
  assert.deepEqual([view.getUint32(16), view.getUint32(20)], [32, 48]);
});

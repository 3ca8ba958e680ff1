import assert from "node:assert/strict";
import { CursorCache, cursorCss } from "./cursor.ts";

const IMAGE = { png: "iVBORw0KGgo=", width: 9, height: 16, hotX: 4, hotY: 8 };

Deno.test("cursorCss() is a PNG data URL with the hotspot and a fallback", () => {
  assert.equal(cursorCss(IMAGE), 'url("data:image/png;base64,iVBORw0KGgo=") 4 8, auto');
});

Deno.test("CursorCache remembers images by serial, first in first out", () => {
  const cache = new CursorCache();
  assert.equal(cache.apply(1), undefined);
  assert.equal(cache.apply(1, IMAGE), cursorCss(IMAGE));
  assert.equal(cache.apply(1), cursorCss(IMAGE));
  for (let serial = 2; serial <= 257; serial++) cache.apply(serial, IMAGE);
  // 256 remembered: serial 1 went first.
  assert.equal(cache.apply(1), undefined);
  assert.equal(cache.apply(2), cursorCss(IMAGE));
  cache.clear();
  assert.equal(cache.apply(2), undefined);
});

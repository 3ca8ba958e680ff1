import assert from "node:assert/strict";
import { visibleBox } from "./visual_viewport.ts";

Deno.test("visibleBox() is the part above an open on-screen keyboard", () => {
  // 390x844 phone, a 336 px keyboard: 508 px stay visible at the top.
  assert.deepEqual(visibleBox(844, { height: 508, offsetTop: 0 }), { top: 0, height: 508 });
  // iOS scrolls the visual viewport down instead: the box follows it.
  assert.deepEqual(visibleBox(844, { height: 508, offsetTop: 120 }), { top: 120, height: 508 });
});

Deno.test("visibleBox() is the whole window without a visual viewport or with odd values", () => {
  assert.deepEqual(visibleBox(844, undefined), { top: 0, height: 844 });
  assert.deepEqual(visibleBox(844, { height: 0, offsetTop: 0 }), { top: 0, height: 844 });
  assert.deepEqual(visibleBox(844, { height: 900, offsetTop: -5 }), { top: 0, height: 844 });
  assert.deepEqual(visibleBox(844, { height: 500, offsetTop: 600 }), { top: 600, height: 244 });
});

import assert from "node:assert/strict";
import { wrapFocus } from "./focus_trap.ts";

Deno.test("wrapFocus() wraps Tab at the ends and leaves the middle to the browser", () => {
  assert.equal(wrapFocus(3, 2, false), 0);
  assert.equal(wrapFocus(3, 0, true), 2);
  assert.equal(wrapFocus(3, 1, false), undefined);
  assert.equal(wrapFocus(3, 1, true), undefined);
  assert.equal(wrapFocus(3, 0, false), undefined);
});

Deno.test("wrapFocus() brings focus from outside back in, and does nothing in an empty panel", () => {
  assert.equal(wrapFocus(4, -1, false), 0);
  assert.equal(wrapFocus(4, -1, true), 3);
  assert.equal(wrapFocus(0, -1, false), undefined);
  assert.equal(wrapFocus(1, 0, false), 0);
});

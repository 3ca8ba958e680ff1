import assert from "node:assert/strict";
import { layout, onPath } from "./desktop.ts";

Deno.test("layout() keeps the terminal and the clock apart on small and large screens", () => {
  assert.deepEqual(layout(1280, 720), { terminal: "96x23+40+48", clock: "182x182-40+48" });
  assert.deepEqual(layout(640, 480), { terminal: "48x15+40+48", clock: "120x120-40+48" });
  assert.deepEqual(layout(3840, 2160), { terminal: "120x40+40+48", clock: "220x220-40+48" });
});

Deno.test("onPath() finds executables on PATH only", () => {
  assert.equal(onPath("sh", "/usr/bin:/bin"), true);
  assert.equal(onPath("no-such-program-here", "/usr/bin:/bin"), false);
});

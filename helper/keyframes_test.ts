import assert from "node:assert/strict";
import { keyframeIntervalMs } from "./keyframes.ts";

Deno.test("keyframeIntervalMs() is the longest round trip of the viewers", () => {
  assert.equal(keyframeIntervalMs([40, 180.4, 90]), 180);
});

Deno.test("keyframeIntervalMs() allows at most ten forced keyframes a second", () => {
  assert.equal(keyframeIntervalMs([0.6]), 100);
  assert.equal(keyframeIntervalMs([]), 100);
});

Deno.test("keyframeIntervalMs() lets no broken picture wait more than 300 ms", () => {
  assert.equal(keyframeIntervalMs([20, 2500]), 300);
});

import assert from "node:assert/strict";
import { isMediaThread, MEDIA_NICE } from "./thread_priority.ts";

Deno.test("isMediaThread() picks capture, conversion and encoding threads only", () => {
  for (const name of ["ximagesrc0:src", "encodequeue:src\n", "pool-deno", "pool-skerry"]) {
    assert.equal(isMediaThread(name), true, JSON.stringify(name));
  }
  const others = [
    "webrtc:pc",
    "webrtc:ice",
    "deno",
    "tokio-runtime-w",
    "sendqueue:src",
    "queue0:src",
    "",
  ];
  for (const name of others) assert.equal(isMediaThread(name), false, JSON.stringify(name));
  assert.equal(MEDIA_NICE, 8);
});

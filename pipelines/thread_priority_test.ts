import assert from "node:assert/strict";
import { isMediaThread, MEDIA_NICE } from "./thread_priority.ts";

Deno.test("isMediaThread() picks capture, queue and unnamed encoder threads only", () => {
  for (const name of ["ximagesrc0:src", "queue0:src", "queue12:src\n", "", "x264"]) {
    assert.equal(isMediaThread(name), true, JSON.stringify(name));
  }
  for (
    const name of ["webrtc:pc", "webrtc:ice", "deno", "tokio-runtime-w", "appsrc0:src", "queue:src"]
  ) {
    assert.equal(isMediaThread(name), false, name);
  }
  assert.equal(MEDIA_NICE, 8);
});

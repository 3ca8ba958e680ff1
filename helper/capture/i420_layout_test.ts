import assert from "node:assert/strict";
import { i420Layout } from "./i420_layout.ts";

// Expected values printed by gst_video_info_set_format() on GStreamer 1.22.
Deno.test("i420Layout() matches GStreamer for even sizes", () => {
  assert.deepEqual(i420Layout(1280, 720), {
    width: 1280,
    height: 720,
    strideY: 1280,
    strideUV: 640,
    offsetU: 921600,
    offsetV: 1152000,
    size: 1382400,
  });
});

Deno.test("i420Layout() pads rows to 4 bytes and planes to even rows like GStreamer", () => {
  const layout = (w: number, h: number) => {
    const { strideY, strideUV, offsetU, offsetV, size } = i420Layout(w, h);
    return [strideY, strideUV, offsetU, offsetV, size];
  };
  assert.deepEqual(layout(1366, 768), [1368, 684, 1050624, 1313280, 1575936]);
  assert.deepEqual(layout(1023, 767), [1024, 512, 786432, 983040, 1179648]);
  assert.deepEqual(layout(3, 5), [4, 4, 24, 36, 48]);
  assert.deepEqual(layout(1, 1), [4, 4, 8, 12, 16]);
});

Deno.test("i420Layout() rejects empty and fractional sizes", () => {
  assert.throws(() => i420Layout(0, 720), RangeError);
  assert.throws(() => i420Layout(12.5, 720), RangeError);
});

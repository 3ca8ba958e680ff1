import assert from "node:assert/strict";
import {
  codecLabel,
  codecOf,
  DEFAULT_FALLBACK_ENCODERS,
  encoderLabel,
  ENCODERS,
  isEncoder,
} from "./encoders.ts";

Deno.test("codecOf() names the SDP codec of every encoder, in --help order", () => {
  assert.deepEqual(ENCODERS, [
    "x264enc",
    "openh264enc",
    "vp8enc",
    "vp9enc",
    "av1enc",
    "nvh264enc",
  ]);
  assert.deepEqual(ENCODERS.map(codecOf), ["H264", "H264", "VP8", "VP9", "AV1", "H264"]);
});

Deno.test("encoderLabel() names encoders for people; the fallbacks are software encoders", () => {
  assert.deepEqual(ENCODERS.map(encoderLabel), [
    "H.264 (x264)",
    "H.264 (OpenH264)",
    "VP8",
    "VP9",
    "AV1",
    "H.264 (NVIDIA)",
  ]);
  assert.equal(codecLabel("H264"), "H.264");
  assert.deepEqual(DEFAULT_FALLBACK_ENCODERS, ["x264enc", "vp8enc", "openh264enc", "vp9enc"]);
  assert.equal(isEncoder("vp8enc"), true);
  assert.equal(isEncoder("toString"), false);
  assert.equal(isEncoder("h266"), false);
});

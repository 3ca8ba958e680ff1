import assert from "node:assert/strict";
import { codecOf, ENCODERS } from "./encoders.ts";

Deno.test("codecOf() names the SDP codec of every encoder, in --help order", () => {
  assert.deepEqual(ENCODERS, ["x264enc", "openh264enc", "vp8enc", "vp9enc", "nvh264enc"]);
  assert.deepEqual(ENCODERS.map(codecOf), ["H264", "H264", "VP8", "VP9", "H264"]);
});

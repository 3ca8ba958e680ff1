import assert from "node:assert/strict";
import { x264RateParams, x264Settings } from "./x264_settings.ts";

Deno.test("x264Settings() matches the x264enc recipe: ultrafast, zerolatency, sliced, CBR-like VBV", () => {
  const s = x264Settings({ bitrateKbps: 8000, framerate: 60, keyframeDistance: -1, threads: 2 });
  assert.equal(s.preset, "ultrafast");
  assert.equal(s.tune, "zerolatency");
  assert.equal(s.profile, "baseline");
  assert.equal(s.params.threads, 2);
  assert.equal(s.params["sliced-threads"], true);
  assert.equal(s.params.keyint, "infinite");
  assert.equal(s.params.fps, "60/1");
  // 1.5 frames at 60 fps = 25 ms of 8000 kbit/s = 200 kbit.
  assert.deepEqual(x264RateParams({ bitrateKbps: 8000, framerate: 60, keyframeDistance: -1 }), {
    bitrate: 8000,
    "vbv-maxrate": 8000,
    "vbv-bufsize": 200,
  });
});

Deno.test("x264Settings() turns a keyframe distance in seconds into frames", () => {
  const s = x264Settings({ bitrateKbps: 2000, framerate: 30, keyframeDistance: 2.5, threads: 1 });
  assert.equal(s.params.keyint, "75");
  // Three frames at 30 fps = 100 ms of 2000 kbit/s.
  assert.equal(s.params["vbv-bufsize"], 200);
});

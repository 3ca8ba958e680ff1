import assert from "node:assert/strict";
import { QP_MAX, QP_MIN } from "./x264_rate_control.ts";
import { x264RateOptions, x264Settings } from "./x264_settings.ts";

Deno.test("x264Settings() matches the x264enc recipe: ultrafast, zerolatency, sliced, constant QP", () => {
  const s = x264Settings({ bitrateKbps: 8000, framerate: 60, keyframeDistance: -1, threads: 2 });
  assert.equal(s.preset, "ultrafast");
  assert.equal(s.tune, "zerolatency");
  assert.equal(s.profile, "baseline");
  // One core fewer than the x264enc recipe: the capture and the sender need one.
  assert.equal(s.params.threads, 1);
  assert.equal(s.params["sliced-threads"], true);
  assert.equal(s.params.keyint, "infinite");
  assert.equal(s.params.fps, "60/1");
  // The rate control picks each picture's QP: no x264 bitrate mode, no VBV.
  assert.equal(s.params.qp, QP_MIN);
  // The I and P constants span QP_MIN..QP_MAX (x264 clamps a picture's QP to that span).
  assert.equal(Math.round(QP_MIN - 6 * Math.log2(s.params.ipratio as number)), QP_MAX);
  assert.equal(s.params.pbratio, 1);
  assert.equal(s.params.bitrate, undefined);
  assert.equal(s.params["vbv-bufsize"], undefined);
  // 1.5 frames at 60 fps = 25 ms of bucket.
  assert.deepEqual(x264RateOptions({ bitrateKbps: 8000, framerate: 60, keyframeDistance: -1 }), {
    bitrateKbps: 8000,
    framerate: 60,
    bufferMs: 25,
  });
});

Deno.test("x264Settings() turns a keyframe distance in seconds into frames", () => {
  const s = x264Settings({ bitrateKbps: 2000, framerate: 30, keyframeDistance: 2.5, threads: 1 });
  assert.equal(s.params.keyint, "75");
  // Three frames at 30 fps = 100 ms.
  assert.equal(
    x264RateOptions({ bitrateKbps: 2000, framerate: 30, keyframeDistance: 2.5 }).bufferMs,
    100,
  );
});

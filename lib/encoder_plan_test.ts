import assert from "node:assert/strict";
import { planEncoders } from "./encoder_plan.ts";
import { ELEMENT_PACKAGES } from "./probe.ts";
import { DEFAULT_FALLBACK_ENCODERS, ENCODERS } from "./protocol/encoders.ts";
import { requiredElements } from "../pipelines/video.ts";

const ALL = [...new Set(ENCODERS.flatMap((e) => requiredElements(e)))];
/** This machine: no NVIDIA, no AV1 RTP payloader (GStreamer 1.22). */
const HERE = {
  available: ALL.filter((e) =>
    !["cudaupload", "cudaconvert", "nvh264enc", "rtpav1pay"].includes(e)
  ),
  missing: ["cudaupload", "cudaconvert", "nvh264enc", "rtpav1pay"],
};
const deps = { required: requiredElements, packages: ELEMENT_PACKAGES };

Deno.test("planEncoders() offers the configured encoder, then the fallbacks available here", () => {
  assert.deepEqual(
    planEncoders({ encoder: "x264enc", fallbackEncoders: DEFAULT_FALLBACK_ENCODERS }, HERE, deps),
    { offered: ["x264enc", "vp8enc", "openh264enc", "vp9enc"], installed: [], warnings: [] },
  );
  assert.deepEqual(
    planEncoders({ encoder: "vp9enc", fallbackEncoders: ["vp8enc", "vp9enc"] }, HERE, deps),
    { offered: ["vp9enc", "vp8enc"], installed: ["x264enc", "openh264enc"], warnings: [] },
  );
});

Deno.test("planEncoders() falls back from nvh264enc without NVIDIA with one warning", () => {
  assert.deepEqual(
    planEncoders({ encoder: "nvh264enc", fallbackEncoders: DEFAULT_FALLBACK_ENCODERS }, HERE, deps),
    {
      offered: ["x264enc", "vp8enc", "openh264enc", "vp9enc"],
      installed: [],
      warnings: [
        "nvh264enc is not usable here (missing cudaupload, cudaconvert, nvh264enc); falling back to x264enc",
      ],
    },
  );
});

Deno.test("planEncoders() says which listed encoder is not offered, and why", () => {
  assert.deepEqual(
    planEncoders({ encoder: "x264enc", fallbackEncoders: ["av1enc"] }, HERE, deps),
    {
      offered: ["x264enc"],
      installed: ["openh264enc", "vp8enc", "vp9enc"],
      warnings: ["av1enc is not usable here (missing rtpav1pay); it is not offered"],
    },
  );
});

Deno.test("planEncoders() stops with the packages to install when nothing can run", () => {
  assert.throws(
    () =>
      planEncoders({ encoder: "x264enc", fallbackEncoders: [] }, {
        available: ALL.filter((e) => e !== "x264enc" && e !== "webrtcbin"),
        missing: ["x264enc", "webrtcbin"],
      }, deps),
    {
      message:
        "GStreamer elements missing for --encoder=x264enc: x264enc (gstreamer1.0-plugins-ugly), webrtcbin (gstreamer1.0-plugins-bad and gstreamer1.0-nice)",
    },
  );
});

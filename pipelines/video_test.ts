import assert from "node:assert/strict";
import {
  captureCaps,
  capturePipeline,
  captureSpec,
  encodeTier,
  liveEncoderSettings,
  peerBranch,
  requiredElements,
  rtpCaps,
  videoPipeline,
  type VideoPipelineOptions,
} from "./video.ts";

const BASE: VideoPipelineOptions = {
  display: ":5",
  encoder: "x264enc",
  framerate: 60,
  bitrateKbps: 8000,
  keyframeDistance: -1,
  showPointer: true,
  threads: 2,
};

const X264 =
  "x264enc name=videoenc tune=zerolatency speed-preset=ultrafast threads=2 sliced-threads=true " +
  "bframes=0 b-adapt=false rc-lookahead=0 sync-lookahead=0 mb-tree=false bitrate=8000 pass=cbr " +
  "vbv-buf-capacity=25 key-int-max=2147483647 insert-vui=true aud=false byte-stream=true";
const AFTER_X264 = [
  "video/x-h264,profile=constrained-baseline,stream-format=byte-stream",
  "identity name=framecount silent=true",
  "rtph264pay mtu=1200 config-interval=-1 aggregate-mode=zero-latency",
  "application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96," +
  "rtcp-fb-nack-pli=true,rtcp-fb-ccm-fir=true," +
  'extmap-1=(string)"http://www.webrtc.org/experiments/rtp-hdrext/playout-delay",' +
  'extmap-3=(string)"http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"',
  "tee name=videotee allow-not-linked=true",
];
const CONVERT = [
  "videoconvert n-threads=2 qos=false",
  "video/x-raw,format=I420",
  "queue name=encodequeue max-size-buffers=1 max-size-bytes=0 max-size-time=0 leaky=downstream",
];

Deno.test("videoPipeline() composes the x264 low-latency chain fed by the damage capture", () => {
  assert.equal(
    videoPipeline(BASE),
    [
      "appsrc name=screen is-live=true format=time do-timestamp=false " +
      "block=false max-buffers=1 leaky-type=downstream min-latency=0",
      ...CONVERT,
      X264,
      ...AFTER_X264,
    ].join(" ! "),
  );
});

Deno.test("videoPipeline() with capture=ximagesrc reads every frame at the frame rate", () => {
  assert.equal(
    videoPipeline({ ...BASE, capture: "ximagesrc" }),
    [
      "ximagesrc name=screen display-name=:5 show-pointer=true use-damage=false",
      "capsfilter name=capturecaps caps=video/x-raw,framerate=60/1",
      ...CONVERT,
      X264,
      ...AFTER_X264,
    ].join(" ! "),
  );
});

Deno.test("captureSpec() tells the helper what to capture, for the damage capture only", () => {
  assert.deepEqual(captureSpec(BASE), {
    source: "screen",
    display: ":5",
    framerate: 60,
    showPointer: true,
  });
  assert.equal(captureSpec({ ...BASE, capture: "ximagesrc" }), null);
});

Deno.test("videoPipeline() turns keyframe distance into frames and a larger VBV", () => {
  const p = videoPipeline({ ...BASE, framerate: 30, keyframeDistance: 2 });
  assert.match(p, / key-int-max=60 /);
  assert.match(p, / vbv-buf-capacity=100 /);
});

Deno.test("videoPipeline() builds VP8, VP9 and OpenH264 chains with their payloaders", () => {
  const vp8 = videoPipeline({ ...BASE, encoder: "vp8enc" });
  assert.match(
    vp8,
    /vp8enc name=videoenc deadline=1 cpu-used=-16 end-usage=cbr target-bitrate=8000000 /,
  );
  assert.match(vp8, / lag-in-frames=0 /);
  assert.match(vp8, /! video\/x-vp8 ! identity name=framecount silent=true ! rtpvp8pay mtu=1200 /);
  assert.match(vp8, /encoding-name=VP8,payload=96/);
  const vp9 = videoPipeline({ ...BASE, encoder: "vp9enc" });
  assert.match(vp9, /vp9enc name=videoenc deadline=1 cpu-used=8 .* row-mt=true /);
  assert.match(vp9, /rtpvp9pay mtu=1200 picture-id-mode=15-bit/);
  const openh264 = videoPipeline({ ...BASE, encoder: "openh264enc" });
  assert.match(openh264, /openh264enc name=videoenc usage-type=screen complexity=low /);
  assert.match(openh264, /rate-control=bitrate bitrate=8000000 enable-frame-skip=false/);
});

Deno.test("videoPipeline() builds the NVIDIA chain on CUDA memory", () => {
  const p = videoPipeline({ ...BASE, encoder: "nvh264enc", gpuId: 1, framerate: 60 });
  assert.match(
    p,
    /! cudaupload cuda-device-id=1 ! cudaconvert cuda-device-id=1 qos=false ! video\/x-raw\(memory:CUDAMemory\),format=NV12 ! nvh264enc name=videoenc cuda-device-id=1 preset=low-latency-hq zerolatency=true bframes=0 rc-lookahead=0 rc-mode=cbr bitrate=8000 vbv-buffer-size=200 gop-size=-1 strict-gop=true aud=false ! /,
  );
  assert.doesNotMatch(p, /videoconvert/);
  assert.match(p, /^appsrc name=screen .* ! cudaupload /);
  assert.deepEqual(requiredElements("nvh264enc"), [
    "appsrc",
    "cudaupload",
    "cudaconvert",
    "nvh264enc",
    "rtph264pay",
    "webrtcbin",
    "tee",
    "errorignore",
    "queue",
    "nicesrc",
  ]);
  assert.deepEqual(requiredElements("x264enc", "ximagesrc").slice(0, 3), [
    "ximagesrc",
    "videoconvert",
    "x264enc",
  ]);
});

Deno.test("videoPipeline() rejects out-of-range numbers and odd display names", () => {
  assert.throws(() => videoPipeline({ ...BASE, framerate: 0 }), {
    name: "RangeError",
    message: "Cannot build pipeline: framerate must be an integer 1-240, received 0",
  });
  assert.throws(() => videoPipeline({ ...BASE, bitrateKbps: 1.5 }), RangeError);
  assert.throws(() => videoPipeline({ ...BASE, threads: 0 }), {
    message: "Cannot build pipeline: threads must be an integer 1-64, received 0",
  });
  assert.throws(() => videoPipeline({ ...BASE, display: ":0 ! filesink location=/x" }), {
    message: 'Cannot build pipeline: invalid display name ":0 ! filesink location=/x"',
  });
});

Deno.test("rtpCaps() names the codec, asks for playout delay and transport-wide feedback", () => {
  assert.equal(
    rtpCaps("VP9"),
    "application/x-rtp,media=video,clock-rate=90000,encoding-name=VP9,payload=96," +
      "rtcp-fb-nack-pli=true,rtcp-fb-ccm-fir=true," +
      'extmap-1=(string)"http://www.webrtc.org/experiments/rtp-hdrext/playout-delay",' +
      'extmap-3=(string)"http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"',
  );
});

Deno.test("liveEncoderSettings() gives each encoder its bitrate unit and frame-rate buffers", () => {
  const o = { bitrateKbps: 2500, framerate: 30, keyframeDistance: -1 };
  assert.deepEqual(liveEncoderSettings("x264enc", o), { bitrate: 2500, "vbv-buf-capacity": 50 });
  assert.deepEqual(liveEncoderSettings("openh264enc", o), { bitrate: 2_500_000 });
  assert.deepEqual(liveEncoderSettings("vp8enc", o), {
    "target-bitrate": 2_500_000,
    "buffer-size": 50,
    "buffer-initial-size": 50,
    "buffer-optimal-size": 50,
  });
  assert.deepEqual(liveEncoderSettings("nvh264enc", { ...o, framerate: 60 }), { bitrate: 2500 });
  assert.deepEqual(liveEncoderSettings("fakeenc", o), {});
  assert.equal(captureCaps(24), "video/x-raw,framerate=24/1");
});

Deno.test("peerBranch() isolates a viewer: error filter, leaky queue, bundled webrtcbin", () => {
  assert.equal(
    peerBranch(),
    "errorignore ignore-error=true ignore-notnegotiated=true ignore-eos=true ! " +
      "queue name=sendqueue max-size-buffers=0 max-size-bytes=0 max-size-time=200000000 leaky=downstream ! " +
      "webrtcbin name=webrtc bundle-policy=max-bundle latency=0",
  );
});

Deno.test("videoPipeline() builds the AV1 chain in libaom's real-time mode", () => {
  const p = videoPipeline({ ...BASE, encoder: "av1enc", bitrateKbps: 4000, framerate: 30 });
  assert.match(
    p,
    / ! av1enc name=videoenc usage-profile=realtime cpu-used=10 end-usage=cbr target-bitrate=4000 min-quantizer=4 max-quantizer=56 lag-in-frames=0 threads=2 row-mt=true tile-columns=1 keyframe-max-dist=2147483647 buf-sz=50 buf-initial-sz=50 buf-optimal-sz=50 undershoot-pct=25 overshoot-pct=10 ! video\/x-av1 ! identity name=framecount silent=true ! rtpav1pay mtu=1200 ! application\/x-rtp,media=video,clock-rate=90000,encoding-name=AV1,/,
  );
  assert.deepEqual(requiredElements("av1enc", "ximagesrc"), [
    "ximagesrc",
    "videoconvert",
    "av1enc",
    "rtpav1pay",
    "webrtcbin",
    "tee",
    "errorignore",
    "queue",
    "nicesrc",
  ]);
});

Deno.test("capturePipeline() and encodeTier() split videoPipeline() at a capture tee", () => {
  const capture = capturePipeline({
    display: ":5",
    framerate: 60,
    showPointer: true,
    capture: "ximagesrc",
  });
  assert.equal(
    capture,
    "ximagesrc name=screen display-name=:5 show-pointer=true use-damage=false ! " +
      "capsfilter name=capturecaps caps=video/x-raw,framerate=60/1 ! tee name=capture allow-not-linked=true",
  );
  const { display: _, showPointer: __, ...tier } = BASE;
  for (
    const encoder of ["x264enc", "openh264enc", "vp8enc", "vp9enc", "av1enc", "nvh264enc"] as const
  ) {
    const whole = videoPipeline({ ...BASE, encoder, capture: "ximagesrc" });
    const part = encodeTier({ ...tier, encoder });
    assert.equal(`${capture.replace(/ ! tee name=capture .*$/, "")} ! ${part}`, whole);
  }
  assert.match(
    encodeTier({ ...tier, encoder: "vp8enc" }),
    /^videoconvert n-threads=2 qos=false ! /,
  );
  assert.match(encodeTier({ ...tier, encoder: "nvh264enc" }), /^cudaupload cuda-device-id=0 ! /);
  assert.throws(() => encodeTier({ ...tier, threads: 0 }), RangeError);
  assert.equal(
    capturePipeline({ display: ":5", framerate: 60, showPointer: true }),
    "appsrc name=screen is-live=true format=time do-timestamp=false block=false max-buffers=1 " +
      "leaky-type=downstream min-latency=0 ! tee name=capture allow-not-linked=true",
  );
  assert.throws(() => capturePipeline({ display: "a b", framerate: 60, showPointer: true }), {
    message: 'Cannot build pipeline: invalid display name "a b"',
  });
});

Deno.test("encodeTier() with libx264 is an appsrc named as the encoder feeding x264enc's payloader", () => {
  const { display: _, showPointer: __, ...tier } = BASE;
  const part = encodeTier({ ...tier, encoder: "x264enc", libx264: true });
  assert.match(part, /^appsrc name=videoenc is-live=true format=time do-timestamp=false /);
  assert.ok(!part.includes("x264enc") && !part.includes("videoconvert"), part);
  // The same caps, frame counter, payloader, RTP caps and tee as the x264enc tier.
  const x264enc = encodeTier({ ...tier, encoder: "x264enc" });
  assert.equal(
    part.slice(part.indexOf(" ! ") + 3),
    x264enc.slice(x264enc.indexOf("video/x-h264")),
  );
  // Only x264enc has a libx264 form.
  assert.equal(
    encodeTier({ ...tier, encoder: "vp8enc", libx264: true }),
    encodeTier({ ...tier, encoder: "vp8enc" }),
  );
});

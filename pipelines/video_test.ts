import assert from "node:assert/strict";
import {
  captureSpec,
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
  'extmap-1=(string)"http://www.webrtc.org/experiments/rtp-hdrext/playout-delay"',
  "tee name=videotee allow-not-linked=true",
];

Deno.test("videoPipeline() composes the x264 low-latency chain fed by the damage capture", () => {
  assert.equal(
    videoPipeline(BASE),
    [
      "appsrc name=capture is-live=true format=time do-timestamp=false " +
      "block=false max-buffers=1 leaky-type=downstream min-latency=0",
      X264,
      ...AFTER_X264,
    ].join(" ! "),
  );
});

Deno.test("videoPipeline() with capture=ximagesrc reads and converts every frame", () => {
  assert.equal(
    videoPipeline({ ...BASE, capture: "ximagesrc" }),
    [
      "ximagesrc name=capture display-name=:5 show-pointer=true use-damage=false",
      "video/x-raw,framerate=60/1",
      "videoconvert n-threads=2 qos=false",
      "video/x-raw,format=I420",
      "queue name=encodequeue max-size-buffers=1 max-size-bytes=0 max-size-time=0 leaky=downstream",
      X264,
      ...AFTER_X264,
    ].join(" ! "),
  );
});

Deno.test("captureSpec() tells the helper what to capture, for the damage capture only", () => {
  assert.deepEqual(captureSpec(BASE), { source: "capture", display: ":5", framerate: 60 });
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
  assert.match(p, /^appsrc name=capture .* ! cudaupload /);
  assert.deepEqual(requiredElements("nvh264enc"), [
    "appsrc",
    "cudaupload",
    "cudaconvert",
    "nvh264enc",
    "rtph264pay",
    "webrtcbin",
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

Deno.test("rtpCaps() names the codec the browser negotiates and asks for playout delay", () => {
  assert.equal(
    rtpCaps("VP9"),
    "application/x-rtp,media=video,clock-rate=90000,encoding-name=VP9,payload=96," +
      "rtcp-fb-nack-pli=true,rtcp-fb-ccm-fir=true," +
      'extmap-1=(string)"http://www.webrtc.org/experiments/rtp-hdrext/playout-delay"',
  );
});

Deno.test("peerBranch() isolates a viewer: error filter, leaky queue, bundled webrtcbin", () => {
  assert.equal(
    peerBranch(),
    "errorignore ignore-error=true ignore-notnegotiated=true ignore-eos=true ! " +
      "queue name=sendqueue max-size-buffers=0 max-size-bytes=0 max-size-time=100000000 leaky=downstream ! " +
      "webrtcbin name=webrtc bundle-policy=max-bundle latency=0",
  );
});

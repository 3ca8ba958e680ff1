/**
 * GStreamer pipeline descriptions for the video path, one recipe per encoder.
 *
 * A session's pipeline is `capture ! convert ! encode ! payload ! tee`; every
 * viewer is a branch `queue ! webrtcbin` linked to the tee, so all viewers
 * share one capture and one encode. Every knob that trades latency or
 * compatibility says why next to it.
 *
 * @module
 */

import {
  type CaptureMode,
  codecOf,
  type Encoder,
  type VideoCodec,
} from "../lib/protocol/encoders.ts";

/** Name of the tee every viewer branch links to. */
export const VIDEO_TEE = "videotee";
/** Name of the encoder element, for keyframe requests and live changes. */
export const VIDEO_ENCODER = "videoenc";
/** Name of the `identity` after the encoder: its buffer count is the frames encoded (metrics). */
export const FRAME_COUNTER = "framecount";
/** Name of the queue before the encoder: its thread is the encoding thread. */
export const ENCODE_QUEUE = "encodequeue";
/** Name of the capture element: the damage capture's `appsrc`, or `ximagesrc`. */
export const VIDEO_SOURCE = "capture";
/** Name of the queue in a viewer branch: its thread sends that viewer's packets. */
const SEND_QUEUE = "sendqueue";
/** Name of webrtcbin inside a viewer branch. */
export const PEER_WEBRTCBIN = "webrtc";
/** RTP payload type offered for video. */
const VIDEO_PAYLOAD_TYPE = 96;
/** RTP header extension id of playout-delay in the offer. */
const PLAYOUT_DELAY_EXTMAP_ID = 1;
/**
 * URI of the playout-delay RTP header extension, as in SDP `a=extmap`. The
 * helper registers an element for it (helper/playout_delay.ts) that writes
 * min = max = 0 ms on every packet.
 */
export const PLAYOUT_DELAY_URI = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";
/** RTP MTU: 1200 bytes leaves room for SRTP, TURN and VPN headers on a 1500-byte path. */
const RTP_MTU = 1200;

/** What a video pipeline is built from. */
export interface VideoPipelineOptions {
  /** X display to capture, e.g. `":0"`. */
  display: string;
  /** Encoder element. */
  encoder: Encoder;
  /** Frames per second captured and encoded. */
  framerate: number;
  /** Target video bitrate, in kbit/s. */
  bitrateKbps: number;
  /** Seconds between forced keyframes; -1 for keyframes only when a viewer asks (PLI). */
  keyframeDistance: number;
  /** Draw the X pointer into the video. */
  showPointer: boolean;
  /**
   * Encoder and converter threads. The caller picks it (for example the CPU
   * count, at most 4) so that building a pipeline string stays a pure function.
   */
  threads: number;
  /** CUDA device for NVIDIA encoders. Default 0. */
  gpuId?: number;
  /**
   * How the screen is read: `damage` (the helper's own capture on X damage,
   * converted to I420 and pushed into an `appsrc`; helper/capture/) or
   * `ximagesrc` (every frame, whatever changed). Default damage.
   */
  capture?: CaptureMode;
}

interface Recipe {
  /** Elements from raw BGRx frames to the encoder input, without the encoder. */
  convert(o: Required<VideoPipelineOptions>): string[];
  /** Elements from the damage capture's I420 frames to the encoder input; default none. */
  fromI420?(o: Required<VideoPipelineOptions>): string[];
  /** The encoder element with its properties. */
  encode(o: Required<VideoPipelineOptions>): string;
  /** Caps forced on the encoder output. */
  caps: string;
  /** The RTP payloader with its properties. */
  pay: string;
  /** GStreamer elements the recipe needs, for the plugin check. */
  elements: string[];
}

/** Frames-per-second independent VBV/buffer size: `mult` frames' worth, in ms. */
function bufferMs(framerate: number, keyframeDistance: number): number {
  // One frame and a half with PLI-only keyframes, three frames with periodic
  // ones: enough room for a keyframe without letting the encoder queue latency.
  const frames = keyframeDistance < 0 ? 1.5 : 3;
  return Math.ceil((1000 / framerate) * frames);
}

/** Keyframe interval in frames; "never" is the largest value encoders take. */
function gopFrames(o: Required<VideoPipelineOptions>): number {
  return o.keyframeDistance < 0
    ? 2147483647
    : Math.max(1, Math.round(o.keyframeDistance * o.framerate));
}

const softwareConvert = (format: string) => (o: Required<VideoPipelineOptions>) => [
  // n-threads: BGRx->YUV conversion is the costliest step after encoding; split it.
  // qos=false: with pipeline latency 0 every frame reaches the sink "late"; QoS
  // would then make the converter drop frames that are in fact on time.
  `videoconvert n-threads=${o.threads} qos=false`,
  `video/x-raw,format=${format}`,
  // A one-frame leaky queue puts conversion and encoding on separate threads and
  // drops a stale frame instead of queueing latency when the encoder falls behind.
  `queue name=${ENCODE_QUEUE} max-size-buffers=1 max-size-bytes=0 max-size-time=0 leaky=downstream`,
];

const RECIPES: Record<Encoder, Recipe> = {
  x264enc: {
    convert: softwareConvert("I420"),
    encode: (o) =>
      [
        `x264enc name=${VIDEO_ENCODER}`,
        // zerolatency: no frame reordering or lookahead; ultrafast: the least CPU per frame.
        "tune=zerolatency speed-preset=ultrafast",
        // sliced-threads: threads split one frame instead of pipelining frames (no added delay).
        `threads=${o.threads} sliced-threads=true`,
        // No B-frames, no lookahead, no macroblock tree: each frame leaves as soon as it is coded.
        "bframes=0 b-adapt=false rc-lookahead=0 sync-lookahead=0 mb-tree=false",
        `bitrate=${o.bitrateKbps} pass=cbr`,
        // vbv-buf-capacity: a small VBV keeps frame sizes even so no frame waits behind a big one.
        `vbv-buf-capacity=${bufferMs(o.framerate, o.keyframeDistance)}`,
        `key-int-max=${gopFrames(o)}`,
        // insert-vui: colour info for decoders; aud=false: access unit delimiters only add bytes.
        "insert-vui=true aud=false byte-stream=true",
      ].join(" "),
    // constrained-baseline: decoded by every browser, hardware decoders included.
    caps: "video/x-h264,profile=constrained-baseline,stream-format=byte-stream",
    pay: h264Pay(),
    elements: ["ximagesrc", "videoconvert", "x264enc", "rtph264pay", "webrtcbin"],
  },
  openh264enc: {
    convert: softwareConvert("I420"),
    encode: (o) =>
      [
        `openh264enc name=${VIDEO_ENCODER}`,
        // usage-type=screen: tools tuned for desktop content; complexity=low: fastest.
        "usage-type=screen complexity=low",
        `rate-control=bitrate bitrate=${o.bitrateKbps * 1000}`,
        // enable-frame-skip=false: a skipped frame is a visible stall on a desktop.
        "enable-frame-skip=false",
        `gop-size=${Math.min(gopFrames(o), 2147483647)}`,
        `multi-thread=${o.threads}`,
      ].join(" "),
    caps: "video/x-h264,profile=constrained-baseline,stream-format=byte-stream",
    pay: h264Pay(),
    elements: ["ximagesrc", "videoconvert", "openh264enc", "rtph264pay", "webrtcbin"],
  },
  vp8enc: {
    convert: softwareConvert("I420"),
    encode: (o) => vpxEncode("vp8enc", o),
    caps: "video/x-vp8",
    // picture-id-mode=15-bit: lets the browser detect lost frames and ask for recovery.
    pay: `rtpvp8pay mtu=${RTP_MTU} picture-id-mode=15-bit`,
    elements: ["ximagesrc", "videoconvert", "vp8enc", "rtpvp8pay", "webrtcbin"],
  },
  vp9enc: {
    convert: softwareConvert("I420"),
    encode: (o) =>
      // row-mt: multi-threads within a frame, no added frame delay.
      `${vpxEncode("vp9enc", o)} row-mt=true frame-parallel-decoding=false`,
    caps: "video/x-vp9",
    pay: `rtpvp9pay mtu=${RTP_MTU} picture-id-mode=15-bit`,
    elements: ["ximagesrc", "videoconvert", "vp9enc", "rtpvp9pay", "webrtcbin"],
  },
  nvh264enc: {
    convert: (o) => [
      `cudaupload cuda-device-id=${o.gpuId}`,
      `cudaconvert cuda-device-id=${o.gpuId} qos=false`,
      "video/x-raw(memory:CUDAMemory),format=NV12",
    ],
    // The GPU converts I420 to NV12 as it did BGRx.
    fromI420: (o) => RECIPES.nvh264enc.convert(o),
    encode: (o) =>
      [
        `nvh264enc name=${VIDEO_ENCODER} cuda-device-id=${o.gpuId}`,
        // low-latency-hq preset and zerolatency: no reordering delay in NVENC.
        "preset=low-latency-hq zerolatency=true bframes=0 rc-lookahead=0",
        `rc-mode=cbr bitrate=${o.bitrateKbps}`,
        // vbv-buffer-size is in kbit: one and a half frames' worth, as for x264.
        `vbv-buffer-size=${
          Math.ceil((o.bitrateKbps / o.framerate) * (o.keyframeDistance < 0 ? 1.5 : 3))
        }`,
        `gop-size=${o.keyframeDistance < 0 ? -1 : gopFrames(o)} strict-gop=true aud=false`,
      ].join(" "),
    caps: "video/x-h264,profile=constrained-baseline,stream-format=byte-stream",
    pay: h264Pay(),
    elements: ["ximagesrc", "cudaupload", "cudaconvert", "nvh264enc", "rtph264pay", "webrtcbin"],
  },
};

function h264Pay(): string {
  // config-interval=-1: SPS/PPS before every IDR so a viewer can start on any keyframe;
  // aggregate-mode=zero-latency: send each NAL at once instead of waiting to aggregate.
  return `rtph264pay mtu=${RTP_MTU} config-interval=-1 aggregate-mode=zero-latency`;
}

function vpxEncode(element: "vp8enc" | "vp9enc", o: Required<VideoPipelineOptions>): string {
  const buffer = bufferMs(o.framerate, o.keyframeDistance);
  return [
    `${element} name=${VIDEO_ENCODER}`,
    // deadline=1: realtime mode; cpu-used=-16 (vp8) / 8 (vp9): the fastest speed step.
    `deadline=1 cpu-used=${element === "vp8enc" ? -16 : 8}`,
    `end-usage=cbr target-bitrate=${o.bitrateKbps * 1000}`,
    // lag-in-frames=0: no lookahead, every frame leaves when coded.
    "lag-in-frames=0 error-resilient=default",
    `threads=${o.threads}`,
    // Buffers in ms, sized like x264's VBV for the same reason.
    `buffer-size=${buffer} buffer-initial-size=${buffer} buffer-optimal-size=${buffer}`,
    `keyframe-max-dist=${gopFrames(o)}`,
    // static-threshold=0 and max-intra-bitrate: no skipped blocks, keyframes capped at 2.5 frames.
    "static-threshold=0 max-intra-bitrate=250 undershoot=25 overshoot=10",
  ].join(" ");
}

function withDefaults(o: VideoPipelineOptions): Required<VideoPipelineOptions> {
  return { gpuId: 0, capture: "damage", ...o };
}

/** Validates numbers; throws `RangeError` with the option name and value. */
function check(o: VideoPipelineOptions): void {
  const rules: [string, number, number, number][] = [
    ["framerate", o.framerate, 1, 240],
    ["bitrateKbps", o.bitrateKbps, 100, 1_000_000],
    ["threads", o.threads, 1, 64],
  ];
  for (const [name, value, min, max] of rules) {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(
        `Cannot build pipeline: ${name} must be an integer ${min}-${max}, received ${value}`,
      );
    }
  }
  if (!/^[A-Za-z0-9.:_-]*$/.test(o.display)) {
    throw new RangeError(`Cannot build pipeline: invalid display name "${o.display}"`);
  }
}

/** GStreamer elements every viewer branch needs (nicesrc: webrtcbin's ICE transport). */
const BRANCH_ELEMENTS = ["errorignore", "queue", "webrtcbin", "nicesrc"];

/** GStreamer elements the pipeline for `encoder` and its viewer branches need. */
export function requiredElements(encoder: Encoder, capture: CaptureMode = "damage"): string[] {
  const elements = capture === "damage"
    ? [
      "appsrc",
      ...RECIPES[encoder].elements.filter((e) => e !== "ximagesrc" && e !== "videoconvert"),
    ]
    : RECIPES[encoder].elements;
  return [...new Set([...elements, ...BRANCH_ELEMENTS])];
}

/** What the helper needs to run the damage capture (the start message's `capture`); null for ximagesrc. */
export function captureSpec(
  options: Pick<VideoPipelineOptions, "display" | "framerate" | "capture">,
): { source: string; display: string; framerate: number } | null {
  if ((options.capture ?? "damage") !== "damage") return null;
  return { source: VIDEO_SOURCE, display: options.display, framerate: options.framerate };
}

/** The capture elements, up to the encoder's input. */
function source(o: Required<VideoPipelineOptions>, recipe: Recipe): string[] {
  if (o.capture !== "damage") {
    // use-damage=false by default: ximagesrc still pushes every frame, and its per-rectangle
    // XShm reads cost more than one full-frame read once much changes (docs/CAPTURE.md).
    const damage = o.capture === "ximagesrc-damage";
    return [
      `ximagesrc name=${VIDEO_SOURCE} display-name=${o.display} show-pointer=${o.showPointer} use-damage=${damage}`,
      `video/x-raw,framerate=${o.framerate}/1`,
      ...recipe.convert(o),
    ];
  }
  return [
    [
      // The helper pushes I420 frames and sets the caps (helper/capture/damage_source.ts).
      `appsrc name=${VIDEO_SOURCE} is-live=true format=time do-timestamp=false`,
      // block=false, one buffer, leaky: a push never waits; the helper pushes only once the
      // encoder has taken the previous frame, so nothing ever waits here.
      "block=false max-buffers=1 leaky-type=downstream",
      // min-latency=0: frames leave as soon as they are pushed.
      "min-latency=0",
    ].join(" "),
    ...(recipe.fromI420?.(o) ?? []),
  ];
}

/**
 * The shared part of a session's pipeline, from capture to the tee that
 * viewer branches link to.
 */
export function videoPipeline(options: VideoPipelineOptions): string {
  check(options);
  const o = withDefaults(options);
  const recipe = RECIPES[o.encoder];
  return [
    ...source(o, recipe),
    recipe.encode(o),
    recipe.caps,
    // Counts encoded frames for the metrics (a passthrough: no copy, no wait); silent: no
    // per-buffer message.
    `identity name=${FRAME_COUNTER} silent=true`,
    recipe.pay,
    rtpCaps(codecOf(o.encoder)),
    // allow-not-linked: the pipeline keeps running between viewers.
    `tee name=${VIDEO_TEE} allow-not-linked=true`,
  ].join(" ! ");
}

/** The RTP caps offered for `codec`, with the feedback the browser should send. */
export function rtpCaps(codec: VideoCodec): string {
  return [
    `application/x-rtp,media=video,clock-rate=90000,encoding-name=${codec}`,
    `payload=${VIDEO_PAYLOAD_TYPE}`,
    // nack-pli / ccm-fir: the browser asks for a keyframe when it lost one or just joined.
    "rtcp-fb-nack-pli=true,rtcp-fb-ccm-fir=true",
    // playout-delay 0/0 (helper/playout_delay.ts): the browser renders each frame once decoded.
    `extmap-${PLAYOUT_DELAY_EXTMAP_ID}=(string)"${PLAYOUT_DELAY_URI}"`,
  ].join(",");
}

/** The per-viewer branch: a queue and a webrtcbin, linked to the tee by the helper. */
export function peerBranch(): string {
  const webrtc = [
    `webrtcbin name=${PEER_WEBRTCBIN}`,
    // max-bundle: one transport for video and data, one ICE check, one DTLS handshake.
    "bundle-policy=max-bundle",
    // latency=0: no receive jitter buffer (Skerry sends; nothing to smooth here).
    "latency=0",
  ];
  return [
    // errorignore: a viewer whose webrtcbin fails (error, EOS, not negotiated) must not
    // send that flow return up the tee, which would stop the capture for every viewer.
    "errorignore ignore-error=true ignore-notnegotiated=true ignore-eos=true",
    // A leaky queue per viewer: a slow viewer drops its own packets and never stalls the others;
    // 100 ms: beyond that, late packets are worth less than the keyframe their loss will ask for.
    `queue name=${SEND_QUEUE} max-size-buffers=0 max-size-bytes=0 max-size-time=100000000 leaky=downstream`,
    webrtc.join(" "),
  ].join(" ! ");
}

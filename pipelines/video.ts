/**
 * GStreamer pipeline descriptions for the video path, one recipe per encoder.
 *
 * A session's pipeline is a capture ending in a tee ({@linkcode capturePipeline});
 * each codec in use is an *encode tier* linked to it, `convert ! encode !
 * payload ! tee` ({@linkcode encodeTier}), created when the first viewer
 * needing that codec joins and removed when the last one leaves; every viewer
 * is a branch `queue ! webrtcbin` linked to its tier's tee, so the viewers of
 * one codec share one encode. {@linkcode videoPipeline} is the single-encode
 * form (capture and one tier in one description). Every knob that trades
 * latency or compatibility says why next to it.
 *
 * @module
 */

import {
  type CaptureMode,
  codecOf,
  type Encoder,
  type VideoCodec,
} from "../lib/protocol/encoders.ts";

/** Name of the tee every viewer branch links to (in an encode tier). */
import { bufferMs, captureCaps } from "./live_encoder.ts";

export { captureCaps, liveEncoderSettings } from "./live_encoder.ts";

export const VIDEO_TEE = "videotee";
/** Name of the tee after the capture, that encode tiers link to. */
export const CAPTURE_TEE = "capture";
/** Name of the encoder element, for keyframe requests and live changes. */
export const VIDEO_ENCODER = "videoenc";
/** Name of the `identity` after the encoder: its buffer count is the frames encoded (metrics). */
export const FRAME_COUNTER = "framecount";
/** Name of the queue before the encoder: its thread is the encoding thread. */
export const ENCODE_QUEUE = "encodequeue";
/** Name of the capture element: the damage capture's `appsrc`, or `ximagesrc` (pointer lock switches its `show-pointer`). */
export const VIDEO_SOURCE = "screen";
/** Name of the queue in a viewer branch: its thread sends that viewer's packets. */
export const SEND_QUEUE = "sendqueue";
/** Name of the capsfilter after the capture: a live frame-rate change rewrites its caps. */
export const CAPTURE_CAPS = "capturecaps";
/** Most a viewer's send queue holds, in ns of video (see {@linkcode peerBranch}). */
const SEND_QUEUE_NS = 200_000_000;
/** Name of webrtcbin inside a viewer branch. */
export const PEER_WEBRTCBIN = "webrtc";
/** RTP payload type offered for video. */
const VIDEO_PAYLOAD_TYPE = 96;
/** RTP header extension id of playout-delay in the offer. */
const PLAYOUT_DELAY_EXTMAP_ID = 1;
/** RTP header extension id of the transport-wide sequence number in the offer. */
const TWCC_EXTMAP_ID = 3;
/**
 * URI of the transport-wide congestion control sequence number extension.
 * With it in the caps the payloader writes the field, webrtcbin's RTP
 * session numbers every packet across streams, and the browser reports when
 * each arrived (RTCP transport-cc feedback): loss, receive rate and delay
 * trend for the congestion controller (helper/congestion.ts).
 */
export const TWCC_URI = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
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
  /**
   * x264enc only, with the damage capture: the helper encodes with libx264
   * itself (helper/encode/), told which macroblocks are unchanged, and
   * pushes H.264 into the tier's `appsrc`. Default false.
   */
  libx264?: boolean;
}

interface Recipe {
  /** Elements from raw BGRx frames to the encoder input, without the encoder. */
  convert(o: Required<TierOptions>): string[];
  /** The encoder element with its properties. */
  encode(o: Required<TierOptions>): string;
  /** Caps forced on the encoder output. */
  caps: string;
  /** The RTP payloader with its properties. */
  pay: string;
  /** GStreamer elements the recipe needs, for the plugin check. */
  elements: string[];
}

/** Keyframe interval in frames; "never" is the largest value encoders take. */
function gopFrames(o: Required<TierOptions>): number {
  return o.keyframeDistance < 0
    ? 2147483647
    : Math.max(1, Math.round(o.keyframeDistance * o.framerate));
}

const softwareConvert = (format: string) => (o: Required<TierOptions>) => [
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
  av1enc: {
    convert: softwareConvert("I420"),
    encode: (o) => {
      const buffer = bufferMs(o.framerate, o.keyframeDistance);
      return [
        `av1enc name=${VIDEO_ENCODER}`,
        // usage-profile=realtime, cpu-used=10: libaom's real-time mode at its fastest speed step.
        "usage-profile=realtime cpu-used=10",
        `end-usage=cbr target-bitrate=${o.bitrateKbps}`,
        // The quantizer range must be set: the element's defaults (0-0) make libaom 3.6 abort
        // (a rate-control assertion) on the first frames; 4-56 are libaom's real-time bounds.
        "min-quantizer=4 max-quantizer=56",
        // lag-in-frames=0: no lookahead; row-mt and two tile columns: threads share one frame.
        `lag-in-frames=0 threads=${o.threads} row-mt=true tile-columns=1`,
        `keyframe-max-dist=${gopFrames(o)}`,
        // Buffers in ms, sized like x264's VBV for the same reason.
        `buf-sz=${buffer} buf-initial-sz=${buffer} buf-optimal-sz=${buffer}`,
        "undershoot-pct=25 overshoot-pct=10",
      ].join(" ");
    },
    caps: "video/x-av1",
    // rtpav1pay: GStreamer 1.24's (plugins-good) or gst-plugins-rs'; 1.22 has none.
    pay: `rtpav1pay mtu=${RTP_MTU}`,
    elements: ["ximagesrc", "videoconvert", "av1enc", "rtpav1pay", "webrtcbin"],
  },
  nvh264enc: {
    convert: (o) => [
      `cudaupload cuda-device-id=${o.gpuId}`,
      `cudaconvert cuda-device-id=${o.gpuId} qos=false`,
      "video/x-raw(memory:CUDAMemory),format=NV12",
    ],
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

function vpxEncode(element: "vp8enc" | "vp9enc", o: Required<TierOptions>): string {
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

/** Validates numbers; throws `RangeError` with the option name and value. */
function check(o: Partial<VideoPipelineOptions>): void {
  const rules: [string, number | undefined, number, number][] = [
    ["framerate", o.framerate, 1, 240],
    ["bitrateKbps", o.bitrateKbps, 100, 1_000_000],
    ["threads", o.threads, 1, 64],
  ];
  for (const [name, value, min, max] of rules) {
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(
        `Cannot build pipeline: ${name} must be an integer ${min}-${max}, received ${value}`,
      );
    }
  }
  if (o.display !== undefined && !/^[A-Za-z0-9.:_-]*$/.test(o.display)) {
    throw new RangeError(`Cannot build pipeline: invalid display name "${o.display}"`);
  }
}

/** GStreamer elements every viewer branch needs (nicesrc: webrtcbin's ICE transport). */
const BRANCH_ELEMENTS = ["errorignore", "queue", "webrtcbin", "nicesrc"];

/** GStreamer elements the pipeline for `encoder` and its viewer branches need. */
export function requiredElements(encoder: Encoder, capture: CaptureMode = "damage"): string[] {
  // The damage capture replaces ximagesrc; videoconvert stays (each tier's converter, a
  // passthrough for the capture's I420).
  const elements = RECIPES[encoder].elements.map((e) =>
    e === "ximagesrc" && capture === "damage" ? "appsrc" : e
  );
  return [...new Set([...elements, "tee", ...BRANCH_ELEMENTS])];
}

/** What the helper needs to run the damage capture (the start message's `capture`); null for ximagesrc. */
export function captureSpec(
  options: Pick<VideoPipelineOptions, "display" | "framerate" | "capture" | "showPointer">,
): { source: string; display: string; framerate: number; showPointer: boolean } | null {
  if ((options.capture ?? "damage") !== "damage") return null;
  return {
    source: VIDEO_SOURCE,
    display: options.display,
    framerate: options.framerate,
    showPointer: options.showPointer,
  };
}

/** What the capture is built from. */
export type CaptureOptions = Pick<
  VideoPipelineOptions,
  "display" | "framerate" | "showPointer" | "capture"
>;

/** What an encode tier is built from (the capture's options are not needed). */
export type TierOptions = Omit<VideoPipelineOptions, "display" | "showPointer" | "capture">;

function capture(o: CaptureOptions): string[] {
  if ((o.capture ?? "damage") !== "damage") {
    // use-damage=false by default: ximagesrc still pushes every frame, and its per-rectangle
    // XShm reads cost more than one full-frame read once much changes (docs/CAPTURE.md).
    const damage = o.capture === "ximagesrc-damage";
    return [
      `ximagesrc name=${VIDEO_SOURCE} display-name=${o.display} show-pointer=${o.showPointer} use-damage=${damage}`,
      // Named: a live frame-rate change sets new caps here and ximagesrc renegotiates its
      // capture rate, with no rebuild (helper/encoder_control.ts).
      `capsfilter name=${CAPTURE_CAPS} caps=${captureCaps(o.framerate)}`,
    ];
  }
  // No capsfilter: the damage capture's rate is a ceiling it keeps itself (capture_scheduler.ts).
  return [
    [
      // The helper pushes I420 frames and sets the caps (helper/capture/damage_source.ts).
      `appsrc name=${VIDEO_SOURCE} is-live=true format=time do-timestamp=false`,
      // block=false, one buffer, leaky: a push never waits. The helper writes the next frame
      // only once the encoder has let go of the previous one, so under load it captures later
      // (everything changed meanwhile, once) instead of queueing frames that arrive stale.
      "block=false max-buffers=1 leaky-type=downstream",
      // min-latency=0: frames leave as soon as they are pushed.
      "min-latency=0",
    ].join(" "),
  ];
}

function encode(options: TierOptions): string[] {
  const o = { gpuId: 0, libx264: false, ...options };
  const recipe = RECIPES[o.encoder];
  if (o.libx264 && o.encoder === "x264enc") return libx264Tier(recipe);
  return [
    ...recipe.convert(o),
    recipe.encode(o),
    recipe.caps,
    // Counts encoded frames for the metrics (a passthrough: no copy, no wait); silent: no
    // per-buffer message.
    `identity name=${FRAME_COUNTER} silent=true`,
    recipe.pay,
    rtpCaps(codecOf(o.encoder)),
    // allow-not-linked: the encode keeps running between viewers.
    `tee name=${VIDEO_TEE} allow-not-linked=true`,
  ];
}

/** The x264enc tier when the helper encodes with libx264 (no raw frames in, H.264 pushed in). */
function libx264Tier(recipe: Recipe): string[] {
  return [
    // Named as the encoder: keyframe requests reach its pad. Live, stamped by the helper,
    // never blocking; no leak: a dropped access unit would break every frame after it.
    `appsrc name=${VIDEO_ENCODER} is-live=true format=time do-timestamp=false block=false min-latency=0`,
    recipe.caps,
    `identity name=${FRAME_COUNTER} silent=true`,
    recipe.pay,
    rtpCaps("H264"),
    `tee name=${VIDEO_TEE} allow-not-linked=true`,
  ];
}

/**
 * The shared start of a session's pipeline: the X capture, ending in the
 * tee named {@linkcode CAPTURE_TEE} that encode tiers link to.
 */
export function capturePipeline(options: CaptureOptions): string {
  check(options);
  // allow-not-linked: the capture keeps running while a tier is being replaced.
  return [...capture(options), `tee name=${CAPTURE_TEE} allow-not-linked=true`].join(" ! ");
}

/**
 * One encode tier, linked to the capture tee: raw frames in (its first
 * element's sink pad), RTP out of the tee named {@linkcode VIDEO_TEE}; its
 * encoder is named {@linkcode VIDEO_ENCODER} and its frame counter
 * {@linkcode FRAME_COUNTER}.
 */
export function encodeTier(options: TierOptions): string {
  check(options);
  return encode(options).join(" ! ");
}

/**
 * A whole single-encode pipeline, from capture to the tee that viewer
 * branches link to (one codec for every viewer).
 */
export function videoPipeline(options: VideoPipelineOptions): string {
  check(options);
  return [...capture(options), ...encode(options)].join(" ! ");
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
    `extmap-${TWCC_EXTMAP_ID}=(string)"${TWCC_URI}"`,
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
    // A leaky queue per viewer: a slow viewer drops its own packets and never stalls the others.
    // It is empty unless this viewer's send thread stalls. A packet dropped here never reaches
    // RTX's history, so no NACK can bring it back: 200 ms (held packets are still repairable
    // frames), and every drop is counted and answered with a keyframe at once
    // (helper/send_queue_watch.ts) rather than after the browser's 3 s wait for one.
    `queue name=${SEND_QUEUE} max-size-buffers=0 max-size-bytes=0 max-size-time=${SEND_QUEUE_NS} leaky=downstream`,
    webrtc.join(" "),
  ].join(" ! ");
}

/** Options of the media: video encoding, audio, and how the stream adapts. */

import {
  CAPTURE_MODES,
  DEFAULT_FALLBACK_ENCODERS,
  type Encoder,
  ENCODERS,
} from "../protocol/encoders.ts";
import { option, type OptionGroup } from "./option.ts";
import { bool, decimal, int, oneOf } from "./parse.ts";
import { selkies } from "./selkies.ts";

/** Video options. */
export const VIDEO_OPTIONS = [
  option({
    key: "encoder",
    flag: "encoder",
    value: "ENCODER",
    env: "SKERRY_ENCODER",
    ...selkies("encoder", "WEBRTC_ENCODER"),
    default: "x264enc",
    help: `Preferred video encoder: ${
      ENCODERS.join(", ")
    } (a browser that cannot decode it gets the first fallback it can)`,
    parse: oneOf(ENCODERS),
  }),
  option({
    key: "capture",
    flag: "capture",
    value: "MODE",
    env: "SKERRY_CAPTURE",
    default: "damage",
    help:
      "Screen capture: damage (only what changed, when it changes; XDamage and XShm, else ximagesrc), ximagesrc (the whole screen every frame) or ximagesrc-damage (ximagesrc with use-damage)",
    parse: oneOf(CAPTURE_MODES),
  }),
  option({
    key: "x264MbInfo",
    flag: "x264-mb-info",
    env: "SKERRY_X264_MB_INFO",
    default: "true",
    boolean: true,
    help:
      "With x264enc and --capture=damage: encode through libx264 itself, told which macroblocks did not change, at a QP per frame of Skerry's own rate control (docs/CAPTURE.md); --no-x264-mb-info or no libx264: the x264enc element",
    parse: bool,
  }),
  option({
    key: "fallbackEncoders",
    flag: "fallback-encoders",
    value: "LIST",
    env: "SKERRY_FALLBACK_ENCODERS",
    default: DEFAULT_FALLBACK_ENCODERS.join(","),
    help:
      "Encoders tried in order for a browser that cannot decode --encoder (those installed here); none: no fallback",
    parse: (raw): Encoder[] => {
      const list = raw.trim() === "none" ? [] : raw.split(",").map((s) => s.trim()).filter(Boolean);
      return list.map(oneOf(ENCODERS));
    },
  }),
  option({
    key: "framerate",
    flag: "framerate",
    value: "FPS",
    env: "SKERRY_FRAMERATE",
    ...selkies("framerate", "WEBRTC_FRAMERATE"),
    default: "60",
    help: "Frames per second captured and encoded (at most)",
    parse: int(1, 240),
  }),
  option({
    key: "videoBitrate",
    flag: "video-bitrate",
    value: "KBPS",
    env: "SKERRY_VIDEO_BITRATE",
    ...selkies("video_bitrate", "WEBRTC_VIDEO_BITRATE"),
    default: "8000",
    help: "Video bitrate in kbit/s (the most congestion control may use)",
    parse: int(100, 1_000_000),
  }),
  option({
    key: "keyframeDistance",
    flag: "keyframe-distance",
    value: "SECONDS",
    env: "SKERRY_KEYFRAME_DISTANCE",
    ...selkies("keyframe_distance", "WEBRTC_KEYFRAME_DISTANCE"),
    default: "-1",
    help: "Seconds between keyframes; -1: only when a viewer needs one",
    parse: (raw) => {
      const n = decimal(-1, 3600)(raw);
      if (n !== -1 && n <= 0) throw new RangeError("value must be -1 or a number of seconds > 0");
      return n;
    },
  }),
  option({
    key: "congestionControl",
    flag: "congestion-control",
    env: "SKERRY_CONGESTION_CONTROL",
    ...selkies("congestion_control"),
    default: "true",
    boolean: true,
    help: "Adapt the video bitrate (and under heavy loss the frame rate) to each viewer's network",
    parse: bool,
  }),
  option({
    key: "videoPacketlossPercent",
    flag: "video-packetloss-percent",
    value: "PERCENT",
    env: "SKERRY_VIDEO_PACKETLOSS_PERCENT",
    ...selkies("video_packetloss_percent"),
    default: "0",
    help:
      "Expected video packet loss for ULP/RED forward error correction; 0: off (NACK/RTX repair loss anyway)",
    parse: decimal(0, 100),
  }),
  option({
    key: "gpuId",
    flag: "gpu-id",
    value: "N",
    env: "SKERRY_GPU_ID",
    ...selkies("gpu_id"),
    default: "0",
    help: "GPU index for hardware encoders (NVIDIA CUDA device)",
    parse: int(0, 63),
  }),
] as const;

/** Audio options. */
export const AUDIO_OPTIONS = [
  option({
    key: "enableAudio",
    flag: "enable-audio",
    env: "SKERRY_ENABLE_AUDIO",
    default: "true",
    boolean: true,
    help: "Stream the desktop's sound (PulseAudio; PULSE_SERVER is honoured) as Opus",
    parse: bool,
  }),
  option({
    key: "audioBitrate",
    flag: "audio-bitrate",
    value: "BPS",
    env: "SKERRY_AUDIO_BITRATE",
    ...selkies("audio_bitrate"),
    default: "128000",
    help: "Audio bitrate in bit/s",
    parse: int(6000, 510_000),
  }),
  option({
    key: "audioChannels",
    flag: "audio-channels",
    value: "N",
    env: "SKERRY_AUDIO_CHANNELS",
    ...selkies("audio_channels"),
    default: "2",
    help: "Audio channels: 1 or 2 (more are mixed down: browsers play stereo Opus)",
    parse: int(1, 8),
  }),
  option({
    key: "audioPacketlossPercent",
    flag: "audio-packetloss-percent",
    value: "PERCENT",
    env: "SKERRY_AUDIO_PACKETLOSS_PERCENT",
    ...selkies("audio_packetloss_percent"),
    default: "0",
    help: "Expected audio packet loss for Opus in-band forward error correction; 0: off",
    parse: decimal(0, 100),
  }),
  option({
    key: "audioFrameMs",
    flag: "audio-frame-ms",
    value: "MS",
    env: "SKERRY_AUDIO_FRAME_MS",
    default: "10",
    // 10: each packet leaves 10 ms sooner than Opus' usual 20 for ~8 kbit/s more headers.
    help:
      "Opus frame duration in ms (2.5, 5, 10, 20, 40, 60): shorter is lower latency, more overhead",
    parse: (raw: string) => Number(oneOf(["2.5", "5", "10", "20", "40", "60"])(raw)),
  }),
  option({
    key: "enableMicrophone",
    flag: "enable-microphone",
    env: "SKERRY_ENABLE_MICROPHONE",
    default: "false",
    boolean: true,
    help: "Let viewers send their microphone to a PulseAudio source desktop apps can record from",
    parse: bool,
  }),
] as const;

/** The video section of `--help` and the README. */
export const VIDEO_GROUP: OptionGroup = { title: "Video", options: VIDEO_OPTIONS };
/** The audio section of `--help` and the README. */
export const AUDIO_GROUP: OptionGroup = { title: "Audio", options: AUDIO_OPTIONS };

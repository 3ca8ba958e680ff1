/**
 * Messages between the server and `skerry helper`, one JSON object per line
 * on the helper's stdin and stdout (docs/PROTOCOL.md, "Helper").
 *
 * @module
 */

import { int, type JsonObject, parseObject, peerId, str } from "./_fields.ts";
import {
  type HelperTuning,
  type LiveSettingsChange,
  parseSettingsChange,
  parseTuning,
} from "./live_settings.ts";
import { parsePeerStats, type PeerStats } from "./stats.ts";

/** Exit codes of the helper. */
export const HelperExit = {
  /** After `stop`, stdin EOF or SIGTERM. */
  Ok: 0,
  /** Bad arguments, a bad `start`, or a pipeline that does not parse. */
  Usage: 2,
  /** The pipeline failed to start, or failed while running. */
  PipelineFailed: 3,
} as const;

/** Largest line either side accepts, in characters (an SDP is a few KB). */
export const MAX_HELPER_LINE = 1 << 20;

/** What the helper needs to build its pipeline; the first line on its stdin. */
export interface HelperStart {
  type: "start";
  /** The shared pipeline, ending in a tee named `tee`. */
  pipeline: string;
  /** The per-viewer branch, containing a webrtcbin named `webrtcbin`. */
  branch: string;
  /** Name of the tee in `pipeline`. */
  tee: string;
  /** Name of the webrtcbin in `branch`. */
  webrtcbin: string;
  /** Name of the encoder in `pipeline`, for keyframe requests. */
  encoder: string;
  /** Local addresses added to every ICE agent (libnice skips loopback otherwise). */
  iceAddresses: string[];
  /** Data channels created for every viewer, by label. */
  channels: string[];
  /** Name of an `identity` in `pipeline` after the encoder, whose buffer count is frames encoded. */
  frameCounter?: string;
  /** The helper's own damage capture feeding the `appsrc` of `pipeline`; absent: the pipeline captures. */
  capture?: HelperCapture;
  /** Name of the `ximagesrc` in `pipeline`, whose `show-pointer` `show-pointer` switches. */
  source?: string;
  /** STUN server for every webrtcbin, `stun://host:port`; absent or "": none. */
  stunServer?: string;
  /** TURN servers for every webrtcbin, `turn(s)://user:password@host:port` (user info percent-escaped). */
  turnServers?: string[];
  /** The desktop's sound for every viewer; absent: video only. */
  audio?: HelperAudio;
  /** A recvonly audio m-line for the viewers' microphone; absent: none. */
  microphone?: HelperMicrophone;
  /** Bitrate, frame rate, audio, congestion control and FEC to start with; absent: the pipeline's own. */
  tuning?: HelperTuning;
}

/** The shared audio chain and each viewer's branch of it (pipelines/audio.ts). */
export interface HelperAudio {
  /** The chain from capture to a tee named `tee`, run as a bin named `bin`. */
  pipeline: string;
  /** Name of the bin the chain runs in. */
  bin: string;
  /** Name of the tee in `pipeline`. */
  tee: string;
  /** A viewer's audio branch (its unlinked `sink` and `src` pads are ghosted). */
  branch: string;
}

/** The microphone branch of each viewer (pipelines/audio.ts). */
export interface HelperMicrophone {
  /** From the received RTP to PulseAudio; its first element's sink is ghosted. */
  branch: string;
  /** Caps of the recvonly transceiver (the codec offered). */
  caps: string;
  /** Name of the `identity` in `branch` whose buffer count is packets received. */
  counter: string;
  /** Name of the `volume` in `branch` whose `mute` the helper sets. */
  volume: string;
}

/** The damage capture (helper/capture/): which appsrc it feeds, from which display, how often at most. */
export interface HelperCapture {
  /** Name of the `appsrc` in the pipeline. */
  source: string;
  /** X display, e.g. `":0"`. */
  display: string;
  /** The most frames per second. */
  framerate: number;
  /** Draw the X pointer into the frames from the start (`show-pointer` switches it); absent: false. */
  showPointer?: boolean;
}

/** New STUN/TURN servers (renewed credentials): for new viewers, and added to running ones. */
export interface HelperIceServers {
  type: "ice-servers";
  stunServer: string;
  turnServers: string[];
}

/**
 * A new encode tier (docs/PROTOCOL.md, "Encode tiers"): one more encode of the
 * capture, for the viewers of one codec. Only with a `start` whose `tee` is
 * the capture's.
 */
export interface HelperTierAdd {
  type: "tier-add";
  /** The tier's id (the encoder's name): `peer-add` names it. */
  tier: string;
  /** The tier's elements, raw frames in (the first element's sink), RTP out of the tee `tee`. */
  pipeline: string;
  /** Name of the tee in `pipeline` that viewer branches link to. */
  tee: string;
  /** Name of the encoder in `pipeline`, for keyframe requests. */
  encoder: string;
  /** Name of an `identity` after the encoder whose buffer count is frames encoded. */
  frameCounter?: string;
  /**
   * Encode with libx264 beside the pipeline (`--x264-mb-info`): the damage
   * capture's frames go to it with their changed boxes, and `encoder` names
   * the tier's `appsrc` it pushes H.264 into. Absent: `pipeline` encodes.
   */
  libx264?: HelperLibx264;
}

/** The libx264 encode of a tier (the x264enc recipe's knobs). */
export interface HelperLibx264 {
  /** kbit/s. */
  bitrateKbps: number;
  /** Frames per second. */
  framerate: number;
  /** Seconds between periodic keyframes; -1: only on request. */
  keyframeDistance: number;
  /** Encoder threads (slices). */
  threads: number;
}

/** Server to helper. */
export type ToHelper =
  | HelperStart
  | HelperIceServers
  | HelperTierAdd
  | { type: "tier-remove"; tier: string }
  | { type: "peer-add"; peer: string; tier?: string }
  | { type: "ice-restart"; peer: string }
  | { type: "peer-remove"; peer: string }
  | { type: "answer"; peer: string; sdp: string }
  | { type: "ice"; peer: string; candidate: string; sdpMLineIndex: number }
  | { type: "send"; peer: string; channel: string; data: string }
  | { type: "show-pointer"; visible: boolean }
  | ({ type: "settings" } & LiveSettingsChange)
  | { type: "stop" };

/** Helper to server. */
export type FromHelper =
  | { type: "ready"; pid: number }
  | { type: "offer"; peer: string; sdp: string; iceRestart?: boolean }
  | { type: "ice"; peer: string; candidate: string; sdpMLineIndex: number }
  | { type: "peer-state"; peer: string; state: string }
  | { type: "channel-open"; peer: string; channel: string }
  | { type: "data"; peer: string; channel: string; data: string }
  | { type: "stats"; peer: string; stats: PeerStats }
  | { type: "error"; message: string; fatal: boolean; peer?: string };

/** Parses one line sent to the helper; throws `RangeError` on anything malformed. */
export function parseToHelper(line: string): ToHelper {
  const o = parseObject(line, MAX_HELPER_LINE);
  switch (o.type) {
    case "start": {
      const start: HelperStart = {
        type: "start",
        pipeline: str(o, "pipeline"),
        branch: str(o, "branch"),
        tee: str(o, "tee", 256),
        webrtcbin: str(o, "webrtcbin", 256),
        encoder: str(o, "encoder", 256),
        iceAddresses: strings(o, "iceAddresses"),
        channels: strings(o, "channels"),
        ...(o.frameCounter === undefined ? {} : { frameCounter: str(o, "frameCounter", 256) }),
        ...(o.source === undefined ? {} : { source: str(o, "source", 256) }),
      };
      if (o.capture !== undefined) start.capture = captureSpec(o.capture);
      if (o.stunServer !== undefined) start.stunServer = str(o, "stunServer", 4096);
      if (o.turnServers !== undefined) start.turnServers = strings(o, "turnServers");
      if (o.audio !== undefined) start.audio = helperAudio(o.audio);
      if (o.microphone !== undefined) start.microphone = helperMicrophone(o.microphone);
      if (o.tuning !== undefined) start.tuning = parseTuning(o, "tuning");
      return start;
    }
    case "ice-servers":
      return {
        type: "ice-servers",
        stunServer: str(o, "stunServer", 4096),
        turnServers: strings(o, "turnServers"),
      };
    case "tier-add": {
      const add: HelperTierAdd = {
        type: "tier-add",
        tier: tierId(o),
        pipeline: str(o, "pipeline"),
        tee: str(o, "tee", 256),
        encoder: str(o, "encoder", 256),
      };
      if (o.frameCounter !== undefined) add.frameCounter = str(o, "frameCounter", 256);
      if (o.libx264 !== undefined) add.libx264 = libx264Spec(o.libx264);
      return add;
    }
    case "tier-remove":
      return { type: "tier-remove", tier: tierId(o) };
    case "peer-add":
      return o.tier === undefined
        ? { type: "peer-add", peer: peerId(o) }
        : { type: "peer-add", peer: peerId(o), tier: tierId(o) };
    case "peer-remove":
    case "ice-restart":
      return { type: o.type, peer: peerId(o) };
    case "answer":
      return { type: "answer", peer: peerId(o), sdp: str(o, "sdp") };
    case "ice":
      return iceMessage(o);
    case "send":
      return {
        type: "send",
        peer: peerId(o),
        channel: str(o, "channel", 256),
        data: str(o, "data"),
      };
    case "show-pointer":
      if (typeof o.visible !== "boolean") {
        throw new RangeError('Cannot parse "show-pointer" message: "visible" must be a boolean');
      }
      return { type: "show-pointer", visible: o.visible };
    case "settings":
      return { type: "settings", ...parseSettingsChange(o) };
    case "stop":
      return { type: "stop" };
    default:
      throw new RangeError(`Cannot parse message: unknown type "${o.type}"`);
  }
}

/** Parses one line from the helper; throws `RangeError` on anything malformed. */
export function parseFromHelper(line: string): FromHelper {
  const o = parseObject(line, MAX_HELPER_LINE);
  switch (o.type) {
    case "ready":
      return { type: "ready", pid: int(o, "pid", 0, 2 ** 31) };
    case "offer":
      return o.iceRestart === true
        ? { type: "offer", peer: peerId(o), sdp: str(o, "sdp"), iceRestart: true }
        : { type: "offer", peer: peerId(o), sdp: str(o, "sdp") };
    case "ice":
      return iceMessage(o);
    case "peer-state":
      return { type: "peer-state", peer: peerId(o), state: str(o, "state", 32) };
    case "channel-open":
      return { type: "channel-open", peer: peerId(o), channel: str(o, "channel", 256) };
    case "data":
      return {
        type: "data",
        peer: peerId(o),
        channel: str(o, "channel", 256),
        data: str(o, "data"),
      };
    case "stats":
      return { type: "stats", peer: peerId(o), stats: parsePeerStats(o.stats) };
    case "error": {
      const message: FromHelper = {
        type: "error",
        message: str(o, "message", 4096),
        fatal: o.fatal === true,
      };
      if (o.peer !== undefined) message.peer = peerId(o);
      return message;
    }
    default:
      throw new RangeError(`Cannot parse message: unknown type "${o.type}"`);
  }
}

function iceMessage(
  o: JsonObject,
): { type: "ice"; peer: string; candidate: string; sdpMLineIndex: number } {
  return {
    type: "ice",
    peer: peerId(o),
    candidate: str(o, "candidate", 4096),
    sdpMLineIndex: int(o, "sdpMLineIndex", 0, 255),
  };
}

function helperAudio(value: unknown): HelperAudio {
  const o = nested(value, "audio");
  return {
    pipeline: str(o, "pipeline"),
    bin: str(o, "bin", 256),
    tee: str(o, "tee", 256),
    branch: str(o, "branch"),
  };
}

function helperMicrophone(value: unknown): HelperMicrophone {
  const o = nested(value, "microphone");
  return {
    branch: str(o, "branch"),
    caps: str(o, "caps", 4096),
    counter: str(o, "counter", 256),
    volume: str(o, "volume", 256),
  };
}

/** A nested object field of `start`, typed so its own errors name it. */
function nested(value: unknown, name: string): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RangeError(`Cannot parse "start" message: "${name}" must be an object`);
  }
  return { ...(value as JsonObject), type: `start.${name}` };
}

function showPointer(value: unknown): boolean {
  if (typeof value !== "boolean") {
    throw new RangeError('Cannot parse "start" message: "capture.showPointer" must be a boolean');
  }
  return value;
}

function captureSpec(value: unknown): HelperCapture {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RangeError('Cannot parse "start" message: "capture" must be an object');
  }
  const o = { ...value, type: "start" } as JsonObject;
  return {
    source: str(o, "source", 256),
    display: str(o, "display", 256),
    framerate: int(o, "framerate", 1, 240),
    ...(o.showPointer === undefined ? {} : { showPointer: showPointer(o.showPointer) }),
  };
}

function libx264Spec(value: unknown): HelperLibx264 {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RangeError('Cannot parse "tier-add" message: "libx264" must be an object');
  }
  const o = { ...value, type: "tier-add.libx264" } as JsonObject;
  return {
    bitrateKbps: int(o, "bitrateKbps", 1, 1_000_000),
    framerate: int(o, "framerate", 1, 240),
    keyframeDistance: seconds(o.keyframeDistance),
    threads: int(o, "threads", 1, 64),
  };
}

function seconds(value: unknown): number {
  if (typeof value !== "number" || !(value === -1 || (value > 0 && value <= 3600))) {
    throw new RangeError(
      'Cannot parse "tier-add" message: "libx264.keyframeDistance" must be -1 or a number of seconds over 0, at most 3600',
    );
  }
  return value;
}

/** A tier id: 1-64 characters of letters, digits, `-` and `_` (an encoder's name). */
function tierId(o: JsonObject): string {
  const v = str(o, "tier", 64);
  if (!/^[A-Za-z0-9_-]+$/.test(v)) {
    throw new RangeError(`Cannot parse "${o.type}" message: "tier" has invalid characters`);
  }
  return v;
}

function strings(o: JsonObject, name: string): string[] {
  const v = o[name];
  if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) {
    throw new RangeError(`Cannot parse "${o.type}" message: "${name}" must be an array of strings`);
  }
  return v;
}

/** The answer of `skerry helper --probe a,b,c`: which of those GStreamer elements exist. */
export interface ElementReport {
  available: string[];
  missing: string[];
}

/** The answer of `skerry helper --probe-audio a,b,c`: the elements, and whether PulseAudio answers. */
export interface AudioReport extends ElementReport {
  /** Whether a `pulsesrc` could connect to the sound server. */
  reachable: boolean;
  /** Why not, in GStreamer's words. */
  reason?: string;
}

/** Parses the `--probe-audio` answer line; throws `RangeError` on anything else. */
export function parseAudioReport(line: string): AudioReport {
  const elements = parseElementReport(line);
  const { reachable, reason } = JSON.parse(line) as Record<string, unknown>;
  if (typeof reachable !== "boolean") {
    throw new RangeError('Cannot parse audio report: "reachable" must be a boolean');
  }
  return { ...elements, reachable, ...(typeof reason === "string" ? { reason } : {}) };
}

/** Parses the `--probe` answer line; throws `RangeError` on anything else. */
export function parseElementReport(line: string): ElementReport {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    throw new RangeError("Cannot parse element report: not JSON");
  }
  const { available, missing, message } = (o ?? {}) as Record<string, unknown>;
  const isList = (v: unknown): v is string[] =>
    Array.isArray(v) && v.every((s) => typeof s === "string");
  if (isList(available) && isList(missing)) return { available, missing };
  // A helper that cannot load GStreamer answers with an error message instead.
  throw new RangeError(
    typeof message === "string" ? message : "Cannot parse element report: unexpected fields",
  );
}

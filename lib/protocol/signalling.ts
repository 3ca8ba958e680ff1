/**
 * Signalling messages between the browser and the server over the `/ws`
 * WebSocket (docs/PROTOCOL.md, "Signalling"). Shared by both sides.
 *
 * @module
 */

import { int, type JsonObject, parseObject, str } from "./_fields.ts";
import {
  DESKTOP_CLIENT_TYPES,
  type DesktopClientMessage,
  type DesktopServerMessage,
  parseDesktopClientMessage,
  parseDesktopServerMessage,
} from "./desktop.ts";
import {
  type LiveSettings,
  type LiveSettingsChange,
  parseSettings,
  parseSettingsChange,
} from "./live_settings.ts";
import { type DecodableCodec, parseDecodableCodecs } from "./codecs.ts";
import { type Encoder, isEncoder } from "./encoders.ts";
import { type ClientStats, parseClientStats } from "./stats.ts";
import { type ControlView, isRole, MAX_DISPLAY_NAME } from "./control.ts";

/** The protocol version this code speaks. */
export const SIGNALLING_PROTOCOL = 1;
/**
 * Largest frame accepted, in characters (text) or bytes (binary); a larger
 * one closes the socket with {@linkcode CloseCode.TooBig}. An SDP answer is
 * 2-10 KB; 64 KiB leaves room for many media sections.
 */
export const MAX_SIGNALLING_MESSAGE = 64 * 1024;

/** The per-connection frame rate limit (docs/PROTOCOL.md, "Limits"). */
export const SIGNALLING_LIMITS = {
  // A real session sends 3-6 frames in its busiest second (hello, answer, trickled
  // candidates; measured by bench/limits_bench.ts); a host with many interfaces and
  // TURN servers sends a few dozen. 50/s and bursts of 200 leave a wide margin.
  ratePerSecond: 50,
  burst: 200,
  // Frames over the limit a connection may send before it is closed: 500 at once, or
  // a flood 25/s over the limit for 20 s. ICE bursts never come near.
  abuseBurst: 500,
  abusePerSecond: 25,
  // Replies to frames over the limit: at most one `error` per this many ms.
  errorIntervalMs: 1000,
} as const;

/** The maximum number of viewers when `--max-viewers` is not given. */
export const DEFAULT_MAX_VIEWERS = 16;

/** WebSocket close codes the server uses (RFC 6455, section 7.4.1). */
export const CloseCode = {
  /** No `hello` in time, or a connection that keeps flooding over the rate limit. */
  PolicyViolation: 1008,
  /** A frame over {@linkcode MAX_SIGNALLING_MESSAGE}. */
  TooBig: 1009,
  /** The server is full: `--max-viewers` are watching. */
  TryAgainLater: 1013,
} as const;

/** An ICE server as `RTCPeerConnection` takes it. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** Media states shown to the user. */
export type MediaState = "starting" | "streaming" | "restarting" | "failed";

/** Error codes of the `error` message. */
export type ErrorCode =
  | "bad-message"
  | "protocol"
  | "media"
  | "full"
  | "rate-limited"
  | "too-big"
  | "forbidden"
  | "no-codec";

/**
 * Longest `name` field accepted, in characters: a display name is cut to
 * {@linkcode MAX_DISPLAY_NAME} characters after cleaning, and these leave
 * room for what cleaning removes.
 */
const MAX_NAME_FIELD = MAX_DISPLAY_NAME * 8;

/** Browser to server. */
export type ClientMessage =
  | { type: "hello"; protocol: number; name?: string; codecs?: DecodableCodec[] }
  | { type: "encoder"; encoder: Encoder }
  | { type: "answer"; sdp: string }
  | { type: "ice"; candidate: string; sdpMLineIndex: number }
  | { type: "ice-restart" }
  | { type: "stats"; stats: ClientStats }
  | { type: "control-request" }
  | { type: "control-release" }
  | { type: "name"; name: string }
  | ({ type: "settings" } & LiveSettingsChange)
  | DesktopClientMessage;

/** Server to browser. */
export type ServerMessage =
  | { type: "welcome"; protocol: number; peer: string; version: string; iceServers: IceServer[] }
  | { type: "status"; state: MediaState; message?: string; retryInMs?: number }
  | { type: "offer"; sdp: string; iceRestart?: boolean }
  | { type: "ice"; candidate: string; sdpMLineIndex: number }
  | { type: "ice-servers"; iceServers: IceServer[] }
  | { type: "error"; code: ErrorCode; message: string }
  | ({ type: "control" } & ControlView)
  | ({ type: "settings"; congestionControl: boolean } & LiveSettings)
  | { type: "encoder"; encoder: Encoder; encoders: Encoder[] }
  | DesktopServerMessage;

/** Parses one frame from the browser; throws `RangeError` saying what is wrong. */
export function parseClientMessage(text: string): ClientMessage {
  const o = parseObject(text, MAX_SIGNALLING_MESSAGE);
  switch (o.type) {
    case "hello": {
      const protocol = int(o, "protocol", 0, 1000);
      const hello: Extract<ClientMessage, { type: "hello" }> = { type: "hello", protocol };
      if (o.name !== undefined) hello.name = str(o, "name", MAX_NAME_FIELD);
      if (o.codecs !== undefined) hello.codecs = parseDecodableCodecs(o.codecs);
      return hello;
    }
    case "encoder":
      return { type: "encoder", encoder: encoder(o, "encoder") };
    case "answer":
      return { type: "answer", sdp: str(o, "sdp", MAX_SIGNALLING_MESSAGE) };
    case "ice":
      return {
        type: "ice",
        candidate: str(o, "candidate", 4096),
        sdpMLineIndex: int(o, "sdpMLineIndex", 0, 255),
      };
    case "ice-restart":
      return { type: "ice-restart" };
    case "stats":
      return { type: "stats", stats: parseClientStats(o.stats) };
    case "control-request":
      return { type: "control-request" };
    case "control-release":
      return { type: "control-release" };
    case "name":
      return { type: "name", name: str(o, "name", MAX_NAME_FIELD) };
    case "settings":
      return { type: "settings", ...parseSettingsChange(o) };
    default:
      if (DESKTOP_CLIENT_TYPES.has(o.type as string)) return parseDesktopClientMessage(o);
      throw new RangeError(`Cannot parse message: unknown type "${o.type}"`);
  }
}

/** Parses one frame from the server; throws `RangeError` saying what is wrong. */
export function parseServerMessage(text: string): ServerMessage {
  const o = parseObject(text, 1 << 20);
  switch (o.type) {
    case "welcome":
      return {
        type: "welcome",
        protocol: int(o, "protocol", 0, 1000),
        peer: str(o, "peer", 64),
        version: str(o, "version", 64),
        iceServers: iceServers(o),
      };
    case "status": {
      const message: ServerMessage = { type: "status", state: str(o, "state", 32) as MediaState };
      if (typeof o.message === "string") message.message = o.message;
      if (typeof o.retryInMs === "number") message.retryInMs = o.retryInMs;
      return message;
    }
    case "offer":
      return o.iceRestart === true
        ? { type: "offer", sdp: str(o, "sdp"), iceRestart: true }
        : { type: "offer", sdp: str(o, "sdp") };
    case "ice-servers":
      return { type: "ice-servers", iceServers: iceServers(o) };
    case "ice":
      return {
        type: "ice",
        candidate: str(o, "candidate", 4096),
        sdpMLineIndex: int(o, "sdpMLineIndex", 0, 255),
      };
    case "settings":
      return {
        type: "settings",
        ...parseSettings(o),
        congestionControl: o.congestionControl === true,
      };
    case "encoder": {
      const list = Array.isArray(o.encoders) ? o.encoders : [];
      return {
        type: "encoder",
        encoder: encoder(o, "encoder"),
        encoders: list.filter((e): e is Encoder => typeof e === "string" && isEncoder(e)),
      };
    }
    case "error":
      return { type: "error", code: str(o, "code", 32) as ErrorCode, message: str(o, "message") };
    case "control":
      return { type: "control", ...controlView(o) };
    default: {
      const desktop = parseDesktopServerMessage(o);
      if (desktop) return desktop;
      throw new RangeError(`Cannot parse message: unknown type "${o.type}"`);
    }
  }
}

/** A field naming one of Skerry's encoders. */
function encoder(o: JsonObject, name: string): Encoder {
  const v = str(o, name, 64);
  if (!isEncoder(v)) {
    throw new RangeError(`Cannot parse "${o.type}" message: unknown encoder "${v}"`);
  }
  return v;
}

/** The `iceServers` field: a list of objects with `urls` (anything else is dropped). */
function iceServers(o: JsonObject): IceServer[] {
  if (!Array.isArray(o.iceServers)) return [];
  return o.iceServers.filter((s): s is IceServer =>
    typeof s === "object" && s !== null && "urls" in s
  );
}

/** The fields of a `control` message. */
function controlView(o: JsonObject): ControlView {
  const you = o.you as JsonObject | undefined;
  if (typeof you !== "object" || you === null || !isRole(you.role)) {
    throw new RangeError('Cannot parse "control" message: "you" must hold a peer and a role');
  }
  const controller = o.controller as JsonObject | null | undefined;
  if (controller !== null && (typeof controller !== "object" || controller === undefined)) {
    throw new RangeError('Cannot parse "control" message: "controller" must be an object or null');
  }
  return {
    you: { peer: str({ ...you, type: "control" }, "peer", 64), role: you.role },
    controller: controller === null ? null : {
      peer: str({ ...controller, type: "control" }, "peer", 64),
      name: str({ ...controller, type: "control" }, "name", MAX_NAME_FIELD),
    },
  };
}

/**
 * Signalling messages between the browser and the server over the `/ws`
 * WebSocket (docs/PROTOCOL.md, "Signalling"). Shared by both sides.
 *
 * @module
 */

import { int, type JsonObject, parseObject, str } from "./_fields.ts";

/** The protocol version this code speaks. */
export const SIGNALLING_PROTOCOL = 1;
/** Largest text frame accepted, in characters. */
export const MAX_SIGNALLING_MESSAGE = 64 * 1024;

/** An ICE server as `RTCPeerConnection` takes it. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** Media states shown to the user. */
export type MediaState = "starting" | "streaming" | "restarting" | "failed";

/** Error codes of the `error` message. */
export type ErrorCode = "bad-message" | "protocol" | "media";

/** Browser to server. */
export type ClientMessage =
  | { type: "hello"; protocol: number }
  | { type: "answer"; sdp: string }
  | { type: "ice"; candidate: string; sdpMLineIndex: number }
  | { type: "ice-restart" };

/** Server to browser. */
export type ServerMessage =
  | { type: "welcome"; protocol: number; peer: string; version: string; iceServers: IceServer[] }
  | { type: "status"; state: MediaState; message?: string; retryInMs?: number }
  | { type: "offer"; sdp: string; iceRestart?: boolean }
  | { type: "ice"; candidate: string; sdpMLineIndex: number }
  | { type: "ice-servers"; iceServers: IceServer[] }
  | { type: "error"; code: ErrorCode; message: string };

/** Parses one frame from the browser; throws `RangeError` saying what is wrong. */
export function parseClientMessage(text: string): ClientMessage {
  const o = parseObject(text, MAX_SIGNALLING_MESSAGE);
  switch (o.type) {
    case "hello":
      return { type: "hello", protocol: int(o, "protocol", 0, 1000) };
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
    default:
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
    case "error":
      return { type: "error", code: str(o, "code", 32) as ErrorCode, message: str(o, "message") };
    default:
      throw new RangeError(`Cannot parse message: unknown type "${o.type}"`);
  }
}

/** The `iceServers` field: a list of objects with `urls` (anything else is dropped). */
function iceServers(o: JsonObject): IceServer[] {
  if (!Array.isArray(o.iceServers)) return [];
  return o.iceServers.filter((s): s is IceServer =>
    typeof s === "object" && s !== null && "urls" in s
  );
}

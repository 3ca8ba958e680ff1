/**
 * Statistics on the wire: what the helper measures for each viewer
 * ({@linkcode PeerStats}, in the helper's `stats` message) and what a
 * browser measures of its own stream ({@linkcode ClientStats}, in the
 * client's `stats` message). Both are flat objects of bounded numbers (and
 * two enums), parsed field by field from a table; unknown fields are
 * dropped, a known field out of range rejects the whole message.
 *
 * @module
 */

import type { JsonObject } from "./_fields.ts";

/** ICE candidate types, as RTCStats and libnice name them. */
export const CANDIDATE_TYPES = ["host", "srflx", "prflx", "relay"] as const;
/** One of {@linkcode CANDIDATE_TYPES}. */
export type CandidateType = typeof CANDIDATE_TYPES[number];

/** Where a client's latency estimate comes from (docs/PROTOCOL.md, "Signalling"). */
export const LATENCY_SOURCES = ["capture-time", "network-and-receiver"] as const;
/** One of {@linkcode LATENCY_SOURCES}. */
export type LatencySource = typeof LATENCY_SOURCES[number];

/** One viewer's stream as the helper's webrtcbin sees it. Counts are totals since it joined. */
export interface PeerStats {
  /** Encoded frames handed to this viewer's branch. */
  framesSent?: number;
  /** RTP packets sent. */
  packetsSent: number;
  /** RTP payload bytes sent. */
  bytesSent: number;
  /** Send rate over the last interval, in bits per second. */
  sendBitsPerSecond?: number;
  /** Packets the viewer reports lost (RTCP receiver reports; may drop after duplicates). */
  packetsLost: number;
  /** Fraction lost in the viewer's last report, 0-1. */
  fractionLost?: number;
  /** NACK, PLI and FIR requests received from the viewer. */
  nackCount: number;
  pliCount: number;
  firCount: number;
  /** Round-trip time from the last RTCP report, in ms. */
  roundTripTimeMs?: number;
  /** Interarrival jitter the viewer reports, in ms. */
  jitterMs?: number;
  /** The congestion controller's estimate of the available send rate, in bits per second. */
  availableBitsPerSecond?: number;
  /** Packets resent on the RTX stream after the viewer's NACKs. */
  retransmittedPacketsSent?: number;
  /** The bitrate the shared encoder is set to now, in bits per second. */
  encoderBitsPerSecond?: number;
  /** The frame rate the capture runs at now, in frames per second. */
  encoderFramerate?: number;
  /** Types of the selected candidate pair's two ends. */
  localCandidateType?: CandidateType;
  remoteCandidateType?: CandidateType;
}

/** A browser's own numbers about the stream it plays, over the last interval (about 1 s). */
export interface ClientStats {
  /** Frames decoded so far. */
  framesDecoded: number;
  /** Frames dropped so far (decoded late or never shown). */
  framesDropped: number;
  /** Frames decoded per second. */
  fps: number;
  /** Mean decode time per frame, in ms. */
  decodeMs?: number;
  /** Mean time a frame waited in the jitter buffer, in ms. */
  jitterBufferMs?: number;
  /** Interarrival jitter, in ms. */
  jitterMs?: number;
  /** Packets lost so far, as the browser counts them. */
  packetsLost?: number;
  /** Receive rate, in bits per second. */
  receiveBitsPerSecond?: number;
  /** Round-trip time of the selected candidate pair, in ms. */
  roundTripTimeMs?: number;
  /** Estimated glass-to-glass latency, in ms (what it includes: {@linkcode latencySource}). */
  latencyMs?: number;
  /** How {@linkcode latencyMs} was estimated. */
  latencySource?: LatencySource;
}

/**
 * The connection type of a pair: `relay` when either end relays, else
 * `srflx`/`prflx` when either end is reflexive, else `host`.
 */
export function connectionType(
  local: CandidateType | undefined,
  remote: CandidateType | undefined,
): CandidateType | undefined {
  const ends = [local, remote];
  for (const type of ["relay", "srflx", "prflx", "host"] as const) {
    if (ends.includes(type)) return type;
  }
  return undefined;
}

interface NumberSpec {
  kind: "count" | "number";
  max: number;
  required?: boolean;
}
interface EnumSpec {
  kind: "enum";
  values: readonly string[];
  required?: false;
}
type FieldSpec = NumberSpec | EnumSpec;

const COUNT: NumberSpec = { kind: "count", max: Number.MAX_SAFE_INTEGER, required: true };
const OPTIONAL_COUNT: NumberSpec = { kind: "count", max: Number.MAX_SAFE_INTEGER };
/** Up to an hour, in ms: anything longer is a broken clock, not a measurement. */
const MS: NumberSpec = { kind: "number", max: 3_600_000 };
/** Up to 100 Gbit/s. */
const BITS: NumberSpec = { kind: "number", max: 1e11 };
const CANDIDATE: EnumSpec = { kind: "enum", values: CANDIDATE_TYPES };

const PEER_FIELDS = {
  framesSent: OPTIONAL_COUNT,
  packetsSent: COUNT,
  bytesSent: COUNT,
  sendBitsPerSecond: BITS,
  packetsLost: { kind: "number", max: Number.MAX_SAFE_INTEGER, required: true },
  fractionLost: { kind: "number", max: 1 },
  nackCount: COUNT,
  pliCount: COUNT,
  firCount: COUNT,
  roundTripTimeMs: MS,
  jitterMs: MS,
  availableBitsPerSecond: BITS,
  retransmittedPacketsSent: OPTIONAL_COUNT,
  encoderBitsPerSecond: BITS,
  encoderFramerate: { kind: "number", max: 1000 },
  localCandidateType: CANDIDATE,
  remoteCandidateType: CANDIDATE,
} as const satisfies Record<keyof PeerStats, FieldSpec>;

const CLIENT_FIELDS = {
  framesDecoded: COUNT,
  framesDropped: COUNT,
  fps: { kind: "number", max: 1000, required: true },
  decodeMs: MS,
  jitterBufferMs: MS,
  jitterMs: MS,
  packetsLost: { kind: "number", max: Number.MAX_SAFE_INTEGER },
  receiveBitsPerSecond: BITS,
  roundTripTimeMs: MS,
  latencyMs: MS,
  latencySource: { kind: "enum", values: LATENCY_SOURCES },
} as const satisfies Record<keyof ClientStats, FieldSpec>;

/** Reads the `stats` field of the helper's `stats` message; throws `RangeError` naming the bad field. */
export function parsePeerStats(value: unknown): PeerStats {
  return parseFields(value, PEER_FIELDS, "stats") as unknown as PeerStats;
}

/** Reads the `stats` field of a browser's `stats` message; throws `RangeError` naming the bad field. */
export function parseClientStats(value: unknown): ClientStats {
  return parseFields(value, CLIENT_FIELDS, "stats") as unknown as ClientStats;
}

function parseFields(
  value: unknown,
  fields: Record<string, FieldSpec>,
  type: string,
): Record<string, number | string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RangeError(`Cannot parse "${type}" message: "stats" must be an object`);
  }
  const o = value as JsonObject;
  const out: Record<string, number | string> = {};
  for (const [name, spec] of Object.entries(fields)) {
    const v = o[name];
    if (v === undefined || v === null) {
      if (spec.required) {
        throw new RangeError(`Cannot parse "${type}" message: "stats.${name}" is missing`);
      }
      continue;
    }
    if (spec.kind === "enum") {
      if (typeof v !== "string" || !spec.values.includes(v)) {
        throw new RangeError(
          `Cannot parse "${type}" message: "stats.${name}" must be one of ${
            spec.values.join(", ")
          }`,
        );
      }
      out[name] = v;
      continue;
    }
    const ok = typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= spec.max &&
      (spec.kind === "number" || Number.isInteger(v));
    if (!ok) {
      throw new RangeError(
        `Cannot parse "${type}" message: "stats.${name}" must be ${
          spec.kind === "count" ? "an integer" : "a number"
        } 0-${spec.max}`,
      );
    }
    out[name] = v as number;
  }
  return out;
}

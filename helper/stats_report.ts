/**
 * Turns webrtcbin's `get-stats` reply (copied out as plain data by
 * `ffi/gst_structure.ts`) into one viewer's {@linkcode PeerStats}. Pure: no
 * GStreamer call, tested on replies recorded from GStreamer 1.22.
 *
 * What 1.22's webrtcbin provides, and where each number comes from:
 * - `outbound-rtp`: `packets-sent`, `bytes-sent`, and the `nack-count`,
 *   `pli-count`, `fir-count` received from the viewer (no `frames-sent`:
 *   frames come from the pipeline's frame counter instead); with NACK a
 *   second video `outbound-rtp`, the RTX stream, counts the packets resent;
 * - `remote-inbound-rtp` (the viewer's RTCP receiver reports):
 *   `packets-lost`, `round-trip-time` in seconds, and in its nested
 *   `gst-rtpsource-stats` the raw report: `rb-fractionlost` (1/256 units) and
 *   `rb-jitter` (RTP clock units: divide by the clock rate);
 * - `transport` → `selected-candidate-pair-id` → `candidate-pair` →
 *   `local-candidate-id`/`remote-candidate-id` → `candidate-type`. (1.22
 *   labels each candidate's `type` the wrong way round, local as
 *   `remote-candidate`; the ids in the pair are right, so they are followed.)
 * - no available-bitrate estimate (newer versions may add
 *   `available-outgoing-bitrate` to the candidate pair; it is read if there).
 *
 * @module
 */

import type { FieldValue, StructureData } from "../ffi/gst_structure.ts";
import { CANDIDATE_TYPES, type CandidateType, type PeerStats } from "../lib/protocol/stats.ts";

type Fields = Record<string, FieldValue>;

/** The video stream's statistics from one `get-stats` reply; null before any RTP was sent. */
export function statsReport(reply: StructureData): PeerStats | null {
  const byId = new Map<string, Fields>();
  for (const [id, value] of Object.entries(reply.fields)) {
    if (isStructure(value)) byId.set(id, value.fields);
  }
  const all = [...byId.values()];
  const videoOut = all.filter((s) => s.type === "outbound-rtp" && s.kind !== "audio");
  // With NACK the RTX stream is a second video outbound-rtp; the media stream is the one the
  // viewer's receiver reports name (else the busier).
  const outbound = videoOut.find((s) => text(s["remote-id"]) !== undefined) ??
    videoOut.toSorted((a, b) => count(b["packets-sent"]) - count(a["packets-sent"]))[0];
  if (!outbound) return null;
  const stats: PeerStats = {
    packetsSent: count(outbound["packets-sent"]),
    bytesSent: count(outbound["bytes-sent"]),
    packetsLost: 0,
    nackCount: count(outbound["nack-count"]),
    pliCount: count(outbound["pli-count"]),
    firCount: count(outbound["fir-count"]),
  };
  if (videoOut.length > 1) {
    stats.retransmittedPacketsSent = videoOut.filter((s) => s !== outbound)
      .reduce((sum, s) => sum + count(s["packets-sent"]), 0);
  }
  const remote = byId.get(text(outbound["remote-id"]) ?? "") ??
    all.find((s) => s.type === "remote-inbound-rtp" && s.ssrc === outbound.ssrc);
  if (remote) readReceiverReport(stats, remote, clockRate(outbound, byId));
  readCandidatePair(stats, byId, text(outbound["transport-id"]));
  return stats;
}

/** Loss, round-trip time and jitter from the viewer's receiver report. */
function readReceiverReport(stats: PeerStats, remote: Fields, clock: number | undefined): void {
  const raw = isStructure(remote["gst-rtpsource-stats"])
    ? remote["gst-rtpsource-stats"].fields
    : {};
  const lost = num(remote["packets-lost"]);
  if (lost !== undefined) stats.packetsLost = Math.max(0, Math.trunc(lost));
  const fraction = num(raw["rb-fractionlost"]);
  const fractionLost = fraction !== undefined ? fraction / 256 : num(remote["fraction-lost"]);
  if (fractionLost !== undefined) stats.fractionLost = clamp(fractionLost, 0, 1);
  const rtt = num(remote["round-trip-time"]);
  if (rtt !== undefined && raw["have-rb"] !== false) stats.roundTripTimeMs = rtt * 1000;
  // Newer webrtcbin has `jitter` in seconds; 1.22 only the raw report, in clock units.
  const jitter = num(remote.jitter);
  const rawJitter = num(raw["rb-jitter"]);
  if (jitter !== undefined) stats.jitterMs = jitter * 1000;
  else if (rawJitter !== undefined && clock) stats.jitterMs = (rawJitter / clock) * 1000;
}

/** The RTP clock rate of the outbound stream (codec stats, or the source's own). */
function clockRate(outbound: Fields, byId: Map<string, Fields>): number | undefined {
  const codec = byId.get(text(outbound["codec-id"]) ?? "");
  const rate = num(codec?.["clock-rate"]);
  if (rate !== undefined && rate > 0) return rate;
  const raw = outbound["gst-rtpsource-stats"];
  const own = isStructure(raw) ? num(raw.fields["clock-rate"]) : undefined;
  return own !== undefined && own > 0 ? own : undefined;
}

/** Candidate types and the bitrate estimate of the selected pair. */
function readCandidatePair(
  stats: PeerStats,
  byId: Map<string, Fields>,
  transportId: string | undefined,
): void {
  const transport = byId.get(transportId ?? "") ??
    [...byId.values()].find((s) => s.type === "transport");
  const pair = byId.get(text(transport?.["selected-candidate-pair-id"]) ?? "");
  if (!pair) return;
  const local = candidateType(byId.get(text(pair["local-candidate-id"]) ?? ""));
  const remote = candidateType(byId.get(text(pair["remote-candidate-id"]) ?? ""));
  if (local) stats.localCandidateType = local;
  if (remote) stats.remoteCandidateType = remote;
  const available = num(pair["available-outgoing-bitrate"]);
  if (available !== undefined && available > 0) stats.availableBitsPerSecond = available;
}

function candidateType(candidate: Fields | undefined): CandidateType | undefined {
  const type = text(candidate?.["candidate-type"]);
  return CANDIDATE_TYPES.find((t) => t === type);
}

function isStructure(value: FieldValue | undefined): value is StructureData {
  return typeof value === "object" && value !== null;
}

function num(value: FieldValue | undefined): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function count(value: FieldValue | undefined): number {
  const n = num(value);
  return n === undefined || n < 0 ? 0 : Math.trunc(n);
}

function text(value: FieldValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Bytes sent at a moment, for {@linkcode sendRate}. */
export interface SendSample {
  bytesSent: number;
  /** When, in ms (any monotonic clock). */
  at: number;
}

/** Send rate between two samples, in bits per second; undefined when it cannot be known. */
export function sendRate(
  previous: SendSample | undefined,
  current: SendSample,
): number | undefined {
  if (!previous) return undefined;
  const ms = current.at - previous.at;
  const bytes = current.bytesSent - previous.bytesSent;
  // A counter that went back belongs to a new webrtcbin: no rate across it.
  if (ms <= 0 || bytes < 0) return undefined;
  return (bytes * 8 * 1000) / ms;
}

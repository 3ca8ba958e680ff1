/**
 * The statistics overlay's figures, as text: what the browser measured over
 * the last interval (client/lib/stats.ts), in the words and units a user
 * reads at a glance. Pure, tested without a browser.
 *
 * @module
 */

import { type CandidateType, type ClientStats, connectionType } from "../../lib/protocol/stats.ts";
import type { InboundSample } from "./stats.ts";

/** One line of the overlay: a key for tests, a label, a value. */
export interface Figure {
  key: "fps" | "bitrate" | "rtt" | "loss" | "codec" | "resolution" | "connection" | "latency";
  label: string;
  value: string;
}

const CONNECTION: Record<CandidateType, string> = {
  host: "direct (host)",
  srflx: "through NAT (srflx)",
  prflx: "through NAT (prflx)",
  relay: "relayed (TURN)",
};

/** Nothing measured yet. */
const NONE = "—";

/**
 * The overlay's lines for `stats` of `sample` (and the sample before it on
 * the same connection, for the interval's packet loss).
 */
export function overlayFigures(
  stats: ClientStats,
  sample: InboundSample,
  previous?: InboundSample,
): Figure[] {
  const type = connectionType(
    candidate(sample.localCandidateType),
    candidate(sample.remoteCandidateType),
  );
  return [
    { key: "fps", label: "Frame rate", value: `${Math.round(stats.fps)} fps` },
    { key: "bitrate", label: "Bitrate", value: bitrate(stats.receiveBitsPerSecond) },
    {
      key: "rtt",
      label: "Round trip",
      value: stats.roundTripTimeMs === undefined ? NONE : `${Math.round(stats.roundTripTimeMs)} ms`,
    },
    { key: "loss", label: "Packet loss", value: loss(sample, previous) },
    { key: "codec", label: "Codec", value: sample.codec.replace(/^video\//, "") || NONE },
    {
      key: "resolution",
      label: "Resolution",
      value: sample.frameWidth > 0 ? `${sample.frameWidth}x${sample.frameHeight}` : NONE,
    },
    { key: "connection", label: "Connection", value: type === undefined ? NONE : CONNECTION[type] },
    {
      key: "latency",
      label: "Latency (estimate)",
      // A lower bound: the host's capture and encode are not in it (docs/PROTOCOL.md).
      value: stats.latencyMs === undefined ? NONE : `≥ ${Math.round(stats.latencyMs)} ms`,
    },
  ];
}

function bitrate(bps: number | undefined): string {
  if (bps === undefined) return NONE;
  return bps >= 1_000_000
    ? `${(bps / 1_000_000).toFixed(1)} Mbit/s`
    : `${Math.round(bps / 1000)} kbit/s`;
}

/** Lost over expected since the previous sample, in percent (packets counted by the browser). */
function loss(sample: InboundSample, previous: InboundSample | undefined): string {
  if (!previous) return NONE;
  const lost = Math.max(0, sample.packetsLost - previous.packetsLost);
  const received = Math.max(0, sample.packetsReceived - previous.packetsReceived);
  if (lost + received === 0) return NONE;
  const percent = (lost / (lost + received)) * 100;
  return `${percent < 10 ? percent.toFixed(1) : Math.round(percent)} %`;
}

function candidate(type: string | undefined): CandidateType | undefined {
  return type === "host" || type === "srflx" || type === "prflx" || type === "relay"
    ? type
    : undefined;
}

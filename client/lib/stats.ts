/**
 * The browser's own numbers about the stream, collected every second and
 * sent to the server as a `stats` message (docs/PROTOCOL.md): frames per
 * second, decode time, jitter buffer delay, frames dropped, loss, receive
 * rate, round-trip time, and a glass-to-glass latency estimate
 * (latency_estimate.ts). The statistics overlay subscribes with `onStats`,
 * which also gets the raw samples (codec, frame size, candidate types).
 *
 * @module
 */

import type { ClientStats } from "../../lib/protocol/stats.ts";
import { estimateLatency, type FrameTiming } from "./latency_estimate.ts";

/** Cumulative counters of the inbound video stream at one moment. */
export interface InboundSample {
  /** The stats object's id: a new id means a new stream, counters start over. */
  id: string;
  /** `RTCStats.timestamp`, in ms. */
  timestamp: number;
  framesDecoded: number;
  framesDropped: number;
  /** Seconds. */
  totalDecodeTime: number;
  /** Seconds, summed over emitted frames. */
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
  packetsLost: number;
  bytesReceived: number;
  /** Seconds, or undefined. */
  jitter: number | undefined;
  /** The selected candidate pair's current round-trip time, in seconds. */
  roundTripTime: number | undefined;
  packetsReceived: number;
  /** The codec's MIME type, e.g. `video/H264`, or "" before it is known. */
  codec: string;
  /** Size of the last decoded frame, in pixels (0 before the first). */
  frameWidth: number;
  frameHeight: number;
  /** Candidate types of the selected pair's ends (`host`, `srflx`, `prflx`, `relay`), if known. */
  localCandidateType: string | undefined;
  remoteCandidateType: string | undefined;
}

type Stat = Record<string, unknown>;

/** Reads the inbound video stream and the selected candidate pair out of a stats report. */
export function inboundSample(report: ReadonlyMap<string, Stat>): InboundSample | undefined {
  const stats = [...report.values()];
  const inbound = stats.find((s) => s.type === "inbound-rtp" && s.kind === "video");
  if (!inbound) return undefined;
  const transport = report.get(String(inbound.transportId)) ??
    stats.find((s) => s.type === "transport");
  const pair = report.get(String(transport?.selectedCandidatePairId)) ??
    stats.find((s) =>
      s.type === "candidate-pair" && s.nominated === true && s.state === "succeeded"
    );
  const n = (v: unknown) => typeof v === "number" && Number.isFinite(v) ? v : 0;
  const maybe = (v: unknown) => typeof v === "number" && Number.isFinite(v) ? v : undefined;
  const candidateType = (id: unknown) => {
    const type = report.get(String(id))?.candidateType;
    return typeof type === "string" ? type : undefined;
  };
  const codec = report.get(String(inbound.codecId))?.mimeType;
  return {
    id: String(inbound.id),
    timestamp: n(inbound.timestamp),
    framesDecoded: n(inbound.framesDecoded),
    framesDropped: n(inbound.framesDropped),
    totalDecodeTime: n(inbound.totalDecodeTime),
    jitterBufferDelay: n(inbound.jitterBufferDelay),
    jitterBufferEmittedCount: n(inbound.jitterBufferEmittedCount),
    packetsLost: n(inbound.packetsLost),
    bytesReceived: n(inbound.bytesReceived),
    jitter: maybe(inbound.jitter),
    roundTripTime: maybe(pair?.currentRoundTripTime),
    packetsReceived: n(inbound.packetsReceived),
    codec: typeof codec === "string" ? codec : "",
    frameWidth: n(inbound.frameWidth),
    frameHeight: n(inbound.frameHeight),
    localCandidateType: candidateType(pair?.localCandidateId),
    remoteCandidateType: candidateType(pair?.remoteCandidateId),
  };
}

/**
 * One interval's {@linkcode ClientStats} from two samples of the same
 * stream (rates need `previous`; without it only totals are given) and the
 * frames presented meanwhile.
 */
export function summarize(
  previous: InboundSample | undefined,
  current: InboundSample,
  frames: readonly FrameTiming[],
): ClientStats {
  const rttMs = current.roundTripTime === undefined ? undefined : current.roundTripTime * 1000;
  const stats: ClientStats = {
    framesDecoded: Math.trunc(current.framesDecoded),
    framesDropped: Math.trunc(current.framesDropped),
    fps: 0,
    packetsLost: Math.max(0, current.packetsLost),
  };
  if (current.jitter !== undefined) stats.jitterMs = current.jitter * 1000;
  if (rttMs !== undefined) stats.roundTripTimeMs = rttMs;
  const latency = estimateLatency(frames, rttMs);
  if (latency) {
    stats.latencyMs = latency.latencyMs;
    stats.latencySource = latency.source;
  }
  const same = previous !== undefined && previous.id === current.id;
  const seconds = same ? (current.timestamp - previous.timestamp) / 1000 : 0;
  if (!same || seconds <= 0) return stats;
  const decoded = current.framesDecoded - previous.framesDecoded;
  if (decoded < 0) return stats;
  stats.fps = Math.min(1000, decoded / seconds);
  stats.receiveBitsPerSecond = Math.max(
    0,
    (current.bytesReceived - previous.bytesReceived) * 8 / seconds,
  );
  if (decoded > 0) {
    stats.decodeMs = Math.max(
      0,
      (current.totalDecodeTime - previous.totalDecodeTime) / decoded * 1000,
    );
  }
  const emitted = current.jitterBufferEmittedCount - previous.jitterBufferEmittedCount;
  if (emitted > 0) {
    stats.jitterBufferMs = Math.max(
      0,
      (current.jitterBufferDelay - previous.jitterBufferDelay) / emitted * 1000,
    );
  }
  return stats;
}

/** Options of {@linkcode StatsCollector}. */
export interface StatsCollectorOptions {
  /** The element playing the stream. */
  video: HTMLVideoElement;
  /** The current peer connection, if any. */
  peerConnection(): RTCPeerConnection | undefined;
  /** Sends the numbers to the server. */
  report(stats: ClientStats): void;
  /**
   * Also called with every interval's numbers, the sample they came from and
   * the one before it on the same connection (for the statistics overlay).
   */
  onStats?(stats: ClientStats, sample: InboundSample, previous: InboundSample | undefined): void;
  /** Interval in ms; default 1000. */
  intervalMs?: number;
}

/** Most frame timings kept per interval (a 240 Hz stream for one second). */
const MAX_FRAMES = 240;

/** Collects the stream's numbers every interval while started. */
export class StatsCollector {
  readonly #options: StatsCollectorOptions;
  #timer: ReturnType<typeof setInterval> | undefined;
  #frameCallback: number | undefined;
  #frames: FrameTiming[] = [];
  #previous: InboundSample | undefined;
  #pc: RTCPeerConnection | undefined;

  constructor(options: StatsCollectorOptions) {
    this.#options = options;
  }

  /** Starts collecting. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => void this.#collect(), this.#options.intervalMs ?? 1000);
    this.#watchFrames();
  }

  /** Stops collecting. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    const video = this.#options.video;
    if (this.#frameCallback !== undefined && "cancelVideoFrameCallback" in video) {
      video.cancelVideoFrameCallback(this.#frameCallback);
    }
    this.#frameCallback = undefined;
  }

  /** Records each presented frame's timing (Chromium 83+, Safari 15.4+, Firefox 132+). */
  #watchFrames(): void {
    const video = this.#options.video;
    if (!("requestVideoFrameCallback" in video)) return;
    const onFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
      if (this.#timer === undefined) return;
      if (this.#frames.length < MAX_FRAMES) {
        this.#frames.push({
          expectedDisplayTime: meta.expectedDisplayTime,
          presentationTime: meta.presentationTime,
          ...(meta.captureTime === undefined ? {} : { captureTime: meta.captureTime }),
          ...(meta.receiveTime === undefined ? {} : { receiveTime: meta.receiveTime }),
        });
      }
      this.#frameCallback = video.requestVideoFrameCallback(onFrame);
    };
    this.#frameCallback = video.requestVideoFrameCallback(onFrame);
  }

  async #collect(): Promise<void> {
    const pc = this.#options.peerConnection();
    const frames = this.#frames;
    this.#frames = [];
    if (!pc) return;
    if (pc !== this.#pc) {
      this.#pc = pc;
      this.#previous = undefined;
    }
    let report: RTCStatsReport;
    try {
      report = await pc.getStats();
    } catch {
      return; // closed meanwhile
    }
    const sample = inboundSample(report as unknown as ReadonlyMap<string, Stat>);
    if (!sample || this.#timer === undefined) return;
    const previous = this.#previous;
    const stats = summarize(previous, sample, frames);
    this.#previous = sample;
    this.#options.report(stats);
    this.#options.onStats?.(stats, sample, previous?.id === sample.id ? previous : undefined);
  }
}

/**
 * Skerry's Prometheus metrics (the list is in the README, "Operations"):
 * process-wide numbers read from their owners at each scrape, and per-viewer
 * series (label `peer`) fed by the helper's and the browsers' statistics,
 * dropped when the viewer leaves.
 *
 * @module
 */

import { type ClientStats, connectionType, type PeerStats } from "../protocol/stats.ts";
import { type Gauge, Registry } from "./registry.ts";
import type { ViewerMonitor } from "./viewer_monitor.ts";

/** Live numbers read at each scrape. */
export interface MetricsSources {
  /** Viewers connected now. */
  viewers(): number;
  /** Helpers spawned (standby included) and helpers that exited unasked. */
  helper(): { spawned: number; crashes: number };
  /** Input messages accepted, rejected and refused (not in control), all viewers, since start. */
  input?(): { accepted: number; rejected: number; refused?: number };
}

/** Options of {@linkcode SkerryMetrics}. */
export interface SkerryMetricsOptions {
  /** Skerry's version, for `skerry_build_info`. */
  version: string;
  /** Where the process-wide numbers come from. */
  sources: MetricsSources;
  /** Most viewers with series of their own (the rest are counted, not detailed). Default 200. */
  maxViewers?: number;
}

/** Buckets of the latency histogram, in seconds: 10 ms steps where low latency lives. */
const LATENCY_BUCKETS = [0.01, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1];

/** The registry and the code that fills it. */
export class SkerryMetrics implements ViewerMonitor {
  readonly registry = new Registry();
  readonly #peers = new Set<string>();
  readonly #connection = new Map<string, string>();
  readonly #maxViewers: number;
  readonly #m;

  constructor(options: SkerryMetricsOptions) {
    this.#maxViewers = options.maxViewers ?? 200;
    const r = this.registry;
    const peer = ["peer"] as const;
    const perViewer = { labelNames: peer, maxSeries: this.#maxViewers };
    const m = this.#m = {
      buildInfo: r.gauge({
        name: "skerry_build_info",
        help: "Always 1; the labels say which Skerry and Deno run",
        labelNames: ["version", "deno"],
      }),
      viewers: r.gauge({ name: "skerry_viewers", help: "Viewers connected" }),
      helperSpawns: r.counter({
        name: "skerry_helper_spawns_total",
        help: "Media helper processes started, standby helpers included",
      }),
      helperCrashes: r.counter({
        name: "skerry_helper_crashes_total",
        help: "Media helper processes that exited without being asked to (each is restarted)",
      }),
      input: r.counter({
        name: "skerry_input_messages_total",
        help:
          "Input messages from viewers, by result (rejected: malformed; refused: view-only or not in control; nothing injected)",
        labelNames: ["result"],
      }),
      framesSent: r.counter({
        name: "skerry_viewer_frames_sent_total",
        help: "Frames encoded while the viewer's branch was linked",
        ...perViewer,
      }),
      packetsSent: r.counter({
        name: "skerry_viewer_packets_sent_total",
        help: "RTP packets sent to the viewer",
        ...perViewer,
      }),
      bytesSent: r.counter({
        name: "skerry_viewer_sent_bytes_total",
        help: "RTP payload bytes sent to the viewer",
        ...perViewer,
      }),
      sendBitrate: r.gauge({
        name: "skerry_viewer_send_bitrate_bits_per_second",
        help: "Send rate to the viewer over the last second",
        ...perViewer,
      }),
      availableBitrate: r.gauge({
        name: "skerry_viewer_available_bitrate_bits_per_second",
        help: "Bitrate the viewer's congestion controller finds its path can carry",
        ...perViewer,
      }),
      encoderBitrate: r.gauge({
        name: "skerry_viewer_encoder_bitrate_bits_per_second",
        help: "Bitrate the encoder serving the viewer is set to",
        ...perViewer,
      }),
      encoderFramerate: r.gauge({
        name: "skerry_viewer_encoder_frames_per_second",
        help: "Frame rate the capture serving the viewer runs at",
        ...perViewer,
      }),
      retransmitted: r.counter({
        name: "skerry_viewer_retransmitted_packets_total",
        help: "Packets resent to the viewer (RTX) after its retransmission requests",
        ...perViewer,
      }),
      rtt: r.gauge({
        name: "skerry_viewer_round_trip_time_seconds",
        help: "Round-trip time to the viewer from its last RTCP report",
        ...perViewer,
      }),
      jitter: r.gauge({
        name: "skerry_viewer_jitter_seconds",
        help: "Interarrival jitter the viewer reports",
        ...perViewer,
      }),
      packetsLost: r.counter({
        name: "skerry_viewer_packets_lost_total",
        help: "Packets the viewer reports lost (cumulative, from its RTCP receiver reports)",
        ...perViewer,
      }),
      lossRatio: r.gauge({
        name: "skerry_viewer_packet_loss_ratio",
        help: "Fraction of packets lost in the viewer's last RTCP report (0-1)",
        ...perViewer,
      }),
      nacks: r.counter({
        name: "skerry_viewer_nacks_received_total",
        help: "Retransmission requests (NACK) received from the viewer",
        ...perViewer,
      }),
      plis: r.counter({
        name: "skerry_viewer_plis_received_total",
        help: "Keyframe requests (PLI) received from the viewer",
        ...perViewer,
      }),
      firs: r.counter({
        name: "skerry_viewer_firs_received_total",
        help: "Full intra requests (FIR) received from the viewer",
        ...perViewer,
      }),
      connectionType: r.gauge({
        name: "skerry_viewer_connection_type",
        help: "1 for the viewer's ICE connection type: host, srflx, prflx or relay (TURN)",
        labelNames: ["peer", "type"],
        maxSeries: this.#maxViewers,
      }),
      clientFps: r.gauge({
        name: "skerry_viewer_client_frames_per_second",
        help: "Frames the viewer's browser decoded per second",
        ...perViewer,
      }),
      clientDecoded: r.counter({
        name: "skerry_viewer_client_frames_decoded_total",
        help: "Frames the viewer's browser decoded",
        ...perViewer,
      }),
      clientDropped: r.counter({
        name: "skerry_viewer_client_frames_dropped_total",
        help: "Frames the viewer's browser dropped",
        ...perViewer,
      }),
      clientDecode: r.gauge({
        name: "skerry_viewer_client_decode_time_seconds",
        help: "Mean decode time per frame in the viewer's browser",
        ...perViewer,
      }),
      clientJitterBuffer: r.gauge({
        name: "skerry_viewer_client_jitter_buffer_seconds",
        help: "Mean time a frame waited in the viewer's jitter buffer",
        ...perViewer,
      }),
      latency: r.gauge({
        name: "skerry_viewer_glass_to_glass_latency_seconds",
        help: "Glass-to-glass latency the viewer's browser estimates (see docs/PROTOCOL.md)",
        ...perViewer,
      }),
      latencyHistogram: r.histogram({
        name: "skerry_glass_to_glass_latency_seconds",
        help: "Glass-to-glass latency estimates of all viewers, one per viewer per second",
        buckets: LATENCY_BUCKETS,
      }),
    };
    m.buildInfo.set({ version: options.version, deno: Deno.version.deno }, 1);
    r.onCollect(() => {
      const s = options.sources;
      m.viewers.set({}, s.viewers());
      const helper = s.helper();
      m.helperSpawns.set({}, helper.spawned);
      m.helperCrashes.set({}, helper.crashes);
      const input = s.input?.();
      if (input) {
        m.input.set({ result: "accepted" }, input.accepted);
        m.input.set({ result: "rejected" }, input.rejected);
        if (input.refused !== undefined) m.input.set({ result: "refused" }, input.refused);
      }
    });
  }

  /** The exposition text (docs: README, "Operations"). */
  render(): string {
    return this.registry.render();
  }

  viewerJoined(peer: string): void {
    if (this.#peers.size < this.#maxViewers) this.#peers.add(peer);
  }

  viewerLeft(peer: string): void {
    this.#peers.delete(peer);
    this.#connection.delete(peer);
    this.registry.removeSeries("peer", peer);
  }

  peerStats(peer: string, s: PeerStats): void {
    if (!this.#peers.has(peer)) return;
    const m = this.#m;
    const p = { peer };
    if (s.framesSent !== undefined) m.framesSent.set(p, s.framesSent);
    m.packetsSent.set(p, s.packetsSent);
    m.bytesSent.set(p, s.bytesSent);
    m.packetsLost.set(p, s.packetsLost);
    m.nacks.set(p, s.nackCount);
    m.plis.set(p, s.pliCount);
    m.firs.set(p, s.firCount);
    setIf(m.sendBitrate, p, s.sendBitsPerSecond);
    setIf(m.availableBitrate, p, s.availableBitsPerSecond);
    setIf(m.encoderBitrate, p, s.encoderBitsPerSecond);
    setIf(m.encoderFramerate, p, s.encoderFramerate);
    if (s.retransmittedPacketsSent !== undefined) {
      m.retransmitted.set(p, s.retransmittedPacketsSent);
    }
    setIf(m.rtt, p, seconds(s.roundTripTimeMs));
    setIf(m.jitter, p, seconds(s.jitterMs));
    setIf(m.lossRatio, p, s.fractionLost);
    const type = connectionType(s.localCandidateType, s.remoteCandidateType);
    const previous = this.#connection.get(peer);
    if (type !== undefined && type !== previous) {
      if (previous !== undefined) m.connectionType.remove({ peer, type: previous });
      m.connectionType.set({ peer, type }, 1);
      this.#connection.set(peer, type);
    }
  }

  clientStats(peer: string, s: ClientStats): void {
    if (!this.#peers.has(peer)) return;
    const m = this.#m;
    const p = { peer };
    m.clientFps.set(p, s.fps);
    m.clientDecoded.set(p, s.framesDecoded);
    m.clientDropped.set(p, s.framesDropped);
    setIf(m.clientDecode, p, seconds(s.decodeMs));
    setIf(m.clientJitterBuffer, p, seconds(s.jitterBufferMs));
    const latency = seconds(s.latencyMs);
    setIf(m.latency, p, latency);
    if (latency !== undefined) m.latencyHistogram.observe({}, latency);
  }
}

function setIf(gauge: Gauge, labels: { peer: string }, value: number | undefined): void {
  if (value !== undefined) gauge.set(labels, value);
}

function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}

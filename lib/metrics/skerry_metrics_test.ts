import assert from "node:assert/strict";
import { type Family, parsePrometheus } from "../../test/fixtures/prometheus.ts";
import type { PeerStats } from "../protocol/stats.ts";
import { SkerryMetrics } from "./skerry_metrics.ts";

const PEER_STATS: PeerStats = {
  framesSent: 300,
  packetsSent: 900,
  bytesSent: 1_000_000,
  sendBitsPerSecond: 2_000_000,
  packetsLost: 3,
  fractionLost: 0.01,
  nackCount: 4,
  pliCount: 1,
  firCount: 0,
  roundTripTimeMs: 12,
  jitterMs: 2.5,
  localCandidateType: "host",
  remoteCandidateType: "relay",
};

function metrics(options: { maxViewers?: number } = {}) {
  const live = { viewers: 0, spawned: 1, crashes: 0, accepted: 0, rejected: 0, refused: 0 };
  const m = new SkerryMetrics({
    version: "9.9.9",
    sources: {
      viewers: () => live.viewers,
      helper: () => ({ spawned: live.spawned, crashes: live.crashes }),
      input: () => ({ accepted: live.accepted, rejected: live.rejected, refused: live.refused }),
    },
    ...options,
  });
  return { m, live };
}

/** Sample values by `name{labels}`, from a strict parse of the exposition. */
function samples(families: Family[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of families) {
    for (const s of f.samples) {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(",");
      out.set(labels ? `${s.name}{${labels}}` : s.name, s.value);
    }
  }
  return out;
}

Deno.test("SkerryMetrics.render() reads process-wide numbers at each scrape", () => {
  const { m, live } = metrics();
  Object.assign(live, {
    viewers: 2,
    spawned: 3,
    crashes: 1,
    accepted: 40,
    rejected: 2,
    refused: 7,
  });
  const v = samples(parsePrometheus(m.render()));
  assert.equal(v.get(`skerry_build_info{version=9.9.9,deno=${Deno.version.deno}}`), 1);
  assert.equal(v.get("skerry_viewers"), 2);
  assert.equal(v.get("skerry_helper_spawns_total"), 3);
  assert.equal(v.get("skerry_helper_crashes_total"), 1);
  assert.equal(v.get("skerry_input_messages_total{result=accepted}"), 40);
  assert.equal(v.get("skerry_input_messages_total{result=rejected}"), 2);
  assert.equal(v.get("skerry_input_messages_total{result=refused}"), 7);
});

Deno.test("SkerryMetrics turns a viewer's statistics into series in base units", () => {
  const { m } = metrics();
  m.viewerJoined("p1");
  m.peerStats("p1", PEER_STATS);
  m.clientStats("p1", {
    framesDecoded: 290,
    framesDropped: 2,
    fps: 29.5,
    decodeMs: 1.5,
    jitterBufferMs: 4,
    latencyMs: 42,
    latencySource: "capture-time",
  });
  const v = samples(parsePrometheus(m.render()));
  const expected: Record<string, number> = {
    "skerry_viewer_frames_sent_total{peer=p1}": 300,
    "skerry_viewer_packets_sent_total{peer=p1}": 900,
    "skerry_viewer_sent_bytes_total{peer=p1}": 1_000_000,
    "skerry_viewer_send_bitrate_bits_per_second{peer=p1}": 2_000_000,
    "skerry_viewer_round_trip_time_seconds{peer=p1}": 0.012,
    "skerry_viewer_jitter_seconds{peer=p1}": 0.0025,
    "skerry_viewer_packets_lost_total{peer=p1}": 3,
    "skerry_viewer_packet_loss_ratio{peer=p1}": 0.01,
    "skerry_viewer_nacks_received_total{peer=p1}": 4,
    "skerry_viewer_plis_received_total{peer=p1}": 1,
    "skerry_viewer_firs_received_total{peer=p1}": 0,
    "skerry_viewer_connection_type{peer=p1,type=relay}": 1,
    "skerry_viewer_client_frames_per_second{peer=p1}": 29.5,
    "skerry_viewer_client_frames_decoded_total{peer=p1}": 290,
    "skerry_viewer_client_frames_dropped_total{peer=p1}": 2,
    "skerry_viewer_client_decode_time_seconds{peer=p1}": 0.0015,
    "skerry_viewer_client_jitter_buffer_seconds{peer=p1}": 0.004,
    "skerry_viewer_glass_to_glass_latency_seconds{peer=p1}": 0.042,
    "skerry_glass_to_glass_latency_seconds_bucket{le=0.05}": 1,
    "skerry_glass_to_glass_latency_seconds_bucket{le=0.04}": 0,
    "skerry_glass_to_glass_latency_seconds_count": 1,
  };
  for (const [key, value] of Object.entries(expected)) assert.equal(v.get(key), value, key);
  // No estimate from the helper: no series rather than a zero.
  assert.equal(v.has("skerry_viewer_available_bitrate_bits_per_second{peer=p1}"), false);
});

Deno.test("SkerryMetrics keeps one connection-type series per viewer", () => {
  const { m } = metrics();
  m.viewerJoined("p1");
  m.peerStats("p1", { ...PEER_STATS, remoteCandidateType: "srflx" });
  m.peerStats("p1", { ...PEER_STATS, localCandidateType: "host", remoteCandidateType: "host" });
  const types = parsePrometheus(m.render()).find((f) =>
    f.name === "skerry_viewer_connection_type"
  )!;
  assert.deepEqual(types.samples.map((s) => s.labels), [{ peer: "p1", type: "host" }]);
});

Deno.test("SkerryMetrics drops a viewer's series when it leaves, and ignores late numbers", () => {
  const { m } = metrics();
  m.viewerJoined("p1");
  m.viewerJoined("p2");
  m.peerStats("p1", PEER_STATS);
  m.peerStats("p2", PEER_STATS);
  m.viewerLeft("p1");
  // A message already on its way when p1 left.
  m.peerStats("p1", PEER_STATS);
  m.clientStats("p1", { framesDecoded: 1, framesDropped: 0, fps: 1 });
  const text = m.render();
  assert.doesNotMatch(text, /peer="p1"/);
  assert.match(text, /^skerry_viewer_packets_sent_total\{peer="p2"\} 900$/m);
});

Deno.test("SkerryMetrics gives series to at most maxViewers viewers", () => {
  const { m } = metrics({ maxViewers: 2 });
  for (const peer of ["p1", "p2", "p3"]) {
    m.viewerJoined(peer);
    m.peerStats(peer, PEER_STATS);
  }
  const sent = parsePrometheus(m.render()).find((f) =>
    f.name === "skerry_viewer_packets_sent_total"
  )!;
  assert.deepEqual(sent.samples.map((s) => s.labels.peer), ["p1", "p2"]);
});

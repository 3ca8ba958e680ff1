import assert from "node:assert/strict";
import type { FieldValue, StructureData } from "../ffi/gst_structure.ts";
import { sendRate, statsReport } from "./stats_report.ts";

const s = (name: string, fields: Record<string, FieldValue>): StructureData => ({ name, fields });

/** A `get-stats` reply as GStreamer 1.22's webrtcbin gave it (trimmed to the fields read). */
function reply122(): StructureData {
  return s("application/x-webrtc-stats", {
    "peer-connection-stats": s("peer-connection", { type: "peer-connection" }),
    "codec-stats-sink_0": s("codec", {
      type: "codec",
      "clock-rate": 90000,
      "mime-type": "video/H264",
    }),
    // 1.22 labels the local candidate "remote-candidate" and vice versa.
    "ice-candidate-local_1_127.0.0.1_52362": s("remote-candidate", {
      type: "remote-candidate",
      "candidate-type": "host",
    }),
    "ice-candidate-remote_1_10.0.0.9_50804": s("local-candidate", {
      type: "local-candidate",
      "candidate-type": "relay",
    }),
    "ice-candidate-pair_webrtcnicetransport0": s("candidate-pair", {
      type: "candidate-pair",
      "local-candidate-id": "ice-candidate-local_1_127.0.0.1_52362",
      "remote-candidate-id": "ice-candidate-remote_1_10.0.0.9_50804",
    }),
    "transport-stats_webrtcdtlstransport0": s("transport", {
      type: "transport",
      "selected-candidate-pair-id": "ice-candidate-pair_webrtcnicetransport0",
    }),
    "rtp-remote-inbound-stream-stats_2181615285": s("remote-inbound-rtp", {
      type: "remote-inbound-rtp",
      "local-id": "rtp-outbound-stream-stats_2181615285",
      ssrc: 2181615285,
      kind: "video",
      "packets-lost": 15,
      "fraction-lost": 0,
      "round-trip-time": 0.0012359619140625,
      "gst-rtpsource-stats": s("application/x-rtp-source-stats", {
        "have-rb": true,
        "rb-fractionlost": 64,
        "rb-packetslost": 15,
        "rb-jitter": 242,
        "rb-round-trip": 81,
      }),
    }),
    "rtp-outbound-stream-stats_2181615285": s("outbound-rtp", {
      type: "outbound-rtp",
      ssrc: 2181615285,
      "codec-id": "codec-stats-sink_0",
      "transport-id": "transport-stats_webrtcdtlstransport0",
      kind: "video",
      "bytes-sent": 7496,
      "packets-sent": 227,
      "fir-count": 1,
      "pli-count": 2,
      "nack-count": 3,
      "remote-id": "rtp-remote-inbound-stream-stats_2181615285",
    }),
    // The browser's RTCP source: an inbound stream that carries no media.
    "rtp-inbound-stream-stats_1": s("inbound-rtp", {
      type: "inbound-rtp",
      ssrc: 1,
      "packets-received": 0,
    }),
  });
}

Deno.test("statsReport() reads GStreamer 1.22's reply: counts, loss, RTT, jitter, candidates", () => {
  assert.deepEqual(statsReport(reply122()), {
    packetsSent: 227,
    bytesSent: 7496,
    packetsLost: 15,
    // rb-fractionlost is in 1/256 units.
    fractionLost: 0.25,
    nackCount: 3,
    pliCount: 2,
    firCount: 1,
    roundTripTimeMs: 1.2359619140625,
    // 242 RTP ticks at 90 kHz.
    jitterMs: (242 / 90000) * 1000,
    localCandidateType: "host",
    remoteCandidateType: "relay",
  });
});

Deno.test("statsReport() prefers the newer fields: jitter in seconds, available bitrate", () => {
  const reply = reply122();
  const remote = reply.fields["rtp-remote-inbound-stream-stats_2181615285"] as StructureData;
  remote.fields.jitter = 0.004;
  remote.fields["gst-rtpsource-stats"] = null;
  remote.fields["fraction-lost"] = 0.5;
  const pair = reply.fields["ice-candidate-pair_webrtcnicetransport0"] as StructureData;
  pair.fields["available-outgoing-bitrate"] = 2_500_000;
  const stats = statsReport(reply)!;
  assert.equal(stats.jitterMs, 4);
  assert.equal(stats.fractionLost, 0.5);
  assert.equal(stats.availableBitsPerSecond, 2_500_000);
});

Deno.test("statsReport() without a receiver report or a selected pair gives the send counts only", () => {
  const reply = reply122();
  delete reply.fields["rtp-remote-inbound-stream-stats_2181615285"];
  delete reply.fields["transport-stats_webrtcdtlstransport0"];
  assert.deepEqual(statsReport(reply), {
    packetsSent: 227,
    bytesSent: 7496,
    packetsLost: 0,
    nackCount: 3,
    pliCount: 2,
    firCount: 1,
  });
});

Deno.test("statsReport() is null before webrtcbin has an outbound stream", () => {
  assert.equal(statsReport(s("application/x-webrtc-stats", {})), null);
  assert.equal(
    statsReport(s("application/x-webrtc-stats", {
      "peer-connection-stats": s("peer-connection", { type: "peer-connection" }),
    })),
    null,
  );
});

Deno.test("statsReport() ignores values of the wrong type and unknown candidate types", () => {
  const reply = reply122();
  const out = reply.fields["rtp-outbound-stream-stats_2181615285"] as StructureData;
  out.fields["bytes-sent"] = "many";
  out.fields["packets-sent"] = -4;
  const local = reply.fields["ice-candidate-local_1_127.0.0.1_52362"] as StructureData;
  local.fields["candidate-type"] = "bogus";
  const stats = statsReport(reply)!;
  assert.equal(stats.bytesSent, 0);
  assert.equal(stats.packetsSent, 0);
  assert.equal(stats.localCandidateType, undefined);
  assert.equal(stats.remoteCandidateType, "relay");
});

Deno.test("sendRate() is bits per second between two samples, none across a reset", () => {
  assert.equal(sendRate(undefined, { bytesSent: 1000, at: 0 }), undefined);
  assert.equal(sendRate({ bytesSent: 1000, at: 0 }, { bytesSent: 126_000, at: 500 }), 2_000_000);
  assert.equal(sendRate({ bytesSent: 5000, at: 0 }, { bytesSent: 100, at: 1000 }), undefined);
  assert.equal(sendRate({ bytesSent: 5000, at: 10 }, { bytesSent: 6000, at: 10 }), undefined);
});

import assert from "node:assert/strict";
import type { FieldValue, StructureData } from "../ffi/gst_structure.ts";
import { SampleReader } from "./congestion_sample.ts";

const s = (name: string, fields: Record<string, FieldValue>): StructureData => ({ name, fields });

/** A 1.22 `get-stats` reply trimmed to what the reader uses: media and RTX streams, RR, TWCC. */
function reply(o: {
  packets: number;
  bytes: number;
  rtx?: number;
  twcc?: Record<string, FieldValue>;
  fractionLost?: number;
  lost?: number;
}): StructureData {
  return s("application/x-webrtc-stats", {
    "rtp-outbound-stream-stats_1": s("outbound-rtp", {
      type: "outbound-rtp",
      kind: "video",
      "packets-sent": o.packets,
      "bytes-sent": o.bytes,
    }),
    "rtp-outbound-stream-stats_2": s("outbound-rtp", {
      type: "outbound-rtp",
      kind: "video",
      "packets-sent": o.rtx ?? 0,
      "bytes-sent": (o.rtx ?? 0) * 1000,
    }),
    "rtp-remote-inbound-stream-stats_1": s("remote-inbound-rtp", {
      type: "remote-inbound-rtp",
      kind: "video",
      "packets-lost": o.lost ?? 0,
      "fraction-lost": o.fractionLost ?? 0,
      "round-trip-time": 0.025,
    }),
    "ice-candidate-pair_webrtcnicetransport0": s("candidate-pair", {
      type: "candidate-pair",
      ...(o.twcc ? { "gst-twcc-stats": s("RTPTWCCStats", o.twcc) } : {}),
    }),
  });
}

const TWCC = {
  "bitrate-sent": 2_100_000,
  "bitrate-recv": 1_900_000,
  "packets-sent": 40,
  "packets-recv": 36,
  "packet-loss-pct": 12.5,
  "avg-delta-of-delta": 200_000, // 0.2 ms more per packet
};

Deno.test("SampleReader.read() takes loss, receive rate and delay trend from transport-wide feedback", () => {
  const reader = new SampleReader();
  assert.deepEqual(reader.read(reply({ packets: 1000, bytes: 1_000_000, twcc: TWCC }), 0), {
    at: 0,
    rttMs: 25,
    loss: 0.125,
    receiveBps: 1_900_000,
  });
  // 250 ms later: 100 packets (90 media, 10 resent), 250 kB, sent and counted.
  const next = reader.read(
    reply({ packets: 1090, bytes: 1_240_000, rtx: 10, twcc: { ...TWCC, "packets-sent": 41 } }),
    250,
  );
  assert.equal(next.sendBps, 8_000_000);
  assert.equal(next.lossPackets, 120, "400 packets/s over the 300 ms window");
  assert.equal(next.delayTrendMsPerS, 80, "0.2 ms per packet at 400 packets/s");
});

Deno.test("SampleReader.read() gives no loss or trend from feedback it has seen already", () => {
  const reader = new SampleReader();
  reader.read(reply({ packets: 100, bytes: 100_000, twcc: TWCC }), 0);
  const stale = reader.read(reply({ packets: 150, bytes: 150_000, twcc: TWCC }), 250);
  assert.equal(stale.loss, undefined);
  assert.equal(stale.delayTrendMsPerS, undefined);
  assert.equal(stale.sendBps, 1_600_000);
});

Deno.test("SampleReader.read() ignores the delay figure before two packets were compared", () => {
  const reader = new SampleReader();
  reader.read(reply({ packets: 100, bytes: 100_000 }), 0);
  const sample = reader.read(
    reply({ packets: 200, bytes: 200_000, twcc: { ...TWCC, "avg-delta-of-delta": -(2 ** 63) } }),
    250,
  );
  assert.equal(sample.delayTrendMsPerS, undefined);
  assert.equal(sample.loss, 0.125);
});

Deno.test("SampleReader.read() falls back on each new receiver report's loss without feedback", () => {
  const reader = new SampleReader();
  assert.equal(
    reader.read(reply({ packets: 1, bytes: 1, fractionLost: 0.05, lost: 3 }), 0).loss,
    0.05,
  );
  assert.equal(
    reader.read(reply({ packets: 2, bytes: 2, fractionLost: 0.05, lost: 3 }), 250).loss,
    undefined,
  );
  assert.equal(
    reader.read(reply({ packets: 3, bytes: 3, fractionLost: 0.2, lost: 9 }), 500).loss,
    0.2,
  );
});

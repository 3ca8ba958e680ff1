import assert from "node:assert/strict";
import { type InboundSample, inboundSample, summarize } from "./stats.ts";

/** A Chromium-shaped stats report (only the fields read). */
function report(inbound: Record<string, unknown>): Map<string, Record<string, unknown>> {
  return new Map<string, Record<string, unknown>>([
    ["IT01V", {
      id: "IT01V",
      type: "inbound-rtp",
      kind: "video",
      transportId: "T01",
      timestamp: 10_000,
      framesDecoded: 600,
      framesDropped: 2,
      totalDecodeTime: 0.6,
      jitterBufferDelay: 2.4,
      jitterBufferEmittedCount: 600,
      packetsLost: 3,
      bytesReceived: 1_000_000,
      jitter: 0.004,
      packetsReceived: 997,
      codecId: "CIT01_96",
      frameWidth: 1280,
      frameHeight: 720,
      ...inbound,
    }],
    ["CIT01_96", { id: "CIT01_96", type: "codec", mimeType: "video/H264" }],
    ["T01", { id: "T01", type: "transport", selectedCandidatePairId: "CPa" }],
    ["CPa", {
      id: "CPa",
      type: "candidate-pair",
      currentRoundTripTime: 0.012,
      localCandidateId: "Lx",
      remoteCandidateId: "Rx",
    }],
    ["Lx", { id: "Lx", type: "local-candidate", candidateType: "srflx" }],
    ["Rx", { id: "Rx", type: "remote-candidate", candidateType: "host" }],
    ["CPb", { id: "CPb", type: "candidate-pair", currentRoundTripTime: 0.5 }],
  ]);
}

Deno.test("inboundSample() reads the video stream and the selected pair's round trip", () => {
  assert.deepEqual(inboundSample(report({})), {
    id: "IT01V",
    timestamp: 10_000,
    framesDecoded: 600,
    framesDropped: 2,
    totalDecodeTime: 0.6,
    jitterBufferDelay: 2.4,
    jitterBufferEmittedCount: 600,
    packetsLost: 3,
    bytesReceived: 1_000_000,
    jitter: 0.004,
    roundTripTime: 0.012,
    packetsReceived: 997,
    codec: "video/H264",
    frameWidth: 1280,
    frameHeight: 720,
    localCandidateType: "srflx",
    remoteCandidateType: "host",
  });
  assert.equal(inboundSample(new Map()), undefined);
});

Deno.test("summarize() turns two samples a second apart into rates and means", () => {
  const before = inboundSample(report({}))!;
  const after: InboundSample = {
    ...before,
    timestamp: 11_000,
    framesDecoded: 660,
    framesDropped: 3,
    totalDecodeTime: 0.66, // 60 frames, 60 ms: 1 ms each
    jitterBufferDelay: 2.7, // 60 frames, 300 ms: 5 ms each
    jitterBufferEmittedCount: 660,
    bytesReceived: 1_250_000,
  };
  const stats = summarize(before, after, [
    { expectedDisplayTime: 100, presentationTime: 99, receiveTime: 96 },
  ]);
  assert.equal(stats.fps, 60);
  assert.equal(stats.framesDecoded, 660);
  assert.equal(stats.framesDropped, 3);
  assert.equal(stats.receiveBitsPerSecond, 2_000_000);
  assert.ok(Math.abs(stats.decodeMs! - 1) < 1e-9, String(stats.decodeMs));
  assert.ok(Math.abs(stats.jitterBufferMs! - 5) < 1e-9, String(stats.jitterBufferMs));
  assert.equal(stats.jitterMs, 4);
  assert.equal(stats.roundTripTimeMs, 12);
  assert.equal(stats.packetsLost, 3);
  // 12 ms / 2 + (100 - 96).
  assert.equal(stats.latencyMs, 10);
  assert.equal(stats.latencySource, "network-and-receiver");
});

Deno.test("summarize() gives totals only on a stream's first sample or a new stream", () => {
  const first = inboundSample(report({}))!;
  const fresh = summarize(undefined, first, []);
  assert.deepEqual(fresh, {
    framesDecoded: 600,
    framesDropped: 2,
    fps: 0,
    packetsLost: 3,
    jitterMs: 4,
    roundTripTimeMs: 12,
  });
  const other = { ...first, id: "IT02V", timestamp: 11_000, framesDecoded: 10 };
  assert.equal(summarize(first, other, []).fps, 0);
});

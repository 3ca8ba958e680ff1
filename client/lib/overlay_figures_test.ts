import assert from "node:assert/strict";
import { overlayFigures } from "./overlay_figures.ts";
import type { InboundSample } from "./stats.ts";

const SAMPLE: InboundSample = {
  id: "IT01V",
  timestamp: 11_000,
  framesDecoded: 660,
  framesDropped: 0,
  totalDecodeTime: 0.66,
  jitterBufferDelay: 2.7,
  jitterBufferEmittedCount: 660,
  packetsLost: 13,
  bytesReceived: 1_250_000,
  jitter: 0.004,
  roundTripTime: 0.0123,
  packetsReceived: 1190,
  codec: "video/H264",
  frameWidth: 1280,
  frameHeight: 720,
  localCandidateType: "host",
  remoteCandidateType: "relay",
};

Deno.test("overlayFigures() words every figure the overlay shows", () => {
  const figures = overlayFigures(
    {
      framesDecoded: 660,
      framesDropped: 0,
      fps: 59.6,
      receiveBitsPerSecond: 2_480_000,
      roundTripTimeMs: 12.3,
      latencyMs: 24.6,
      latencySource: "network-and-receiver",
    },
    SAMPLE,
    { ...SAMPLE, packetsLost: 3, packetsReceived: 200 },
  );
  assert.deepEqual(Object.fromEntries(figures.map((f) => [f.key, f.value])), {
    fps: "60 fps",
    bitrate: "2.5 Mbit/s",
    rtt: "12 ms",
    loss: "1.0 %",
    codec: "H264",
    resolution: "1280x720",
    connection: "relayed (TURN)",
    latency: "≥ 25 ms",
  });
});

Deno.test("overlayFigures() shows a dash for what is not measured yet", () => {
  const figures = overlayFigures(
    { framesDecoded: 0, framesDropped: 0, fps: 0, receiveBitsPerSecond: 640_000 },
    {
      ...SAMPLE,
      codec: "",
      frameWidth: 0,
      localCandidateType: undefined,
      remoteCandidateType: undefined,
    },
  );
  assert.deepEqual(Object.fromEntries(figures.map((f) => [f.key, f.value])), {
    fps: "0 fps",
    bitrate: "640 kbit/s",
    rtt: "—",
    loss: "—",
    codec: "—",
    resolution: "—",
    connection: "—",
    latency: "—",
  });
});

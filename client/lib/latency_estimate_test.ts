import assert from "node:assert/strict";
import { estimateLatency, type FrameTiming, median } from "./latency_estimate.ts";

const frame = (display: number, extra: Partial<FrameTiming>): FrameTiming => ({
  expectedDisplayTime: display,
  presentationTime: display - 2,
  ...extra,
});

Deno.test("estimateLatency() uses capture times when the browser gives them: the median span", () => {
  const frames = [
    frame(1000, { captureTime: 970, receiveTime: 990 }), // 30
    frame(1016, { captureTime: 991, receiveTime: 1010 }), // 25
    frame(1033, { captureTime: 993 }), // 40
  ];
  assert.deepEqual(estimateLatency(frames, 10), { latencyMs: 30, source: "capture-time" });
});

Deno.test("estimateLatency() otherwise adds half the round trip to receive-to-display", () => {
  const frames = [
    frame(1000, { receiveTime: 994 }), // 6
    frame(1016, { receiveTime: 1012 }), // 4
    frame(1033, { receiveTime: 1024 }), // 9
    frame(1050, { receiveTime: 1042 }), // 8
  ];
  // median(4, 6, 8, 9) = 7, plus 12 / 2.
  assert.deepEqual(estimateLatency(frames, 12), {
    latencyMs: 13,
    source: "network-and-receiver",
  });
  assert.equal(estimateLatency(frames, undefined), undefined, "no round trip, no estimate");
});

Deno.test("estimateLatency() counts from the later of expected display and presentation", () => {
  // Headless Chromium: expected display time before the frame reached the compositor.
  const frames = [{ expectedDisplayTime: 5471.5, presentationTime: 5472.6, receiveTime: 5471.7 }];
  const estimate = estimateLatency(frames, 2)!;
  assert.equal(estimate.source, "network-and-receiver");
  assert.ok(Math.abs(estimate.latencyMs - 1.9) < 1e-9, String(estimate.latencyMs));
});

Deno.test("estimateLatency() takes a frame as shown at most one display frame after its presentation", () => {
  // A sparse change: Chromium's expected display time from a stale BeginFrame, 25 ms late.
  const frames = [{ expectedDisplayTime: 1030, presentationTime: 1005, receiveTime: 1004 }];
  const estimate = estimateLatency(frames, 2)!;
  assert.ok(Math.abs(estimate.latencyMs - (1 + 1000 / 60 + 1)) < 1e-9, String(estimate.latencyMs));
});

Deno.test("estimateLatency() ignores spans a clock not yet settled produces", () => {
  const frames = [
    frame(1000, { captureTime: 1200 }), // negative
    frame(1016, { captureTime: -50_000 }), // over 10 s
    frame(1033, { receiveTime: 1030 }),
  ];
  assert.deepEqual(estimateLatency(frames, 4), { latencyMs: 5, source: "network-and-receiver" });
  assert.equal(estimateLatency([], 4), undefined);
});

Deno.test("median() takes the middle value, or the mean of the middle two", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
});

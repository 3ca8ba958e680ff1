import assert from "node:assert/strict";
import { displayLatencies, displayTimes, type TraceEvent } from "./_display_trace.ts";

const taken = (ms: number): TraceEvent => ({
  name: "SetCurrentFrame Timestamps",
  ph: "n",
  ts: ms * 1000 + 3,
  args: { presentation_time: ms * 1000, last_expected_display_time: ms * 1000 + 20_000 },
});
const shown = (ms: number): TraceEvent => ({
  name: "Display::FrameDisplayed",
  ph: "X",
  ts: ms * 1000,
});

Deno.test("displayTimes: each frame is shown at the first display frame after the compositor took it", () => {
  // Trace clock = page clock + 5000 ms.
  const events = [taken(5100), shown(5102), taken(5117), taken(5120), shown(5125), shown(5141)];
  assert.deepEqual(displayTimes(events, [100, 117, 120]), [102, 125, 125]);
});

Deno.test("displayTimes: a frame the trace does not have is NaN, the others still match", () => {
  const events = [taken(9000), shown(9004), taken(9050), shown(9052)];
  const result = displayTimes(events, [0, 30, 50]);
  assert.equal(result[0], 4);
  assert.ok(Number.isNaN(result[1]));
  assert.equal(result[2], 52);
});

Deno.test("displayTimes: no compositor events, or a frame after the last display frame, is NaN", () => {
  assert.ok(Number.isNaN(displayTimes([shown(1)], [0])[0]));
  assert.ok(Number.isNaN(displayTimes([taken(10)], [0])[0]));
  assert.deepEqual(displayTimes([], []), []);
});

Deno.test("displayLatencies: painting to display and arrival to display, the code modulo wrap", () => {
  const trace = new TextEncoder().encode(JSON.stringify({
    traceEvents: [taken(5100), shown(5102), taken(5200), shown(5210)],
  }));
  // Code 1000 painted at epoch ms 1000; the page clock's epoch offset is 1000 (page 100 = epoch 1100).
  const frame = (code: number, presentation: number, receive: number) => ({
    code,
    epoch: 1000,
    presentation,
    expectedDisplay: presentation + 20,
    receive,
  });
  const frames = [
    frame(1000, 100, 98),
    frame(15, 200, NaN), // painted at epoch 1039 (code 1039 % 1024), shown at 1210
  ];
  assert.deepEqual(displayLatencies(trace, frames, 1024), { latencies: [102, 171], show: [4] });
});

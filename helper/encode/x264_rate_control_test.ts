import assert from "node:assert/strict";
import { type FrameKind, QP_MAX, QP_MIN, QP_STEP, X264RateControl } from "./x264_rate_control.ts";

const RATE = { bitrateKbps: 8000, framerate: 60, bufferMs: 25 };
const ALL = 3600;

/** A coder whose frames cost exactly `k * mbs * 2^(-qp/6)` bits. */
function code(
  rc: X264RateControl,
  now: number,
  mbs: number,
  k: number,
  kind: FrameKind = "change",
) {
  const qp = rc.qp(now, mbs, kind);
  const bits = Math.round(k * mbs * 2 ** (-qp / 6));
  rc.coded(now, { qp, bits, macroblocks: mbs, kind });
  return { qp, bits };
}

Deno.test("X264RateControl keeps full-screen motion at the bitrate", () => {
  const rc = new X264RateControl(RATE);
  let bits = 0;
  for (let f = 0; f < 600; f++) {
    const frame = code(rc, (f * 1000) / 60, ALL, 2_000);
    if (f >= 60) bits += frame.bits;
  }
  // 9 s at 8000 kbit/s; QP steps are whole, so within a few percent under.
  const kbps = bits / 9 / 1000;
  assert.ok(kbps <= 8000 * 1.03 && kbps >= 8000 * 0.8, `${kbps} kbit/s`);
});

Deno.test("X264RateControl codes a small change on a still screen fine, a big one coarser", () => {
  const rc = new X264RateControl(RATE);
  let small = 0;
  for (let f = 0; f < 30; f++) small = code(rc, f * 100, 90, 4_000).qp;
  assert.equal(small, QP_MIN);
  // A whole-screen change costs more per block than the model learnt: the first overshoots,
  // the next, as soon after, is coded coarser.
  const big = code(rc, 3100, ALL, 20_000);
  assert.ok(big.qp > small + 6, `${big.qp}`);
  const next = code(rc, 3117, ALL, 20_000);
  assert.ok(next.qp > big.qp, `${next.qp} after ${big.qp}`);
});

Deno.test("X264RateControl drains the bucket with time and coarsens when it is full", () => {
  const rc = new X264RateControl(RATE);
  // 2 Mbit: the bucket (200 kbit) is full until 225 ms after, drained at 250.
  rc.coded(0, { qp: 20, bits: 2_000_000, macroblocks: ALL, kind: "change" });
  const full = rc.qp(150, ALL, "change");
  const later = rc.qp(1000, ALL, "change");
  assert.ok(full > later, `${full} vs ${later}`);
  assert.equal(rc.fullness(1000), 0);
});

Deno.test("X264RateControl codes a frame with nothing changed at the last frame's QP", () => {
  const rc = new X264RateControl(RATE);
  assert.equal(rc.qp(0, 0, "change"), QP_MAX);
  // Any coarser and x264 would analyse every block of the change after it.
  const change = code(rc, 0, 30, 4_000);
  assert.equal(rc.qp(80, 0, "change"), change.qp);
  rc.coded(80, { qp: change.qp, bits: 200, macroblocks: 0, kind: "change" });
  assert.equal(code(rc, 100, 30, 4_000).qp, change.qp);
  const refresh = code(rc, 300, ALL, 4_000, "refresh");
  assert.equal(rc.qp(400, 0, "change"), refresh.qp);
});

Deno.test("X264RateControl moves the QP of a stream by steps, and never sticks at the coarsest", () => {
  const rc = new X264RateControl({ ...RATE, bitrateKbps: 400 });
  // Content that vanishes at coarse QPs (12 bytes at 51) and costs 4 kB at 18.
  const bitsAt = (qp: number) => Math.max(96, Math.round(32_000 * 2 ** ((18 - qp) / 4)));
  const qps: number[] = [];
  for (let f = 0; f < 120; f++) {
    const now = (f * 1000) / 60;
    const qp = rc.qp(now, ALL, "change");
    rc.coded(now, { qp, bits: bitsAt(qp), macroblocks: ALL, kind: "change" });
    qps.push(qp);
  }
  for (let f = 1; f < qps.length; f++) {
    assert.ok(Math.abs(qps[f]! - qps[f - 1]!) <= QP_STEP, `QP ${qps[f - 1]} then ${qps[f]}`);
  }
  // 400 kbit/s at 60 fps is 6.7 kbit a frame: about QP 27 here, not 51.
  const settled = qps.slice(-30);
  assert.ok(Math.max(...settled) < QP_MAX - 10, `${settled}`);
  const kbps = settled.reduce((sum, qp) => sum + bitsAt(qp), 0) / 0.5 / 1000;
  assert.ok(kbps <= 400 * 1.3, `${kbps} kbit/s`);
});

Deno.test("X264RateControl learns each kind apart, and a lower bitrate coarsens", () => {
  const rc = new X264RateControl(RATE);
  for (let f = 0; f < 20; f++) code(rc, f * 500, ALL, 5_000, "refresh");
  const refresh = rc.qp(20_000, ALL, "refresh");
  const change = rc.qp(20_000, ALL, "change");
  assert.ok(refresh < change, `${refresh} vs ${change}`);
  rc.setRate({ ...RATE, bitrateKbps: 1000 });
  assert.ok(rc.qp(40_000, ALL, "change") > change);
});

Deno.test("X264RateControl delays a frame only when even QP_MAX overfills, by one interval at most", () => {
  const rc = new X264RateControl(RATE);
  // Over the bucket at a finer QP: the next frame's QP answers it, no wait.
  rc.coded(0, { qp: 40, bits: 600_000, macroblocks: ALL, kind: "change" });
  assert.equal(rc.waitMs(0), 0);
  // At QP_MAX: 400 kbit over the bucket takes 50 ms to drain; the next frame comes an
  // interval (16.7 ms) later at the soonest and waits one interval more at most.
  rc.coded(100, { qp: QP_MAX, bits: 600_000, macroblocks: ALL, kind: "change" });
  assert.ok(Math.abs(rc.waitMs(100 + 1000 / 60) - 1000 / 60) < 1e-9);
  assert.ok(Math.abs(rc.waitMs(120) - (100 + 2000 / 60 - 120)) < 1e-9);
  assert.equal(rc.waitMs(140), 0);
  // A smaller overflow: until it has drained (at 105 ms).
  rc.coded(200, { qp: QP_MAX, bits: 240_000, macroblocks: ALL, kind: "change" });
  assert.equal(rc.waitMs(201), 4);
  // A keyframe beyond the bucket is forgiven: the frames after it do not wait.
  rc.coded(1000, { qp: QP_MAX, bits: 900_000, macroblocks: ALL, kind: "keyframe" });
  assert.equal(rc.waitMs(1000), 0);
  assert.equal(rc.fullness(1000), 8000 * 25);
});

/**
 * ffi/x264.ts against the real libx264: the offsets it writes give a valid
 * stream (an IDR with SPS and PPS first, then P pictures), and a picture
 * whose macroblocks are all flagged constant codes to almost nothing while
 * a changed one does not.
 */

import assert from "node:assert/strict";
import { X264Encoder } from "../ffi/x264.ts";
import { x264Settings } from "../helper/encode/x264_settings.ts";
import { QP_MAX, QP_MIN } from "../helper/encode/x264_rate_control.ts";
import { fillMbInfo } from "../helper/encode/mb_info.ts";
import { i420Layout } from "../helper/capture/i420_layout.ts";

const W = 320;
const H = 240;

/** NAL unit types in an Annex B access unit. */
function nalTypes(bytes: Uint8Array): number[] {
  const types: number[] = [];
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 0 && bytes[i + 1] === 0 && bytes[i + 2] === 1) types.push(bytes[i + 3]! & 31);
  }
  return types;
}

Deno.test("X264Encoder encodes I420 into Annex B access units and honours mb_info", async () => {
  const frame = new Uint8Array((W * H * 3) / 2).fill(128);
  for (let i = 0; i < W * H; i++) frame[i] = (i * 13) & 255;
  const planes = { ...i420Layout(W, H), data: Deno.UnsafePointer.of(frame)! };
  // A constant quantizer: x264 skips a constant macroblock only when its reference was coded
  // at no lower a quantizer, which rate control would make depend on the frames before.
  const settings = x264Settings({
    bitrateKbps: 2000,
    framerate: 30,
    keyframeDistance: -1,
    threads: 1,
  });
  const encoder = X264Encoder.open({ width: W, height: H }, {
    ...settings,
    params: { fps: "30/1", threads: 1, keyint: "infinite", "repeat-headers": true, qp: 30 },
  });
  try {
    assert.equal(encoder.mbInfo.length, 20 * 15);
    const first = await encoder.encode(planes, { pts: 0, idr: true, mbInfo: false });
    assert.ok(first?.keyframe);
    // SPS (7), PPS (8), then the IDR slice (5).
    assert.deepEqual(nalTypes(first.bytes).filter((t) => t !== 6), [7, 8, 5]);
    // The luma changes everywhere (noise), but every macroblock is said to be constant: all skipped.
    let seed = 1;
    for (let i = 0; i < W * H; i++) frame[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    fillMbInfo(encoder.mbInfo, { width: W, height: H }, []);
    const skipped = await encoder.encode(planes, { pts: 1, idr: false, mbInfo: true });
    assert.equal(skipped?.keyframe, false);
    assert.deepEqual(nalTypes(skipped!.bytes), [1]);
    assert.ok(skipped!.bytes.length < 40, `${skipped!.bytes.length} bytes for an all-skip picture`);
    // The same change, now said to be everywhere: coded.
    fillMbInfo(encoder.mbInfo, { width: W, height: H }, "all");
    const coded = await encoder.encode(planes, { pts: 2, idr: false, mbInfo: true });
    assert.ok(coded!.bytes.length > 5000, `${coded!.bytes.length} bytes for a changed picture`);
    const idr = await encoder.encode(planes, { pts: 3, idr: true, mbInfo: false });
    assert.ok(idr?.keyframe);
  } finally {
    encoder.close();
  }
});

Deno.test("X264Encoder.open() names the parameter x264 refuses", () => {
  const settings = x264Settings({
    bitrateKbps: 2000,
    framerate: 30,
    keyframeDistance: -1,
    threads: 1,
  });
  assert.throws(
    () => X264Encoder.open({ width: W, height: H }, { ...settings, params: { "no-such-knob": 1 } }),
    { message: "Cannot set x264 no-such-knob=1: unknown parameter" },
  );
});

Deno.test("x264Settings() lets a picture's QP reach every step from QP_MIN to QP_MAX", async () => {
  // At constant QP x264 silently clamps a forced QP to the span of its I, P and B constants;
  // each step coarser must code the same picture smaller, up to QP_MAX.
  const frame = new Uint8Array((W * H * 3) / 2).fill(128);
  const planes = { ...i420Layout(W, H), data: Deno.UnsafePointer.of(frame)! };
  const sizes: number[] = [];
  for (const qp of [QP_MIN, 30, 40, 45, QP_MAX]) {
    const encoder = X264Encoder.open(
      { width: W, height: H },
      x264Settings({ bitrateKbps: 2000, framerate: 30, keyframeDistance: -1, threads: 2 }),
    );
    try {
      let seed = 7;
      for (let i = 0; i < W * H; i++) frame[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
      sizes.push(
        (await encoder.encode(planes, { pts: 0, idr: true, mbInfo: false, qp }))!.bytes.length,
      );
    } finally {
      encoder.close();
    }
  }
  for (let i = 1; i < sizes.length; i++) {
    assert.ok(
      sizes[i]! < sizes[i - 1]! * 0.9,
      `bytes by QP ${QP_MIN}, 30, 40, 45, ${QP_MAX}: ${sizes}`,
    );
  }
});

import assert from "node:assert/strict";
import { BitReader, BitWriter, escapeRbsp, unescapeRbsp } from "./h264_bits.ts";
import { parsePps, parseSps, SkipFrameWriter } from "./h264_skip_frame.ts";

/** An Annex B NAL unit from its header byte and its RBSP. */
function nal(header: number, rbsp: Uint8Array): Uint8Array {
  return Uint8Array.from([0, 0, 0, 1, header, ...escapeRbsp(rbsp)]);
}

/** An SPS as libx264 writes it for Skerry (constrained baseline), 1280x720, or with `pocType` 0. */
function sps(o: { pocType?: number; profile?: number } = {}): Uint8Array {
  const w = new BitWriter();
  w.u(8, o.profile ?? 66);
  w.u(8, 0xc0); // constraint_set0/1
  w.u(8, 31); // level 3.1
  w.ue(0); // seq_parameter_set_id
  if (o.profile === 100) {
    w.ue(1); // chroma_format_idc
    w.ue(0);
    w.ue(0);
    w.u(1, 0);
    w.u(1, 0); // no scaling matrix
  }
  w.ue(0); // log2_max_frame_num_minus4: 16 frame numbers
  w.ue(o.pocType ?? 2);
  if (o.pocType === 0) w.ue(2); // log2_max_pic_order_cnt_lsb_minus4: 64
  w.ue(1); // max_num_ref_frames
  w.u(1, 0);
  w.ue(79); // 80 macroblocks wide
  w.ue(44); // 45 high (720 rows)
  w.u(1, 1); // frame_mbs_only_flag
  w.u(1, 1); // direct_8x8_inference_flag
  w.u(1, 0); // no cropping
  w.u(1, 0); // no VUI
  return nal(0x67, w.finish());
}

function pps(o: { cabac?: boolean } = {}): Uint8Array {
  const w = new BitWriter();
  w.ue(0);
  w.ue(0);
  w.u(1, o.cabac ? 1 : 0);
  w.u(1, 0);
  w.ue(0); // one slice group
  w.ue(0);
  w.ue(0);
  w.u(1, 0); // weighted_pred_flag
  w.u(2, 0);
  w.se(0); // pic_init_qp 26
  w.se(0);
  w.se(0);
  w.u(1, 1); // deblocking_filter_control_present_flag
  w.u(1, 0);
  w.u(1, 0);
  return nal(0x68, w.finish());
}

/** The start of a slice header (what the writer reads), as libx264 writes it. */
function slice(o: { frameNum: number; idr?: boolean; pocLsb?: number }): Uint8Array {
  const w = new BitWriter();
  w.ue(0);
  w.ue(o.idr ? 7 : 5);
  w.ue(0);
  w.u(4, o.frameNum);
  if (o.idr) w.ue(0);
  if (o.pocLsb !== undefined) w.u(6, o.pocLsb);
  w.u(16, 0xabcd); // the rest of the slice
  return nal(o.idr ? 0x65 : 0x41, w.finish());
}

const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

/** The fields of a skip picture the writer wrote, read back. */
function readSkip(bytes: Uint8Array, o: { pocType?: number } = {}) {
  assert.deepEqual([...bytes.subarray(0, 5)], [0, 0, 0, 1, 0x01]);
  const r = new BitReader(unescapeRbsp(bytes.subarray(5)));
  const fields = {
    firstMb: r.ue(),
    sliceType: r.ue(),
    ppsId: r.ue(),
    frameNum: r.u(4),
    pocLsb: o.pocType === 0 ? r.u(6) : undefined,
    override: r.u1(),
    reorder: r.u1(),
    qpDelta: r.se(),
    deblocking: r.ue(),
    skipRun: r.ue(),
    stopBit: r.u1(),
  };
  return fields;
}

Deno.test("parseSps() and parsePps() read what a skip picture's header needs", () => {
  const s = parseSps(sps().subarray(4));
  assert.deepEqual(s, {
    id: 0,
    supported: true,
    log2MaxFrameNum: 4,
    pocType: 2,
    log2MaxPocLsb: 0,
    macroblocks: 3600,
  });
  assert.equal(parseSps(sps({ profile: 100, pocType: 0 }).subarray(4)).log2MaxPocLsb, 6);
  const p = parsePps(pps().subarray(4));
  assert.equal(p.cabac, false);
  assert.equal(p.picInitQp, 26);
  assert.equal(p.deblockingControl, true);
});

Deno.test("SkipFrameWriter.skipFrame() writes a non-reference P picture of skipped macroblocks", () => {
  const w = new SkipFrameWriter();
  assert.equal(w.skipFrame(24), null, "nothing encoded yet");
  w.encoded(concat(sps(), pps(), slice({ frameNum: 0, idr: true })));
  w.encoded(slice({ frameNum: 3 }));
  const skip = w.skipFrame(24)!;
  assert.deepEqual(readSkip(skip), {
    firstMb: 0,
    sliceType: 5,
    ppsId: 0,
    frameNum: 4,
    pocLsb: undefined,
    override: 0,
    reorder: 0,
    qpDelta: -2,
    deblocking: 1,
    skipRun: 3600,
    stopBit: 1,
  });
  // Two in a row would share a picture order count: the next repeat is the encoder's.
  w.skipped();
  assert.equal(w.skipFrame(24), null);
  // frame_num wraps at MaxFrameNum (16 here).
  w.encoded(slice({ frameNum: 15 }));
  assert.equal(readSkip(w.skipFrame(30)!).frameNum, 0);
});

Deno.test("SkipFrameWriter.skipFrame() puts its picture order count between two of the encoder's", () => {
  const w = new SkipFrameWriter();
  w.encoded(concat(sps({ pocType: 0 }), pps(), slice({ frameNum: 0, idr: true, pocLsb: 0 })));
  w.encoded(slice({ frameNum: 1, pocLsb: 2 }));
  assert.equal(readSkip(w.skipFrame(20)!, { pocType: 0 }).pocLsb, 3);
  w.encoded(slice({ frameNum: 2, pocLsb: 63 }));
  assert.equal(readSkip(w.skipFrame(20)!, { pocType: 0 }).pocLsb, 0);
});

Deno.test("SkipFrameWriter.skipFrame() returns null for a stream it cannot follow", () => {
  const w = new SkipFrameWriter();
  w.encoded(concat(sps(), pps({ cabac: true }), slice({ frameNum: 0, idr: true })));
  assert.equal(w.skipFrame(24), null, "CABAC");
  const unknown = new SkipFrameWriter();
  unknown.encoded(slice({ frameNum: 2 }));
  assert.equal(unknown.skipFrame(24), null, "a slice before any parameter set");
});

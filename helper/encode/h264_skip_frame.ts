/**
 * A P picture of only skipped macroblocks, written by hand instead of by
 * libx264: it shows the previous picture again, which is what a repeat of
 * an unchanged screen is (the capture's warm-up before a change it
 * foresees, a keep-alive). libx264 spends about 2 ms of CPU on a 1280x720
 * picture even when every macroblock is flagged constant (it still loads,
 * predicts and stores each one); this costs microseconds. Pure.
 *
 * It is a non-reference picture (`nal_ref_idc` 0), so the encoder's next
 * picture still predicts from the encoder's own last one and numbers
 * itself as if this one did not exist (7.4.3: a non-reference picture
 * takes the frame_num after the last reference picture's, as does the next
 * reference picture). Two in a row would share a picture order count, so
 * the caller sends one only after an encoder picture
 * ({@linkcode SkipFrameWriter.skipFrame} returns null otherwise).
 *
 * Only what libx264 writes for Skerry is supported: CAVLC (baseline), one
 * slice group, frame pictures, picture order count type 0 or 2; anything
 * else makes the writer return null and the caller encodes the repeat.
 *
 * @module
 */

import { BitReader, BitWriter, escapeRbsp, nextUnit, unescapeRbsp } from "./h264_bits.ts";

const NAL_SLICE = 1;
const NAL_IDR = 5;
const NAL_SPS = 7;
const NAL_PPS = 8;
/** Profiles whose SPS carries chroma format, bit depths and scaling lists (7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);
const P_SLICE_ALL = 5;
/** Bytes of a unit's start that hold every field read here (slice data, VUI are never read). */
const HEAD_BYTES = 64;

/** A reader at the start of a unit's RBSP, past its header byte (only its first bytes unescaped). */
function headReader(nal: Uint8Array): BitReader {
  return new BitReader(unescapeRbsp(nal.subarray(1, 1 + HEAD_BYTES)));
}

/** What a skip picture's header needs from the sequence parameter set. */
export interface SpsInfo {
  id: number;
  /** False for what a skip picture here cannot follow (scaling lists, fields, POC type 1). */
  supported: boolean;
  log2MaxFrameNum: number;
  pocType: number;
  /** Only for pocType 0. */
  log2MaxPocLsb: number;
  /** Macroblocks in a picture. */
  macroblocks: number;
}

/** What it needs from the picture parameter set. */
export interface PpsInfo {
  id: number;
  spsId: number;
  cabac: boolean;
  bottomFieldPocPresent: boolean;
  sliceGroups: number;
  weightedPred: boolean;
  picInitQp: number;
  deblockingControl: boolean;
  redundantPicCnt: boolean;
}

/** The numbering of an encoder picture, read from its first slice header. */
export interface SliceNumbers {
  ppsId: number;
  frameNum: number;
  /** pic_order_cnt_lsb (pocType 0; else 0). */
  pocLsb: number;
  /** nal_ref_idc > 0. */
  reference: boolean;
}

/** Parses an SPS NAL unit (header byte included). */
export function parseSps(nal: Uint8Array): SpsInfo {
  const r = headReader(nal);
  const profile = r.u(8);
  r.u(16); // constraint flags, reserved, level_idc
  const id = r.ue();
  const none = {
    id,
    supported: false,
    log2MaxFrameNum: 0,
    pocType: 0,
    log2MaxPocLsb: 0,
    macroblocks: 0,
  };
  if (HIGH_PROFILES.has(profile)) {
    const chroma = r.ue();
    if (chroma === 3) r.u1(); // separate_colour_plane_flag
    r.ue(); // bit_depth_luma_minus8
    r.ue(); // bit_depth_chroma_minus8
    r.u1(); // qpprime_y_zero_transform_bypass_flag
    if (r.u1() === 1) return none; // seq_scaling_matrix_present_flag: not written by Skerry's x264
  }
  const log2MaxFrameNum = r.ue() + 4;
  const pocType = r.ue();
  let log2MaxPocLsb = 0;
  if (pocType === 0) log2MaxPocLsb = r.ue() + 4;
  else if (pocType !== 2) return none;
  r.ue(); // max_num_ref_frames
  r.u1(); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = r.ue() + 1;
  const heightMapUnits = r.ue() + 1;
  if (r.u1() !== 1) return none; // frame_mbs_only_flag: fields are not supported
  return {
    id,
    supported: true,
    log2MaxFrameNum,
    pocType,
    log2MaxPocLsb,
    macroblocks: widthMbs * heightMapUnits,
  };
}

/** Parses a PPS NAL unit (header byte included). */
export function parsePps(nal: Uint8Array): PpsInfo {
  const r = headReader(nal);
  // Object fields are read in the order written: the syntax order.
  const head = {
    id: r.ue(),
    spsId: r.ue(),
    cabac: r.u1() === 1,
    bottomFieldPocPresent: r.u1() === 1,
    sliceGroups: r.ue() + 1,
  };
  if (head.sliceGroups > 1) {
    // A slice group map follows, not parsed: a skip picture refuses such a stream anyway.
    return {
      ...head,
      weightedPred: false,
      picInitQp: 26,
      deblockingControl: false,
      redundantPicCnt: false,
    };
  }
  r.ue(); // num_ref_idx_l0_default_active_minus1
  r.ue(); // num_ref_idx_l1_default_active_minus1
  const weightedPred = r.u1() === 1;
  r.u(2); // weighted_bipred_idc
  const picInitQp = 26 + r.se();
  r.se(); // pic_init_qs_minus26
  r.se(); // chroma_qp_index_offset
  const deblockingControl = r.u1() === 1;
  r.u1(); // constrained_intra_pred_flag
  return { ...head, weightedPred, picInitQp, deblockingControl, redundantPicCnt: r.u1() === 1 };
}

/** The picture parameter set a slice NAL unit (type 1 or 5, header byte included) refers to. */
function slicePpsId(nal: Uint8Array): number {
  return sliceHeader(nal).ue();
}

/** A reader at a slice header's pic_parameter_set_id. */
function sliceHeader(nal: Uint8Array): BitReader {
  const r = headReader(nal);
  r.ue(); // first_mb_in_slice
  r.ue(); // slice_type
  return r;
}

/** Reads the numbering of a slice NAL unit (type 1 or 5, header byte included) under `sps`. */
export function parseSliceNumbers(nal: Uint8Array, sps: SpsInfo): SliceNumbers {
  const r = sliceHeader(nal);
  const ppsId = r.ue();
  const frameNum = r.u(sps.log2MaxFrameNum);
  if ((nal[0]! & 0x1f) === NAL_IDR) r.ue(); // idr_pic_id
  const pocLsb = sps.pocType === 0 ? r.u(sps.log2MaxPocLsb) : 0;
  return { ppsId, frameNum, pocLsb, reference: (nal[0]! & 0x60) !== 0 };
}

/**
 * Follows an encoder's output (its parameter sets and the numbering of
 * each picture) and writes the skip picture that may follow the last one.
 */
export class SkipFrameWriter {
  #sps = new Map<number, SpsInfo>();
  #pps = new Map<number, PpsInfo>();
  /** The last picture's numbering and parameter sets; null: none usable (or a skip picture was last). */
  #last: { numbers: SliceNumbers; sps: SpsInfo; pps: PpsInfo } | null = null;

  /**
   * An encoder picture (an Annex B access unit) went out. Reads its
   * parameter sets, if any, and its first slice header, nothing past it.
   */
  encoded(accessUnit: Uint8Array): void {
    this.#last = null;
    for (let at = nextUnit(accessUnit, 0); at >= 0; at = nextUnit(accessUnit, at)) {
      // From its header to the access unit's end: each parser reads only its own first fields.
      const nal = accessUnit.subarray(at);
      const type = nal[0]! & 0x1f;
      if (type === NAL_SPS) {
        const sps = parseSps(nal);
        this.#sps.set(sps.id, sps);
      } else if (type === NAL_PPS) {
        const pps = parsePps(nal);
        this.#pps.set(pps.id, pps);
      } else if (type === NAL_SLICE || type === NAL_IDR) {
        const pps = this.#pps.get(slicePpsId(nal));
        const sps = pps === undefined ? undefined : this.#sps.get(pps.spsId);
        if (pps === undefined || sps === undefined || !sps.supported) return;
        this.#last = { numbers: parseSliceNumbers(nal, sps), sps, pps };
        return;
      }
    }
  }

  /**
   * The skip picture to send after the last encoder picture, coded at
   * `qp` (only what the slice header says: nothing is quantized), as an
   * Annex B access unit; null when none may be sent now (nothing encoded
   * yet, a skip picture was the last, or the stream uses what is not
   * supported). Sending it is the caller's; call {@linkcode skipped} then.
   */
  skipFrame(qp: number): Uint8Array | null {
    const last = this.#last;
    if (last === null || !last.numbers.reference) return null;
    const { sps, pps, numbers } = last;
    if (pps.cabac || pps.sliceGroups > 1 || pps.weightedPred) return null;
    const w = new BitWriter();
    w.ue(0); // first_mb_in_slice
    w.ue(P_SLICE_ALL);
    w.ue(pps.id);
    // A non-reference picture takes the frame_num after the last reference picture's.
    w.u(sps.log2MaxFrameNum, (numbers.frameNum + 1) % 2 ** sps.log2MaxFrameNum);
    if (sps.pocType === 0) {
      // Between the last picture and the encoder's next (which adds 2 per frame).
      w.u(sps.log2MaxPocLsb, (numbers.pocLsb + 1) % 2 ** sps.log2MaxPocLsb);
      if (pps.bottomFieldPocPresent) w.se(0);
    }
    if (pps.redundantPicCnt) w.ue(0);
    w.u(1, 0); // num_ref_idx_active_override_flag
    w.u(1, 0); // ref_pic_list_modification_flag_l0
    // nal_ref_idc 0: no dec_ref_pic_marking().
    w.se(qp - pps.picInitQp); // slice_qp_delta: the QP a viewer's statistics report
    if (pps.deblockingControl) w.ue(1); // disable_deblocking_filter_idc: nothing to filter
    w.ue(sps.macroblocks); // mb_skip_run: every macroblock, then the end of the slice
    const payload = escapeRbsp(w.finish());
    const out = new Uint8Array(5 + payload.length);
    out.set([0, 0, 0, 1, NAL_SLICE]); // forbidden_zero_bit 0, nal_ref_idc 0, type 1
    out.set(payload, 5);
    return out;
  }

  /** A skip picture went out: the next repeat must be encoded (see the module's note). */
  skipped(): void {
    this.#last = null;
  }
}

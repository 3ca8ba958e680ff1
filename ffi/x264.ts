/**
 * libx264 (libx264.so.164, Debian's libx264-164) through FFI: an H.264
 * encoder that can be told, per picture, which 16x16 macroblocks did not
 * change (`prop.mb_info`, `X264_MBINFO_CONSTANT`), which `x264enc` cannot.
 *
 * Parameters are set by name with `x264_param_parse` on an opaque
 * `x264_param_t`, so no offset inside that struct is used. The offsets that
 * are used were verified on x86_64 against /usr/include/x264.h (X264_BUILD
 * 164) with a throwaway C program compiled by gcc printing `sizeof` and
 * `offsetof` (2026-11-29):
 *
 * | field                           | offset | note                         |
 * | ------------------------------- | ------ | ---------------------------- |
 * | sizeof(x264_param_t)            | 1024   |                              |
 * | x264_param_t.i_width            | 28     | int (no param_parse name)    |
 * | x264_param_t.i_height           | 32     | int (no param_parse name)    |
 * | x264_param_t.analyse.b_mb_info  | 628    | int (no param_parse name)    |
 * | sizeof(x264_picture_t)          | 240    |                              |
 * | x264_picture_t.i_type           | 0      | int                          |
 * | x264_picture_t.i_qpplus1        | 4      | int (0: x264 chooses)        |
 * | x264_picture_t.b_keyframe       | 12     | int (out)                    |
 * | x264_picture_t.i_pts            | 16     | int64                        |
 * | x264_picture_t.img.i_csp        | 40     | int                          |
 * | x264_picture_t.img.i_plane      | 44     | int                          |
 * | x264_picture_t.img.i_stride[4]  | 48     | int[4]                       |
 * | x264_picture_t.img.plane[4]     | 64     | uint8_t *[4]                 |
 * | x264_picture_t.prop.mb_info     | 112    | uint8_t *                    |
 * | x264_picture_t.prop.mb_info_free| 120    | callback, left NULL          |
 * | sizeof(x264_nal_t)              | 40     |                              |
 * | x264_nal_t.i_payload            | 20     | int                          |
 * | x264_nal_t.p_payload            | 24     | uint8_t *                    |
 *
 * An encode is a `nonblocking` call (a worker thread runs it; the helper's
 * JS thread stays free for input); the picture, the mb_info bytes and the
 * out-parameters live in this object, so one encode at a time.
 *
 * @module
 */

import { openLibrary } from "./_dlopen.ts";

const P = "pointer" as const;
const B = "buffer" as const;

const symbols = {
  x264_param_default_preset: { parameters: [B, B, B], result: "i32" },
  x264_param_parse: { parameters: [B, B, B], result: "i32" },
  x264_param_apply_profile: { parameters: [B, B], result: "i32" },
  x264_picture_init: { parameters: [B], result: "void" },
  x264_encoder_open_164: { parameters: [B], result: P },
  /** (encoder, x264_nal_t **pp_nal, int *pi_nal, pic_in, pic_out) -> bytes, <0 error */
  x264_encoder_encode: {
    parameters: [P, B, B, B, B],
    result: "i32",
    nonblocking: true,
  },
  x264_encoder_close: { parameters: [P], result: "void" },
} as const;

type X264Lib = Deno.DynamicLibrary<typeof symbols>["symbols"];

let loaded: X264Lib | undefined;

/** Opens libx264 once; throws an `Error` naming the library when it is missing. */
export function libx264(): X264Lib {
  return loaded ??= openLibrary("libx264.so.164", symbols);
}

/** Whether libx264 can be loaded here (the caller falls back to `x264enc` otherwise). */
export function libx264Available(): boolean {
  try {
    libx264();
    return true;
  } catch {
    return false;
  }
}

/** `sizeof(x264_param_t)` (verified, see the module doc). */
const PARAM_SIZE = 1024;
/** The three `x264_param_t` fields `x264_param_parse` has no name for (verified). */
const PARAM_WIDTH = 28;
const PARAM_HEIGHT = 32;
const PARAM_MB_INFO = 628;
/** `sizeof(x264_picture_t)` and the offsets used (verified, see the module doc). */
const PICTURE_SIZE = 240;
const PIC_TYPE = 0;
const PIC_QP_PLUS_1 = 4;
const PIC_KEYFRAME = 12;
const PIC_PTS = 16;
const PIC_CSP = 40;
const PIC_PLANES = 44;
const PIC_STRIDE = 48;
const PIC_PLANE = 64;
const PIC_MB_INFO = 112;
/** `x264_nal_t.p_payload`. */
const NAL_PAYLOAD = 24;
/** `X264_CSP_I420`, `X264_TYPE_AUTO`, `X264_TYPE_IDR`. */
const CSP_I420 = 0x0002;
const TYPE_AUTO = 0;
const TYPE_IDR = 1;
/** `X264_MBINFO_CONSTANT`: the macroblock is unchanged since the previous frame. */
export const MBINFO_CONSTANT = 1;

const cstr = (s: string) => new TextEncoder().encode(`${s}\0`);

/** What an encoder is opened with. */
export interface X264Settings {
  /** Preset and tune, e.g. `"ultrafast"`, `"zerolatency"`. */
  preset: string;
  tune: string;
  /** Profile the decoder must support, e.g. `"baseline"`. */
  profile: string;
  /** Parameters by their x264 names (`x264_param_parse`), applied in order. */
  params: Record<string, string | number | boolean>;
}

/** An I420 picture in one buffer: where its three planes lie (helper/capture/i420_layout.ts). */
export interface X264Picture {
  /** The buffer; the Y plane starts here. */
  data: Deno.PointerObject;
  strideY: number;
  strideUV: number;
  /** Offsets of the U and V planes in the buffer, in bytes. */
  offsetU: number;
  offsetV: number;
}

/** One encoded access unit. */
export interface X264Frame {
  /** The NAL units in Annex B byte-stream form (start codes included), copied out. */
  bytes: Uint8Array<ArrayBuffer>;
  /** An IDR (or other keyframe). */
  keyframe: boolean;
}

/** An open libx264 encoder. */
export class X264Encoder {
  readonly #lib: X264Lib;
  #handle: Deno.PointerObject | null;
  readonly #picIn = new Uint8Array(PICTURE_SIZE);
  readonly #picOut = new Uint8Array(PICTURE_SIZE);
  readonly #nal = new BigUint64Array(1);
  readonly #nalCount = new Int32Array(1);
  /** One byte per macroblock; its pointer goes into every picture that has mb_info. */
  readonly mbInfo: Uint8Array<ArrayBuffer>;
  #busy = false;

  private constructor(lib: X264Lib, handle: Deno.PointerObject, mbs: number) {
    this.#lib = lib;
    this.#handle = handle;
    this.mbInfo = new Uint8Array(mbs);
  }

  /**
   * Opens an encoder for `width` x `height` I420 pictures. Throws an `Error`
   * naming the parameter x264 refused, or when it cannot open.
   */
  static open(size: { width: number; height: number }, settings: X264Settings): X264Encoder {
    const lib = libx264();
    const param = new Uint8Array(PARAM_SIZE);
    if (lib.x264_param_default_preset(param, cstr(settings.preset), cstr(settings.tune)) < 0) {
      throw new RangeError(
        `Cannot open x264: unknown preset "${settings.preset}" or tune "${settings.tune}"`,
      );
    }
    for (const [name, value] of Object.entries(settings.params)) setParam(lib, param, name, value);
    const fields = new DataView(param.buffer);
    fields.setInt32(PARAM_WIDTH, size.width, true);
    fields.setInt32(PARAM_HEIGHT, size.height, true);
    // analyse.b_mb_info: x264 keeps what it needs to act on each picture's mb_info.
    fields.setInt32(PARAM_MB_INFO, 1, true);
    if (lib.x264_param_apply_profile(param, cstr(settings.profile)) < 0) {
      throw new RangeError(
        `Cannot open x264: profile "${settings.profile}" does not fit the parameters`,
      );
    }
    const handle = lib.x264_encoder_open_164(param);
    if (handle === null) throw new Error(`Cannot open x264 for ${size.width}x${size.height}`);
    const mbs = Math.ceil(size.width / 16) * Math.ceil(size.height / 16);
    return new X264Encoder(lib, handle, mbs);
  }

  /**
   * Encodes one picture off the JS thread. `mbInfo`: pass the
   * {@linkcode mbInfo} bytes (filled by the caller) with the picture, else
   * every macroblock is analysed. `qp`: this picture's quantizer (with
   * the encoder in constant-QP mode), else x264's own. Resolves with the access unit, or null
   * when x264 gave none. The planes must not change until it resolves.
   */
  async encode(
    picture: X264Picture,
    options: { pts: number; idr: boolean; mbInfo: boolean; qp?: number },
  ): Promise<X264Frame | null> {
    if (this.#handle === null) throw new Error("Cannot encode: the x264 encoder is closed");
    if (this.#busy) throw new Error("Cannot encode: an encode is already running");
    const pic = this.#picIn;
    this.#lib.x264_picture_init(pic);
    const view = new DataView(pic.buffer);
    view.setInt32(PIC_TYPE, options.idr ? TYPE_IDR : TYPE_AUTO, true);
    view.setBigInt64(PIC_PTS, BigInt(options.pts), true);
    if (options.qp !== undefined) view.setInt32(PIC_QP_PLUS_1, options.qp + 1, true);
    view.setInt32(PIC_CSP, CSP_I420, true);
    view.setInt32(PIC_PLANES, 3, true);
    view.setInt32(PIC_STRIDE, picture.strideY, true);
    view.setInt32(PIC_STRIDE + 4, picture.strideUV, true);
    view.setInt32(PIC_STRIDE + 8, picture.strideUV, true);
    const base = address(picture.data);
    view.setBigUint64(PIC_PLANE, base, true);
    view.setBigUint64(PIC_PLANE + 8, base + BigInt(picture.offsetU), true);
    view.setBigUint64(PIC_PLANE + 16, base + BigInt(picture.offsetV), true);
    if (options.mbInfo) {
      view.setBigUint64(PIC_MB_INFO, address(Deno.UnsafePointer.of(this.mbInfo)!), true);
    }
    this.#busy = true;
    let bytes: number;
    try {
      bytes = await this.#lib.x264_encoder_encode(
        this.#handle,
        this.#nal,
        this.#nalCount,
        pic,
        this.#picOut,
      );
    } finally {
      this.#busy = false;
    }
    if (bytes < 0) throw new Error(`x264 failed to encode a picture (${bytes})`);
    if (bytes === 0 || this.#nalCount[0] === 0) return null;
    // The payloads of all NAL units are one after the other in memory (x264.h).
    const first = Deno.UnsafePointer.create(this.#nal[0]!)!;
    const payload = new Deno.UnsafePointerView(first).getPointer(NAL_PAYLOAD)!;
    const out = new Uint8Array(bytes);
    out.set(new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(payload, bytes)));
    const keyframe = new DataView(this.#picOut.buffer).getInt32(PIC_KEYFRAME, true) !== 0;
    return { bytes: out, keyframe };
  }

  /** Closes the encoder (not while an encode runs). Idempotent. */
  close(): void {
    if (this.#handle === null) return;
    if (this.#busy) throw new Error("Cannot close x264 while it encodes");
    this.#lib.x264_encoder_close(this.#handle);
    this.#handle = null;
  }
}

function setParam(
  lib: X264Lib,
  param: Uint8Array<ArrayBuffer>,
  name: string,
  value: unknown,
): void {
  const text = typeof value === "boolean" ? (value ? "1" : "0") : String(value);
  const result = lib.x264_param_parse(param, cstr(name), cstr(text));
  if (result !== 0) {
    // X264_PARAM_BAD_NAME -1, X264_PARAM_BAD_VALUE -2
    const what = result === -1 ? "unknown parameter" : "bad value";
    throw new RangeError(`Cannot set x264 ${name}=${text}: ${what}`);
  }
}

function address(pointer: Deno.PointerObject): bigint {
  return BigInt(Deno.UnsafePointer.value(pointer));
}

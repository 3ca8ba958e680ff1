/**
 * An encode tier in the helper: one more `convert ! encode ! payload ! tee`
 * of the shared capture, for the viewers of one codec (docs/PROTOCOL.md,
 * "Encode tiers"). The tier is a bin in the pipeline linked to the capture
 * tee; its viewers' branches are bins *inside* it, linked to its own tee
 * (pads can only link within one bin).
 *
 * Opening mirrors a viewer branch: add the bin, bring it to PLAYING, only then
 * link it to the capture tee (a tee pushing into a pad that is still
 * flushing stops the capture for every tier). Closing unlinks first, then
 * sets the bin to NULL and removes it.
 *
 * @module
 */

import { cstr, gst, GST_PAD_LINK_OK, GST_STATE_NULL } from "../ffi/gst.ts";
import { parseBin, requestKeyframe } from "../ffi/gst_pipeline.ts";
import { readStructureProperty } from "../ffi/gst_structure.ts";
import type { HelperTierAdd } from "../lib/protocol/helper.ts";
import { log } from "./log.ts";
import type { Pipeline } from "./pipeline.ts";
import type { KeyframeWatch } from "../ffi/gst_appsrc.ts";
import type { X264TierEncoder } from "./encode/x264_tier_encoder.ts";

/** Where a viewer's branch lives: the single-encode pipeline, or an encode tier. */
export type BranchHost = Pick<
  Pipeline,
  "addBranch" | "linkBranch" | "unlinkBranch" | "removeBranch" | "requestKeyframe" | "framesEncoded"
>;

interface Parts {
  bin: Deno.PointerObject;
  tee: Deno.PointerObject;
  encoderPad: Deno.PointerValue;
  frameCounter: Deno.PointerValue;
  /** The capture tee's pad feeding this tier. */
  capturePad: Deno.PointerObject | null;
  /** The damage capture's watch of this encoder's keyframe requests, if it runs. */
  keyframes: KeyframeWatch | null;
  inPipeline: boolean;
  /** The tier's libx264 encode (`libx264` in the spec): its appsrc and the encoder. */
  x264: { appsrc: Deno.PointerObject; encoder: X264TierEncoder } | null;
}

/** One encode of the capture, and the viewer branches linked to it. */
export class EncodeTier implements BranchHost {
  /** The tier's id, as the server names it (the encoder's name). */
  readonly id: string;
  /** Name of the tier's bin in the pipeline (`tier-<id>`). */
  readonly name: string;
  /** Resolves once the tier is linked and encoding; rejects when it cannot be built. */
  readonly opened: Promise<void>;
  readonly #spec: HelperTierAdd;
  readonly #pipeline: Pipeline;
  #parts: Parts | null = null;
  #closing: Promise<void> | null = null;

  /** Starts building the tier once `after` settles (an earlier tier of the same id is gone). */
  constructor(spec: HelperTierAdd, pipeline: Pipeline, after?: Promise<unknown>) {
    this.id = spec.tier;
    this.name = `tier-${spec.tier}`;
    this.#spec = spec;
    this.#pipeline = pipeline;
    this.opened = Promise.resolve(after).catch(() => {}).then(() => this.#open());
    // A failure reaches the viewers through their `ready`; nothing else awaits this one.
    this.opened.catch(() => {});
  }

  async #open(): Promise<void> {
    const lib = gst();
    if (this.#closing) throw new Error(`Encode tier ${this.id} was removed`);
    let bin: Deno.PointerObject;
    try {
      bin = parseBin(this.#spec.pipeline);
    } catch (error) {
      throw new Error(`Cannot build encode tier ${this.id}: ${(error as Error).message}`);
    }
    lib.gst_object_set_name(bin, cstr(this.name));
    const tee = lib.gst_bin_get_by_name(bin, cstr(this.#spec.tee));
    if (tee === null) {
      lib.gst_object_unref(lib.gst_object_ref_sink(bin));
      throw new Error(`Cannot build encode tier ${this.id}: no tee "${this.#spec.tee}" in it`);
    }
    const encoder = lib.gst_bin_get_by_name(bin, cstr(this.#spec.encoder));
    const encoderPad = encoder === null
      ? null
      : lib.gst_element_get_static_pad(encoder, cstr("src"));
    if (encoder !== null) lib.gst_object_unref(encoder);
    const frameCounter = this.#spec.frameCounter === undefined
      ? null
      : lib.gst_bin_get_by_name(bin, cstr(this.#spec.frameCounter));
    const parts: Parts = {
      bin,
      tee,
      encoderPad,
      frameCounter,
      capturePad: null,
      inPipeline: false,
      x264: null,
      // A still screen pushes no frames: a keyframe request must make the capture send one.
      keyframes: encoderPad === null ? null : this.#pipeline.watchKeyframes(encoderPad),
    };
    this.#parts = parts;
    this.#pipeline.addBranch(bin, this.name);
    parts.inPipeline = true;
    // PLAYING before linking, as for a viewer branch.
    await lib.gst_element_sync_state_with_parent(bin);
    if (this.#closing) return;
    if (this.#spec.libx264) {
      // Fed by the damage capture beside the pipeline: no raw frames in, nothing to link.
      this.#startLibx264(parts, this.#spec.libx264);
      log.debug("Encode tier {tier}: encoding with libx264", { tier: this.id });
      return;
    }
    parts.capturePad = this.#pipeline.linkBranch(bin);
    log.debug("Encode tier {tier}: encoding", { tier: this.id });
  }

  /** The tier's libx264 encode, for live settings; null with a GStreamer encoder. */
  get x264(): X264TierEncoder | null {
    return this.#parts?.x264?.encoder ?? null;
  }

  #startLibx264(parts: Parts, options: NonNullable<HelperTierAdd["libx264"]>): void {
    const appsrc = gst().gst_bin_get_by_name(parts.bin, cstr(this.#spec.encoder));
    if (appsrc === null || parts.encoderPad === null) {
      if (appsrc !== null) gst().gst_object_unref(appsrc);
      throw new Error(`Cannot build encode tier ${this.id}: no appsrc "${this.#spec.encoder}"`);
    }
    const encoder = this.#pipeline.startLibx264({ appsrc, pad: parts.encoderPad }, options);
    if (encoder === null) {
      gst().gst_object_unref(appsrc);
      throw new Error(`Cannot build encode tier ${this.id}: libx264 needs the damage capture`);
    }
    parts.x264 = { appsrc, encoder };
  }

  /** Adds a viewer's branch bin inside the tier (its bus errors still name the branch). */
  addBranch(bin: Deno.PointerObject, name: string): void {
    const parts = this.#ready();
    if (!gst().gst_bin_add(parts.bin, bin)) {
      throw new Error(`Cannot add branch "${name}" to encode tier ${this.id}`);
    }
    this.#pipeline.watchBranch(name);
  }

  /** Links a branch's `sink` pad to a new pad of the tier's tee; returns that pad. */
  linkBranch(bin: Deno.PointerObject): Deno.PointerObject {
    const lib = gst();
    const teePad = lib.gst_element_request_pad_simple(this.#ready().tee, cstr("src_%u"));
    if (teePad === null) throw new Error("Cannot link branch: the tier's tee gave no pad");
    const sink = lib.gst_element_get_static_pad(bin, cstr("sink"));
    const linked = lib.gst_pad_link(teePad, sink);
    lib.gst_object_unref(sink);
    if (linked !== GST_PAD_LINK_OK) {
      this.unlinkBranch(bin, teePad);
      throw new Error(`Cannot link branch (${linked})`);
    }
    // A still screen pushes nothing: the new viewer's branch needs a frame to negotiate.
    this.#pipeline.requestFrame();
    return teePad;
  }

  /** Unlinks a branch and releases its tee pad. */
  unlinkBranch(bin: Deno.PointerObject, teePad: Deno.PointerObject): void {
    const lib = gst();
    const sink = lib.gst_element_get_static_pad(bin, cstr("sink"));
    lib.gst_pad_unlink(teePad, sink);
    lib.gst_object_unref(sink);
    if (this.#parts) lib.gst_element_release_request_pad(this.#parts.tee, teePad);
    lib.gst_object_unref(teePad);
  }

  /** Removes a branch (already in NULL) from the tier. */
  removeBranch(bin: Deno.PointerObject, name: string): void {
    if (this.#parts) gst().gst_bin_remove(this.#parts.bin, bin);
    this.#pipeline.unwatchBranch(name);
  }

  /** Asks the tier's encoder for a keyframe now. */
  requestKeyframe(): void {
    const pad = this.#parts?.encoderPad;
    if (pad) requestKeyframe(pad);
  }

  /** The tier's element named `name` (a new reference; unref it), or null. */
  findElement(name: string): Deno.PointerObject | null {
    const bin = this.#parts?.bin;
    return bin && !this.#closing ? gst().gst_bin_get_by_name(bin, cstr(name)) : null;
  }

  /** Frames the tier's encoder has produced so far; undefined without a counter. */
  async framesEncoded(): Promise<number | undefined> {
    const counter = this.#parts?.frameCounter;
    if (!counter || this.#closing) return undefined;
    const stats = await readStructureProperty(counter, "stats");
    const frames = stats?.fields["num-buffers"];
    return typeof frames === "number" ? frames : undefined;
  }

  /**
   * Unlinks the tier from the capture, sets it to NULL and removes it (its
   * viewers' branches must be gone first). Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.opened.catch(() => {}).then(() => this.#tearDown());
    return this.#closing;
  }

  async #tearDown(): Promise<void> {
    const lib = gst();
    const parts = this.#parts;
    if (!parts) return;
    if (parts.capturePad !== null) this.#pipeline.unlinkBranch(parts.bin, parts.capturePad);
    parts.capturePad = null;
    if (parts.x264 !== null) await this.#pipeline.stopLibx264(parts.x264.encoder);
    if (parts.inPipeline) {
      await lib.gst_element_set_state(parts.bin, GST_STATE_NULL);
      this.#pipeline.removeBranch(parts.bin, this.name);
    } else {
      lib.gst_object_unref(lib.gst_object_ref_sink(parts.bin));
    }
    parts.keyframes?.close();
    if (parts.x264 !== null) {
      parts.x264.encoder.free();
      lib.gst_object_unref(parts.x264.appsrc);
    }
    lib.gst_object_unref(parts.tee);
    if (parts.encoderPad !== null) lib.gst_object_unref(parts.encoderPad);
    if (parts.frameCounter !== null) lib.gst_object_unref(parts.frameCounter);
    this.#parts = null;
    log.debug("Encode tier {tier}: removed", { tier: this.id });
  }

  #ready(): Parts {
    if (this.#parts === null) throw new Error(`Encode tier ${this.id} is not open`);
    return this.#parts;
  }
}

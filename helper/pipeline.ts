/**
 * The session's shared pipeline in the helper: parse it, take it to PLAYING
 * with zero latency, watch its bus, link and unlink viewer branches on its
 * tee, and ask the encoder for a keyframe.
 *
 * @module
 */

import {
  cstr,
  gst,
  GST_PAD_LINK_OK,
  GST_STATE_CHANGE_FAILURE,
  GST_STATE_NULL,
  GST_STATE_PLAYING,
} from "../ffi/gst.ts";
import { type BusMessage, busPop, parseLaunch, requestKeyframe } from "../ffi/gst_pipeline.ts";
import { readStructureProperty } from "../ffi/gst_structure.ts";
import { HelperExit, type HelperStart } from "../lib/protocol/helper.ts";
import { DamageSource } from "./capture/damage_source.ts";
import { type KeyframeWatch, watchKeyframeRequests } from "../ffi/gst_appsrc.ts";
import { log } from "./log.ts";
import { X264TierEncoder } from "./encode/x264_tier_encoder.ts";
import type { X264TierOptions } from "./encode/x264_settings.ts";

/** Bus poll timeout, in ns: short enough to notice shutdown quickly. */
const BUS_TIMEOUT_NS = 100_000_000n;
/** How long a failed start waits for the bus to report the element's own error, in ms. */
const FAILURE_REPORT_MS = 300;

/**
 * The innermost branch an object path lies in: the deepest of its
 * `Type:name` segments whose name is in `branches` (a viewer's branch inside
 * an encode tier, else the tier), or null.
 */
export function owningBranch(path: string, branches: ReadonlySet<string>): string | null {
  const names = path.split("/").slice(2).map((s) => s.slice(s.indexOf(":") + 1));
  return names.findLast((name) => branches.has(name)) ?? null;
}

/** A failure that ends the helper with `code` (a {@linkcode HelperExit} value). */
export class PipelineError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = "PipelineError";
  }
}

/** What the pipeline reports while it runs. */
export interface PipelineEvents {
  /** An element inside the branch bin named `branch` posted an error. */
  onBranchError(branch: string, message: BusMessage): void;
  /** The pipeline failed or ended; the helper must stop. */
  onFatal(error: PipelineError): void;
}

/** The shared part: capture, encode, tee. */
export class Pipeline {
  readonly #element: Deno.PointerObject;
  readonly #tee: Deno.PointerObject;
  readonly #encoderPad: Deno.PointerValue;
  /** The `identity` after the encoder whose buffer count is frames encoded, if any. */
  readonly #frameCounter: Deno.PointerValue;
  /** The capture element (`ximagesrc`), if named in the start message. */
  readonly #source: Deno.PointerValue;
  readonly #events: PipelineEvents;
  /** The damage capture feeding the pipeline's appsrc, when the start message asked for it. */
  #capture: DamageSource | null = null;
  #captureElement: Deno.PointerValue = null;
  /** Names of the branch bins added with {@linkcode addBranch}. */
  readonly #branches = new Set<string>();
  #stopped = false;

  private constructor(
    parts: {
      element: Deno.PointerObject;
      tee: Deno.PointerObject;
      encoderPad: Deno.PointerValue;
      frameCounter: Deno.PointerValue;
      source: Deno.PointerValue;
    },
    events: PipelineEvents,
  ) {
    this.#element = parts.element;
    this.#tee = parts.tee;
    this.#encoderPad = parts.encoderPad;
    this.#frameCounter = parts.frameCounter;
    this.#source = parts.source;
    this.#events = events;
  }

  /**
   * Builds `spec.pipeline`, starts watching its bus and sets it PLAYING.
   * Throws {@linkcode PipelineError} when it does not parse, lacks the tee,
   * or cannot start.
   */
  static async start(spec: HelperStart, events: PipelineEvents): Promise<Pipeline> {
    const lib = gst();
    let element: Deno.PointerObject;
    try {
      element = parseLaunch(spec.pipeline);
    } catch (error) {
      throw new PipelineError(
        HelperExit.Usage,
        `Cannot parse pipeline: ${(error as Error).message}`,
      );
    }
    // latency=0: webrtcbin's nicesink syncs RTP to the clock; with the pipeline's
    // own latency (one frame, from ximagesrc) each frame would wait up to 16 ms
    // before leaving. At zero it leaves when encoded: about 4 ms lower median
    // glass-to-glass here, and the browser renders on arrival (playout delay 0).
    lib.g_object_set_u64(element, cstr("latency"), 0n, null);
    const tee = lib.gst_bin_get_by_name(element, cstr(spec.tee));
    if (tee === null) {
      lib.gst_object_unref(element);
      throw new PipelineError(HelperExit.Usage, `Cannot find tee "${spec.tee}" in the pipeline`);
    }
    const encoder = lib.gst_bin_get_by_name(element, cstr(spec.encoder));
    const encoderPad = encoder === null
      ? null
      : lib.gst_element_get_static_pad(encoder, cstr("src"));
    if (encoder !== null) lib.gst_object_unref(encoder);
    const frameCounter = spec.frameCounter === undefined
      ? null
      : lib.gst_bin_get_by_name(element, cstr(spec.frameCounter));
    const source = spec.source === undefined
      ? null
      : lib.gst_bin_get_by_name(element, cstr(spec.source));
    const pipeline = new Pipeline({ element, tee, encoderPad, frameCounter, source }, events);
    void pipeline.#watchBus();
    const result = await lib.gst_element_set_state(element, GST_STATE_PLAYING);
    if (result === GST_STATE_CHANGE_FAILURE) {
      // The bus reports the element's own error (and stops the helper) first, if it can.
      await new Promise((resolve) => setTimeout(resolve, FAILURE_REPORT_MS));
      throw new PipelineError(
        HelperExit.PipelineFailed,
        "Cannot start pipeline: state change failed",
      );
    }
    if (spec.capture) {
      await pipeline.#startCapture(spec.capture, encoderPad).catch(async (error) => {
        await pipeline.stop();
        throw error;
      });
    }
    return pipeline;
  }

  async #startCapture(
    capture: NonNullable<HelperStart["capture"]>,
    encoderPad: Deno.PointerValue,
  ): Promise<void> {
    const appsrc = gst().gst_bin_get_by_name(this.#element, cstr(capture.source));
    if (appsrc === null) {
      throw new PipelineError(HelperExit.Usage, `Cannot find "${capture.source}" in the pipeline`);
    }
    this.#captureElement = appsrc;
    try {
      this.#capture = await DamageSource.start({
        display: capture.display,
        framerate: capture.framerate,
        showPointer: capture.showPointer ?? false,
        appsrc,
        encoderPad,
        onFatal: (error) =>
          this.#events.onFatal(new PipelineError(HelperExit.PipelineFailed, error.message)),
      });
    } catch (error) {
      throw new PipelineError(HelperExit.PipelineFailed, (error as Error).message);
    }
  }

  /** Adds a branch bin (named, not yet linked) to the pipeline, which takes its reference. */
  addBranch(bin: Deno.PointerObject, name: string): void {
    if (!gst().gst_bin_add(this.#element, bin)) {
      throw new Error(`Cannot add branch "${name}" to the pipeline`);
    }
    this.#branches.add(name);
  }

  /** Reports bus errors from inside the bin named `name` (nested anywhere) as branch errors. */
  watchBranch(name: string): void {
    this.#branches.add(name);
  }

  /** Stops {@linkcode watchBranch}. */
  unwatchBranch(name: string): void {
    this.#branches.delete(name);
  }

  /** Links a branch's `sink` pad to a new tee pad and returns that pad (owned by the caller). */
  linkBranch(bin: Deno.PointerObject): Deno.PointerObject {
    const lib = gst();
    const teePad = lib.gst_element_request_pad_simple(this.#tee, cstr("src_%u"));
    if (teePad === null) throw new Error("Cannot link branch: the tee gave no pad");
    const sink = lib.gst_element_get_static_pad(bin, cstr("sink"));
    const linked = lib.gst_pad_link(teePad, sink);
    lib.gst_object_unref(sink);
    if (linked !== GST_PAD_LINK_OK) {
      this.unlinkBranch(bin, teePad);
      throw new Error(`Cannot link branch (${linked})`);
    }
    this.requestFrame();
    return teePad;
  }

  /**
   * Something new was linked downstream: the damage capture pushes the
   * current frame, since a still screen sends none and the new branch learns
   * its caps (and so negotiates) only from a frame. No-op for ximagesrc.
   */
  requestFrame(): void {
    this.#capture?.requestFrame();
  }

  /** Unlinks a branch and releases its tee pad, so the tee stops pushing into it. */
  unlinkBranch(bin: Deno.PointerObject, teePad: Deno.PointerObject): void {
    const lib = gst();
    const sink = lib.gst_element_get_static_pad(bin, cstr("sink"));
    lib.gst_pad_unlink(teePad, sink);
    lib.gst_object_unref(sink);
    lib.gst_element_release_request_pad(this.#tee, teePad);
    lib.gst_object_unref(teePad);
  }

  /** Removes a branch (already in NULL) from the pipeline, which drops its reference. */
  removeBranch(bin: Deno.PointerObject, name: string): void {
    gst().gst_bin_remove(this.#element, bin);
    this.#branches.delete(name);
  }

  /** The element called `name` in the pipeline (a reference to unref), or null. */
  findElement(name: string): Deno.PointerObject | null {
    return this.#stopped ? null : gst().gst_bin_get_by_name(this.#element, cstr(name));
  }

  /**
   * Makes each keyframe request at `encoderPad` (an encode tier's encoder)
   * ask the damage capture for a frame; null when the pipeline captures by
   * itself. The caller closes the watch once that encoder is in NULL.
   */
  watchKeyframes(encoderPad: Deno.PointerObject): KeyframeWatch | null {
    const capture = this.#capture;
    return capture === null
      ? null
      : watchKeyframeRequests(encoderPad, () => capture.requestFrame());
  }

  /**
   * Starts a tier's libx264 encode fed by the damage capture (`--x264-mb-info`):
   * `appsrc` is the tier's, `pad` its source pad. Null without the damage capture.
   */
  startLibx264(
    parts: { appsrc: Deno.PointerObject; pad: Deno.PointerObject },
    options: X264TierOptions,
  ): X264TierEncoder | null {
    const capture = this.#capture;
    if (capture === null) return null;
    const encoder = new X264TierEncoder(
      { ...parts, requestFrame: () => capture.requestFrame() },
      options,
    );
    capture.addSink(encoder);
    capture.requestFrame();
    return encoder;
  }

  /** Stops feeding a tier's libx264 encode and waits for its last frame. */
  stopLibx264(encoder: X264TierEncoder): Promise<void> {
    this.#capture?.removeSink(encoder);
    return encoder.close();
  }

  /** A viewer pressed a key or button: the damage capture warms its path up for the redraw. */
  inputArrived(): void {
    if (!this.#stopped) this.#capture?.inputArrived();
  }

  /** Asks the encoder for a keyframe now (a viewer just connected). */
  requestKeyframe(): void {
    if (this.#encoderPad !== null) requestKeyframe(this.#encoderPad);
  }

  /**
   * Draws the X pointer into the captured frames or not (the damage
   * capture's, else ximagesrc's `show-pointer`, read per frame): on while a
   * viewer is in pointer lock.
   */
  async showPointer(visible: boolean): Promise<void> {
    if (this.#stopped) return;
    if (this.#capture !== null) return this.#capture.showPointer(visible);
    if (this.#source === null) return;
    await gst().g_object_set_bool(this.#source, cstr("show-pointer"), visible ? 1 : 0, null);
  }

  /** A new frame-rate ceiling for the damage capture (ximagesrc's follows its capsfilter). */
  setCaptureFramerate(framerate: number): void {
    if (!this.#stopped) this.#capture?.setFramerate(framerate);
  }

  /** Frames the damage capture has pushed so far (repeats included); undefined with ximagesrc. */
  framesPushed(): number | undefined {
    const counters = this.#capture?.counters;
    return counters === undefined ? undefined : counters.captured + counters.repeated;
  }

  /** Frames the encoder has produced so far (off the JS thread); undefined without a counter. */
  async framesEncoded(): Promise<number | undefined> {
    if (this.#frameCounter === null || this.#stopped) return undefined;
    const stats = await readStructureProperty(this.#frameCounter, "stats");
    const frames = stats?.fields["num-buffers"];
    return typeof frames === "number" ? frames : undefined;
  }

  /** Sets the pipeline to NULL and stops watching its bus. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#capture?.stop();
    await gst().gst_element_set_state(this.#element, GST_STATE_NULL);
    // Nothing streams now: the capture's frame and keyframe probe can go.
    this.#capture?.free();
    if (this.#captureElement !== null) gst().gst_object_unref(this.#captureElement);
  }

  async #watchBus(): Promise<void> {
    const lib = gst();
    const bus = lib.gst_element_get_bus(this.#element)!;
    let reported = false;
    while (!this.#stopped) {
      const message = await busPop(bus, { timeoutNs: BUS_TIMEOUT_NS });
      if (message === null || this.#stopped) continue;
      const fields = { element: message.source, text: message.text, debug: message.debug };
      if (message.type === "eos") {
        this.#events.onFatal(
          new PipelineError(HelperExit.PipelineFailed, "Pipeline ended (end of stream)"),
        );
        break;
      }
      if (message.type === "warning") {
        log.warning("{element}: {text} ({debug})", fields);
        continue;
      }
      const branch = owningBranch(message.source, this.#branches);
      if (branch !== null) {
        // A viewer's branch failed.
        log.error("{element}: {text} ({debug})", fields);
        this.#events.onBranchError(branch, message);
        continue;
      }
      // Some sources re-post the same error many times; report the first only.
      if (!reported) {
        reported = true;
        log.error("{element}: {text} ({debug})", fields);
        this.#events.onFatal(new PipelineError(HelperExit.PipelineFailed, message.text));
      }
    }
    lib.gst_object_unref(bus);
  }
}

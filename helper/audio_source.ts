/**
 * The desktop's sound in the helper: the shared audio chain
 * (`pulsesrc ! opusenc ! rtpopuspay ! tee`, pipelines/audio.ts) as a bin of
 * the session's pipeline, and the links from its tee to each viewer's audio
 * branch.
 *
 * The chain is a bin of its own, added once the picture runs: a sound server
 * that cannot be reached (or goes away later) costs the sound only. An error
 * inside the bin is a branch error to the pipeline, never a fatal one.
 *
 * @module
 */

import { cstr, gst, GST_STATE_NULL } from "../ffi/gst.ts";
import { parseBin } from "../ffi/gst_pipeline.ts";
import { addGhostPad, linkPads, removePad, requestPad, staticPad } from "../ffi/gst_pads.ts";
import type { HelperAudio } from "../lib/protocol/helper.ts";
import { log } from "./log.ts";
import type { Pipeline } from "./pipeline.ts";

/** Name of a viewer branch's ghost pad that takes the audio (see {@linkcode AudioSource.link}). */
export const PEER_AUDIO_PAD = "audio_sink";

/** One viewer's link to the audio tee, for {@linkcode AudioSource.unlink}. */
export interface AudioLink {
  /** The tee's request pad. */
  teePad: Deno.PointerObject;
  /** The audio bin's ghost pad for it. */
  ghost: Deno.PointerObject;
  /** The viewer branch's audio pad (a reference). */
  sink: Deno.PointerObject;
}

/** The shared audio chain in the pipeline. */
export class AudioSource {
  readonly #bin: Deno.PointerObject;
  readonly #tee: Deno.PointerObject;
  readonly #name: string;

  private constructor(bin: Deno.PointerObject, tee: Deno.PointerObject, name: string) {
    this.#bin = bin;
    this.#tee = tee;
    this.#name = name;
  }

  /**
   * Builds the audio chain in `pipeline` and starts it. Resolves null (after
   * one warning) when it cannot run, for example when PulseAudio is not
   * reachable: the picture streams on without sound.
   */
  static async start(pipeline: Pipeline, spec: HelperAudio): Promise<AudioSource | null> {
    const lib = gst();
    let bin: Deno.PointerObject;
    try {
      bin = parseBin(spec.pipeline);
    } catch (error) {
      log.warning("Cannot build the audio chain ({reason}): streaming video only", {
        reason: (error as Error).message,
      });
      return null;
    }
    lib.gst_object_set_name(bin, cstr(spec.bin));
    const tee = lib.gst_bin_get_by_name(bin, cstr(spec.tee));
    if (tee === null) {
      lib.gst_object_unref(lib.gst_object_ref_sink(bin));
      log.warning("Cannot find tee {tee} in the audio chain: streaming video only", {
        tee: spec.tee,
      });
      return null;
    }
    // A branch to the pipeline: its errors are logged, never fatal.
    pipeline.addBranch(bin, spec.bin);
    if (!await lib.gst_element_sync_state_with_parent(bin)) {
      // Left in the pipeline, stopped: the error it posted on the bus (read later)
      // must still be recognised as this branch's.
      await lib.gst_element_set_state(bin, GST_STATE_NULL);
      lib.gst_object_unref(tee);
      log.warning("Cannot capture sound from PulseAudio (is it running?): streaming video only");
      return null;
    }
    log.debug("Audio chain playing");
    return new AudioSource(bin, tee, spec.bin);
  }

  /** Name of the audio bin in the pipeline. */
  get name(): string {
    return this.#name;
  }

  /**
   * Links a new tee pad to `branch`'s {@linkcode PEER_AUDIO_PAD} (through a
   * ghost pad on the audio bin: the tee and the branch are in different bins).
   */
  link(branch: Deno.PointerObject): AudioLink {
    const teePad = requestPad(this.#tee, "src_%u");
    let ghost: Deno.PointerObject | null = null;
    const sink = staticPad(branch, PEER_AUDIO_PAD);
    try {
      ghost = addGhostPad(this.#bin, null, teePad);
      linkPads(ghost, sink);
      return { teePad, ghost, sink };
    } catch (error) {
      if (ghost !== null) removePad(this.#bin, ghost);
      gst().gst_element_release_request_pad(this.#tee, teePad);
      gst().gst_object_unref(teePad);
      gst().gst_object_unref(sink);
      throw error;
    }
  }

  /** Undoes {@linkcode link}: the tee stops pushing into the branch. */
  unlink(link: AudioLink): void {
    const lib = gst();
    lib.gst_pad_unlink(link.ghost, link.sink);
    removePad(this.#bin, link.ghost);
    lib.gst_element_release_request_pad(this.#tee, link.teePad);
    lib.gst_object_unref(link.teePad);
    lib.gst_object_unref(link.sink);
  }
}

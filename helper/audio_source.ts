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
import {
  addGhostPad,
  binsBetween,
  linkPads,
  removePad,
  requestPad,
  staticPad,
} from "../ffi/gst_pads.ts";
import { setProperty } from "../ffi/gst_live.ts";
import type { HelperAudio } from "../lib/protocol/helper.ts";
import { AUDIO_SOURCE } from "../pipelines/audio.ts";
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
  /** Ghost pads on the bins between the branch and the pipeline (an encode tier), each bin a reference. */
  hops: { bin: Deno.PointerObject; pad: Deno.PointerObject | null }[];
  /** The pad the audio bin's ghost is linked to: the outermost hop's, else `sink`. */
  target: Deno.PointerObject;
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

  /**
   * Turns the sound on or off for every viewer while connected (a viewer's
   * live `audio` setting): mutes the capture, so the m-line and the
   * connection stay as they are and Opus sends near-empty silence frames.
   */
  async setEnabled(on: boolean): Promise<void> {
    const source = gst().gst_bin_get_by_name(this.#bin, cstr(AUDIO_SOURCE));
    if (source === null) return;
    try {
      // Off the JS thread: pulsesrc takes PulseAudio's main-loop lock.
      await setProperty(source, "mute", !on);
    } finally {
      gst().gst_object_unref(source);
    }
    log.info("Sound {state}", { state: on ? "on" : "off (muted capture)" });
  }

  /** Name of the audio bin in the pipeline. */
  get name(): string {
    return this.#name;
  }

  /**
   * Links a new tee pad to `branch`'s {@linkcode PEER_AUDIO_PAD} through a
   * ghost pad on the audio bin and one on every bin between `branch` and
   * the pipeline (an encode tier holds its viewers' branches): pads link
   * only within one bin.
   */
  link(branch: Deno.PointerObject): AudioLink {
    const lib = gst();
    const teePad = requestPad(this.#tee, "src_%u");
    const sink = staticPad(branch, PEER_AUDIO_PAD);
    // Every bin referenced first, so the clean-up below releases each one.
    const hops: AudioLink["hops"] = binsBetween(branch, this.#bin).map((bin) => ({
      bin,
      pad: null,
    }));
    let ghost: Deno.PointerObject | null = null;
    try {
      let target = sink;
      for (const hop of hops) target = hop.pad = addGhostPad(hop.bin, null, target);
      ghost = addGhostPad(this.#bin, null, teePad);
      linkPads(ghost, target);
      return { teePad, ghost, sink, hops, target };
    } catch (error) {
      if (ghost !== null) removePad(this.#bin, ghost);
      this.#removeHops(hops);
      lib.gst_element_release_request_pad(this.#tee, teePad);
      lib.gst_object_unref(teePad);
      lib.gst_object_unref(sink);
      throw error;
    }
  }

  /** Removes the hops' ghost pads (outermost first) and releases their bins. */
  #removeHops(hops: AudioLink["hops"]): void {
    for (const hop of hops.toReversed()) {
      if (hop.pad !== null) removePad(hop.bin, hop.pad);
      gst().gst_object_unref(hop.bin);
    }
  }

  /** Undoes {@linkcode link}: the tee stops pushing into the branch. */
  unlink(link: AudioLink): void {
    const lib = gst();
    lib.gst_pad_unlink(link.ghost, link.target);
    removePad(this.#bin, link.ghost);
    this.#removeHops(link.hops);
    lib.gst_element_release_request_pad(this.#tee, link.teePad);
    lib.gst_object_unref(link.teePad);
    lib.gst_object_unref(link.sink);
  }
}

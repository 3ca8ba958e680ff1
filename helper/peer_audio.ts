/**
 * One viewer's sound in the helper, inside its branch bin: the desktop's
 * audio (a queue from the audio tee into a second webrtcbin sink pad, so
 * audio and video share one bundle and one DTLS session) and, with the
 * microphone on, a recvonly audio transceiver whose received stream is
 * decoded into PulseAudio.
 *
 * The received stream arrives through webrtcbin's `pad-added`, emitted on
 * the streaming thread of the stream's first packet, which waits for the JS
 * handler. The decode branch is built beforehand (playing, unlinked), so the
 * handler only links the pad, hands the stream to the
 * {@linkcode MicrophoneHub} and returns; the pad pushes nothing before that.
 *
 * @module
 */

import { cstr, gst } from "../ffi/gst.ts";
import { parseBin } from "../ffi/gst_pipeline.ts";
import {
  addGhostPad,
  addTransceiver,
  linkPads,
  objectRef,
  onPadAdded,
  padName,
  requestPad,
  staticPad,
} from "../ffi/gst_pads.ts";
import { padTransceiver, setProperty } from "../ffi/gst_live.ts";
import type { SignalHandler } from "../ffi/gst_signal.ts";
import type { HelperMicrophone, HelperStart } from "../lib/protocol/helper.ts";
import { type AudioLink, type AudioSource, PEER_AUDIO_PAD } from "./audio_source.ts";
import { log } from "./log.ts";
import type { MicrophoneHub } from "./microphone_hub.ts";

/** Name of the audio bin inside a viewer's branch. */
const AUDIO_SEND_BIN = "audiosend";
/** Name of the microphone bin inside a viewer's branch. */
const MICROPHONE_BIN = "microphone";

/** Options of {@linkcode PeerAudio.build}. */
export interface PeerAudioOptions {
  /** The viewer's id, for logs and the microphone hub. */
  peer: string;
  /** The session's `start` message (its `audio` and `microphone` parts). */
  spec: HelperStart;
  /** The running audio chain; null when there is no sound to send. */
  source: AudioSource | null;
  /** The microphones; null when the microphone is off. */
  microphones: MicrophoneHub | null;
}

/** One viewer's audio branch and microphone. */
export class PeerAudio {
  readonly #peer: string;
  readonly #bin: Deno.PointerObject;
  readonly #source: AudioSource | null;
  readonly #microphones: MicrophoneHub | null;
  /** The microphone bin's sink pad (a reference), once built. */
  #micSink: Deno.PointerObject | null = null;
  #micElements: { counter: Deno.PointerObject; volume: Deno.PointerObject } | null = null;
  #link: AudioLink | null = null;
  /** The webrtcbin sink pad the desktop's audio goes into (a reference), once built. */
  #webrtcSink: Deno.PointerObject | null = null;
  /** Signal handlers the viewer disconnects and frees with its own. */
  readonly handlers: SignalHandler[] = [];

  private constructor(peer: string, bin: Deno.PointerObject, options: PeerAudioOptions) {
    this.#peer = peer;
    this.#bin = bin;
    this.#source = options.source;
    this.#microphones = options.microphones;
  }

  /**
   * Adds the audio parts to the viewer's branch `bin` (not yet in the
   * pipeline) around its `webrtc`, before the first offer, so that offer
   * already has the audio m-lines: desktop audio, then the microphone.
   */
  static async build(
    bin: Deno.PointerObject,
    webrtc: Deno.PointerObject,
    options: PeerAudioOptions,
  ): Promise<PeerAudio> {
    const audio = new PeerAudio(options.peer, bin, options);
    if (options.source !== null && options.spec.audio) {
      audio.#buildSend(webrtc, options.spec.audio.branch);
    }
    if (options.microphones !== null && options.spec.microphone) {
      await audio.#buildMicrophone(webrtc, options.spec.microphone);
    }
    return audio;
  }

  /** Links the branch to the audio tee (after the video, once the branch plays). */
  link(): void {
    if (this.#source === null || this.#link !== null) return;
    try {
      this.#link = this.#source.link(this.#bin);
    } catch (error) {
      log.warning("Peer {peer}: no sound: {reason}", {
        peer: this.#peer,
        reason: (error as Error).message,
      });
    }
  }

  /** Unlinks the branch from the audio tee (before the branch stops). */
  unlink(): void {
    if (this.#link !== null) this.#source?.unlink(this.#link);
    this.#link = null;
  }

  /**
   * Before each offer, after the video's loss repair (helper/transceiver.ts)
   * is set: no NACK, RTX or FEC on the sound's transceiver. Chromium refuses
   * an audio m-line with an RTX stream ("Failed to add remote stream ssrc"),
   * and a retransmitted audio packet would come after NetEq concealed its gap.
   * Opus' own in-band FEC (`--audio-packetloss-percent`) covers loss instead.
   */
  async beforeOffer(): Promise<void> {
    if (this.#webrtcSink === null) return;
    const transceiver = await padTransceiver(this.#webrtcSink);
    if (transceiver === null) return;
    try {
      await setProperty(transceiver, "do-nack", false);
      await setProperty(transceiver, "fec-type", "none");
    } finally {
      gst().gst_object_unref(transceiver);
    }
  }

  /** Forgets the microphone stream and releases references (the branch is in NULL or going). */
  async close(): Promise<void> {
    if (this.#webrtcSink !== null) gst().gst_object_unref(this.#webrtcSink);
    this.#webrtcSink = null;
    await this.#microphones?.leave(this.#peer);
    if (this.#micSink !== null) gst().gst_object_unref(this.#micSink);
    this.#micSink = null;
    if (this.#micElements !== null) {
      gst().gst_object_unref(this.#micElements.counter);
      gst().gst_object_unref(this.#micElements.volume);
    }
    this.#micElements = null;
  }

  /** `audio_sink` (ghost) → queue → a new webrtcbin sink pad. */
  #buildSend(webrtc: Deno.PointerObject, description: string): void {
    const lib = gst();
    const send = parseBin(description);
    lib.gst_object_set_name(send, cstr(AUDIO_SEND_BIN));
    if (!lib.gst_bin_add(this.#bin, send)) throw new Error("Cannot add the audio branch");
    const src = staticPad(send, "src");
    const webrtcSink = requestPad(webrtc, "sink_%u");
    try {
      linkPads(src, webrtcSink);
    } finally {
      lib.gst_object_unref(src);
    }
    this.#webrtcSink = webrtcSink;
    const sink = staticPad(send, "sink");
    try {
      addGhostPad(this.#bin, PEER_AUDIO_PAD, sink);
    } finally {
      lib.gst_object_unref(sink);
    }
  }

  /** A recvonly Opus transceiver, its decode branch (muted, unlinked) and the `pad-added` handler. */
  async #buildMicrophone(webrtc: Deno.PointerObject, spec: HelperMicrophone): Promise<void> {
    const lib = gst();
    const mic = parseBin(spec.branch);
    lib.gst_object_set_name(mic, cstr(MICROPHONE_BIN));
    if (!lib.gst_bin_add(this.#bin, mic)) throw new Error("Cannot add the microphone branch");
    const counter = lib.gst_bin_get_by_name(mic, cstr(spec.counter));
    const volume = lib.gst_bin_get_by_name(mic, cstr(spec.volume));
    if (counter === null || volume === null) {
      throw new Error(
        `Cannot build the microphone branch: no "${spec.counter}" or "${spec.volume}"`,
      );
    }
    this.#micElements = { counter, volume };
    this.#micSink = staticPad(mic, "sink");
    await addTransceiver(webrtc, "recvonly", spec.caps);
    this.handlers.push(onPadAdded(webrtc, (pad) => this.#received(pad)));
  }

  /** pad-added (the streaming thread waits): link the microphone stream, hand it over. */
  #received(pad: Deno.PointerObject): void {
    const name = padName(pad);
    if (!name.startsWith("src_") || this.#micSink === null || this.#micElements === null) return;
    try {
      linkPads(pad, this.#micSink);
    } catch (error) {
      // Already linked (a second stream on the same m-line): keep the first.
      log.warning("Peer {peer}: microphone stream {pad} not linked: {reason}", {
        peer: this.#peer,
        pad: name,
        reason: (error as Error).message,
      });
      return;
    }
    log.debug("Peer {peer}: microphone stream arrived", { peer: this.#peer });
    // The hub keeps references of its own.
    this.#microphones?.arrived(this.#peer, {
      counter: objectRef(this.#micElements.counter),
      volume: objectRef(this.#micElements.volume),
    });
  }
}

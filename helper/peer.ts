/**
 * One viewer in the helper: its branch (`queue ! webrtcbin`) on the tee, its
 * data channels, its signal handlers, and its offer/answer/ICE exchange.
 *
 * All work on a viewer runs through one {@linkcode SerialQueue}: set-up,
 * offer, answer, ICE, data, state reads and removal never overlap, so a
 * removal cannot free a webrtcbin while a call on it is in flight. Signal
 * handlers only copy their arguments and queue work (webrtcbin's thread waits
 * for them); they are disconnected when the viewer is removed and freed only
 * once its branch is in NULL.
 *
 * @module
 */

import { cstr, gst, GST_STATE_NULL, GST_STATE_READY } from "../ffi/gst.ts";
import { parseBin } from "../ffi/gst_pipeline.ts";
import type { SignalHandler } from "../ffi/gst_signal.ts";
import type { StructureData } from "../ffi/gst_structure.ts";
import {
  addIceCandidate,
  configureIceAgent,
  connectionState,
  createOffer,
  getStats,
  type IceCandidate,
  onIceCandidate,
  onNegotiationNeeded,
  type PeerConnectionState,
  restartIceAgent,
  setLocalOffer,
  setRemoteAnswer,
} from "../ffi/gst_webrtc.ts";
import type { HelperIceServers, HelperStart } from "../lib/protocol/helper.ts";
import { applyIceServers } from "./apply_ice_servers.ts";
import type { AudioSource } from "./audio_source.ts";
import { withIceCredentials } from "./ice_credentials.ts";
import { log } from "./log.ts";
import type { MicrophoneHub } from "./microphone_hub.ts";
import { PeerAudio } from "./peer_audio.ts";
import { PeerChannels } from "./peer_channels.ts";
import type { BranchHost } from "./encode_tier.ts";
import { send } from "./send.ts";
import { SerialQueue } from "./serial_queue.ts";
import { configureRepair } from "./transceiver.ts";

/** Options of {@linkcode Peer}. */
export interface PeerOptions {
  /** The session's `start` message: branch description, names, ICE addresses, channels. */
  spec: HelperStart;
  /** Where the branch links: the pipeline's tee, or its encode tier's. */
  pipeline: BranchHost;
  /**
   * Resolves when the branch may be built: the DTLS certificate exists and
   * an earlier branch with the same id is gone.
   */
  ready: Promise<unknown>;
  /** The STUN/TURN servers now (later ones come through {@linkcode Peer.updateIceServers}). */
  iceServers: Omit<HelperIceServers, "type">;
  /** The desktop's sound and the microphones (helper/peer_audio.ts); absent: none. */
  audio?: { source: AudioSource | null; microphones: MicrophoneHub | null };
  /** Sees each message the viewer sends on the input channel, before the server gets it. */
  onInput?: (data: Uint8Array) => void;
}

/** One viewer's branch and WebRTC session. */
export class Peer {
  /** The viewer's id, as the server names it. */
  readonly id: string;
  /** Name of the branch bin in the pipeline (`peer-<id>`). */
  readonly branch: string;
  readonly #spec: HelperStart;
  readonly #pipeline: BranchHost;
  readonly #ready: Promise<unknown>;
  #iceServers: Omit<HelperIceServers, "type">;
  /** TURN URIs given to webrtcbin (it keeps them all; each is added once). */
  readonly #turnAdded = new Set<string>();
  readonly #queue = new SerialQueue();
  #bin: Deno.PointerObject | null = null;
  #inPipeline = false;
  #webrtc: Deno.PointerObject | null = null;
  #teePad: Deno.PointerObject | null = null;
  readonly #audioParts: NonNullable<PeerOptions["audio"]>;
  #audio: PeerAudio | null = null;
  readonly #channels: PeerChannels;
  readonly #handlers: SignalHandler[] = [];
  /** Candidates gathered before the offer line was written; null once it was. */
  #pendingIce: IceCandidate[] | null = [];
  /** Every local candidate so far: an ICE restart sends them again. */
  readonly #candidates: IceCandidate[] = [];
  #offerQueued = false;
  #stateQueued = false;
  #state: PeerConnectionState = "new";
  /** Frames the encoder had produced when the branch was linked (for frames sent). */
  #framesAtLink: number | undefined;
  /** Set when removal is asked for: no new work starts, no message goes out. */
  #closed = false;
  #closing: Promise<void> | null = null;

  constructor(id: string, options: PeerOptions) {
    this.id = id;
    this.branch = `peer-${id}`;
    this.#spec = options.spec;
    this.#pipeline = options.pipeline;
    this.#ready = options.ready;
    this.#iceServers = options.iceServers;
    this.#audioParts = options.audio ?? { source: null, microphones: null };
    this.#channels = new PeerChannels(id, () => this.#closed, options.onInput);
  }

  /**
   * Builds the branch, creates the data channels and links the branch to
   * the tee; webrtcbin then asks for the offer by itself. Resolves false
   * (after sending an `error`) when the branch could not be built.
   */
  async open(): Promise<boolean> {
    let linked = false;
    await this.#run("set up", async () => {
      try {
        linked = await this.#setUp();
      } catch (error) {
        this.#error((error as Error).message);
      }
    });
    return linked;
  }

  /** Sets the browser's answer. */
  answer(sdp: string): Promise<void> {
    return this.#call("set the answer", async (webrtc) => {
      try {
        await setRemoteAnswer(webrtc, sdp);
      } catch (error) {
        const e = error as Error;
        this.#error(e instanceof RangeError ? e.message : `Cannot set answer: ${e.message}`);
      }
    });
  }

  /** Adds one of the browser's ICE candidates (an empty one, end of candidates, is skipped). */
  addIceCandidate(ice: IceCandidate): Promise<void> {
    // libnice needs no signal for the end of candidates.
    if (ice.candidate === "") return Promise.resolve();
    return this.#call("add an ICE candidate", (webrtc) => addIceCandidate(webrtc, ice));
  }

  /**
   * Gives webrtcbin renewed STUN/TURN servers: new TURN servers are
   * allocated at once (their relay candidates trickle to the browser).
   */
  updateIceServers(servers: Omit<HelperIceServers, "type">): Promise<void> {
    this.#iceServers = servers;
    return this.#call("update ICE servers", (webrtc) => this.#applyIceServers(webrtc));
  }

  /**
   * Restarts ICE on the same connection (the browser's network changed):
   * libnice gets new credentials and checks again; the offer carries them
   * (edited in: webrtcbin 1.22 repeats its first ones), then every local
   * candidate again, for the new ICE generation.
   */
  restartIce(): Promise<void> {
    return this.#call("restart ICE", async (webrtc) => {
      if (this.#pendingIce !== null) return; // not even offered yet
      let offer;
      try {
        offer = await createOffer(webrtc);
      } catch (error) {
        return this.#error(`Cannot create offer: ${(error as Error).message}`);
      }
      offer.free();
      const credentials = await restartIceAgent(webrtc);
      if (this.#closed || credentials === null) return;
      const sdp = withIceCredentials(offer.sdp, credentials);
      send({ type: "offer", peer: this.id, sdp, iceRestart: true });
      for (const ice of this.#candidates) send({ type: "ice", peer: this.id, ...ice });
      log.debug("Peer {peer}: ICE restart offer sent", { peer: this.id });
      try {
        await setLocalOffer(webrtc, sdp);
      } catch (error) {
        log.warning("Peer {peer}: cannot set the ICE restart offer: {error}", {
          peer: this.id,
          error: (error as Error).message,
        });
      }
    });
  }

  /** Sends `data` on the data channel `label`. */
  sendData(label: string, data: Uint8Array): Promise<void> {
    return this.#run("send data", () => this.#channels.send(label, data));
  }

  /**
   * Reads webrtcbin's connection state (queued like any other call) and
   * reports a change; on `connected`, asks the encoder for a keyframe. A read
   * still queued makes this a no-op.
   */
  pollState(): void {
    if (this.#stateQueued || this.#closed || this.#teePad === null) return;
    this.#stateQueued = true;
    void this.#call("read the connection state", async (webrtc) => {
      const state = await connectionState(webrtc);
      if (this.#closed || state === this.#state) return;
      this.#state = state;
      send({ type: "peer-state", peer: this.id, state });
      // A viewer that just connected needs a keyframe now, not at the next PLI.
      if (state === "connected") this.#pipeline.requestKeyframe();
    }).finally(() => this.#stateQueued = false);
  }

  /** Frames the encoder had produced when this viewer's branch was linked, if counted. */
  get framesAtLink(): number | undefined {
    return this.#framesAtLink;
  }

  /**
   * Reads webrtcbin's statistics (queued like any other call); resolves
   * null when the viewer is closed or not linked yet. Its errors go to the
   * caller, which decides how often to log them.
   */
  async readStats(): Promise<StructureData | null> {
    if (this.#closed || this.#teePad === null) return null;
    const result: { stats: StructureData | null; error?: unknown } = { stats: null };
    await this.#call("read statistics", async (webrtc) => {
      try {
        result.stats = await getStats(webrtc);
      } catch (error) {
        result.error = error;
      }
    });
    if (result.error !== undefined) throw result.error;
    return result.stats;
  }

  /**
   * Removes the viewer: disconnects its signal handlers at once, then, after
   * any call in flight, unlinks the branch, closes the channels, sets the
   * branch to NULL, removes it and frees the callbacks. Idempotent.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.silence();
    this.#closing = this.#queue.run(() => this.#tearDown()).catch((error) => {
      log.error("Cannot remove peer {peer}: {error}", { peer: this.id, error: String(error) });
    });
    return this.#closing;
  }

  /**
   * Stops all work and disconnects every signal handler now, without
   * tearing down (the helper is stopping and sets the whole pipeline to NULL;
   * call {@linkcode freeCallbacks} after that).
   */
  silence(): void {
    this.#closed = true;
    for (const handler of this.#handlers) handler.disconnect();
  }

  /** Frees the signal callbacks; only once the branch is in NULL. */
  freeCallbacks(): void {
    for (const handler of this.#handlers) handler.close();
  }

  /** Queues `task` (skipped once the viewer is closed); its errors are logged. */
  #run(what: string, task: () => Promise<void>): Promise<void> {
    return this.#queue.run(async () => {
      if (!this.#closed) await task();
    }).catch((error) => {
      log.error("Cannot {what} for peer {peer}: {error}", {
        what,
        peer: this.id,
        error: (error as Error).message,
      });
    });
  }

  async #setUp(): Promise<boolean> {
    const lib = gst();
    // webrtcbin makes its dtlsdec on this thread; never let it generate the key here.
    await this.#ready;
    if (this.#closed) return false;
    const bin = this.#bin = parseBin(this.#spec.branch);
    lib.gst_object_set_name(bin, cstr(this.branch));
    const webrtc = this.#webrtc = lib.gst_bin_get_by_name(bin, cstr(this.#spec.webrtcbin));
    if (webrtc === null) throw new Error(`Cannot build branch: no "${this.#spec.webrtcbin}" in it`);
    const refused = await configureIceAgent(webrtc, { localAddresses: this.#spec.iceAddresses });
    for (const address of refused) {
      log.warning("Cannot add ICE address {address}", { peer: this.id, address });
    }
    await this.#applyIceServers(webrtc);
    if (this.#closed) return false;
    // Audio m-lines (desktop sound, microphone) before the first offer.
    this.#audio = await PeerAudio.build(bin, webrtc, {
      peer: this.id,
      spec: this.#spec,
      ...this.#audioParts,
    });
    this.#handlers.push(...this.#audio.handlers);
    this.#handlers.push(
      onNegotiationNeeded(webrtc, () => this.#negotiate()),
      onIceCandidate(webrtc, (ice) => this.#localCandidate(ice)),
    );
    // Add first; READY opens webrtcbin so data channels can be created before
    // linking, and the first offer already carries them (no renegotiation).
    this.#pipeline.addBranch(bin, this.branch);
    this.#inPipeline = true;
    await lib.gst_element_set_state(bin, GST_STATE_READY);
    for (const label of this.#spec.channels) await this.#createChannel(webrtc, label);
    // PLAYING before linking: a tee pushing into a pad that is still flushing
    // gets FLUSHING back, returns it upstream, and the capture task stops for
    // every viewer (seen: one viewer in ~30 joins froze the whole stream).
    await lib.gst_element_sync_state_with_parent(bin);
    if (this.#closed) return false;
    this.#teePad = this.#pipeline.linkBranch(bin);
    this.#audio?.link();
    this.#framesAtLink = await this.#pipeline.framesEncoded();
    log.debug("Peer {peer}: branch playing", { peer: this.id });
    return true;
  }

  async #createChannel(webrtc: Deno.PointerObject, label: string): Promise<void> {
    const handlers = await this.#channels.create(webrtc, label);
    if (handlers === null) return this.#error(`Cannot create channel ${label}`);
    this.#handlers.push(...handlers);
  }

  /** on-negotiation-needed (webrtcbin's thread waits): queue one offer at most. */
  #negotiate(): void {
    log.debug("Peer {peer}: negotiation needed", { peer: this.id });
    if (this.#offerQueued || this.#closed) return;
    this.#offerQueued = true;
    void this.#call("offer", (webrtc) => this.#offer(webrtc)).finally(() => {
      this.#offerQueued = false;
    });
  }

  async #offer(webrtc: Deno.PointerObject): Promise<void> {
    await configureRepair(webrtc, { fecPercent: this.#spec.tuning?.fecPercent ?? 0 });
    await this.#audio?.beforeOffer();
    let offer;
    try {
      offer = await createOffer(webrtc);
    } catch (error) {
      return this.#error(`Cannot create offer: ${(error as Error).message}`);
    }
    try {
      if (this.#closed) return;
      // Send the offer before setting it locally: the browser starts on it sooner,
      // and candidates (which only come after set-local-description) wait for it.
      send({ type: "offer", peer: this.id, sdp: offer.sdp });
      log.debug("Peer {peer}: offer sent", { peer: this.id });
      const pending = this.#pendingIce ?? [];
      this.#pendingIce = null;
      for (const ice of pending) send({ type: "ice", peer: this.id, ...ice });
      const error = await offer.setLocal();
      if (error !== null) {
        log.warning("Peer {peer}: cannot set the local description: {error}", {
          peer: this.id,
          error,
        });
      }
    } finally {
      offer.free();
    }
  }

  /** Gives webrtcbin the current STUN/TURN servers (see {@linkcode applyIceServers}). */
  #applyIceServers(webrtc: Deno.PointerObject): Promise<void> {
    return applyIceServers(webrtc, this.#iceServers, {
      peer: this.id,
      added: this.#turnAdded,
      offered: this.#pendingIce === null,
    });
  }

  /** on-ice-candidate (webrtcbin's thread waits): send it, or keep it until the offer is out. */
  #localCandidate(ice: IceCandidate): void {
    if (this.#closed) return;
    this.#candidates.push(ice);
    if (this.#pendingIce) this.#pendingIce.push(ice);
    else send({ type: "ice", peer: this.id, ...ice });
  }

  /** Queues `task` on the webrtcbin (skipped when the branch could not be built). */
  #call(what: string, task: (webrtc: Deno.PointerObject) => Promise<void>): Promise<void> {
    return this.#run(what, async () => {
      if (this.#webrtc !== null) await task(this.#webrtc);
    });
  }

  #error(message: string): void {
    if (!this.#closed) send({ type: "error", peer: this.id, fatal: false, message });
  }

  async #tearDown(): Promise<void> {
    const lib = gst();
    const bin = this.#bin;
    if (bin === null) return;
    // Unlink first so the tee stops pushing into a branch that is going away.
    if (this.#teePad !== null) this.#pipeline.unlinkBranch(bin, this.#teePad);
    this.#teePad = null;
    this.#audio?.unlink();
    await this.#channels.close();
    if (this.#inPipeline) {
      // NULL stops webrtcbin's threads: an emission already under way has run
      // meanwhile (the JS thread is free during this call), and none can follow.
      await lib.gst_element_set_state(bin, GST_STATE_NULL);
      this.#pipeline.removeBranch(bin, this.branch);
    } else {
      lib.gst_object_unref(lib.gst_object_ref_sink(bin));
    }
    if (this.#webrtc !== null) lib.gst_object_unref(this.#webrtc);
    this.#webrtc = null;
    this.#bin = null;
    await this.#audio?.close();
    this.freeCallbacks();
    this.#channels.free();
  }
}

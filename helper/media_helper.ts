/**
 * One running helper: the shared pipeline and its viewers. Turns each
 * message from the server into work on the pipeline or on one {@linkcode Peer};
 * polls the viewers' connection states; stops everything once.
 *
 * @module
 */

import { PageRelease } from "../lib/memory/page_release.ts";
import type { BusMessage } from "../ffi/gst_pipeline.ts";
import {
  HelperExit,
  type HelperIceServers,
  type HelperStart,
  type HelperTierAdd,
  type ToHelper,
} from "../lib/protocol/helper.ts";
import { AudioSource } from "./audio_source.ts";
import { EncodeTier } from "./encode_tier.ts";
import { LiveControl } from "./live_control.ts";
import { log } from "./log.ts";
import { MicrophoneHub } from "./microphone_hub.ts";
import { Peer } from "./peer.ts";
import { Pipeline, PipelineError } from "./pipeline.ts";
import { registerPlayoutDelay } from "./playout_delay.ts";
import { send } from "./send.ts";
import { StatsPoller } from "./stats.ts";
import { lowerMediaPriority } from "./thread_priority.ts";
import { announcesRedraw } from "../lib/protocol/input.ts";

/** How often webrtcbin's connection state is polled, in ms (signals for it are not audited). */
const STATE_POLL_MS = 100;
/** How often new media threads are looked for, in ms (encoder threads appear with the first frames). */
const NICE_MS = 1000;

/** The pipeline and its viewers, driven by the server's messages. */
export class MediaHelper {
  readonly #spec: HelperStart;
  readonly #warm: Promise<void>;
  #pipeline: Pipeline | null = null;
  /** The STUN/TURN servers for new viewers (renewed by `ice-servers`). */
  #iceServers: Omit<HelperIceServers, "type">;
  readonly #peers = new Map<string, Peer>();
  /** Encode tiers by id, and the tier of each viewer on one (docs/PROTOCOL.md, "Encode tiers"). */
  readonly #tiers = new Map<string, EncodeTier>();
  readonly #tierOf = new Map<string, EncodeTier>();
  /** Tier removals under way, by id: a new tier with that id waits for its predecessor. */
  readonly #tiersLeaving = new Map<string, Promise<void>>();
  /** Removals under way, by peer id: a new branch with that id waits for its predecessor. */
  readonly #leaving = new Map<string, Promise<void>>();
  #stopping = false;
  readonly #done = Promise.withResolvers<number>();
  #poll: ReturnType<typeof setInterval> | undefined;
  #nice: ReturnType<typeof setInterval> | undefined;
  #stats: StatsPoller | undefined;
  /** The desktop's sound, when asked for and PulseAudio answers. */
  #audio: AudioSource | null = null;
  #microphones: MicrophoneHub | null = null;
  #live: LiveControl | undefined;
  /** Start-up and a viewer's set-up touch pages nothing needs afterwards: handed back after. */
  readonly #pages = new PageRelease(log);

  /** `warm` resolves once the DTLS certificate exists; branches wait for it. */
  constructor(spec: HelperStart, warm: Promise<void>) {
    this.#spec = spec;
    this.#warm = warm;
    this.#iceServers = { stunServer: spec.stunServer ?? "", turnServers: spec.turnServers ?? [] };
  }

  /** Resolves with the exit code once the helper has shut down. */
  get done(): Promise<number> {
    return this.#done.promise;
  }

  /** Starts the pipeline and answers `ready`, or sends a fatal `error` and stops. */
  async start(): Promise<void> {
    const missing = registerPlayoutDelay();
    if (missing) {
      log.warning("Playout-delay extension unavailable ({reason}): expect ~25 ms more latency", {
        reason: missing,
      });
    }
    try {
      this.#pipeline = await Pipeline.start(this.#spec, {
        onBranchError: (branch, message) => this.#branchFailed(branch, message),
        onFatal: (error) => this.#fail(error),
      });
    } catch (error) {
      this.#fail(
        error instanceof PipelineError
          ? error
          : new PipelineError(HelperExit.PipelineFailed, (error as Error).message),
      );
      return;
    }
    if (this.#spec.audio) this.#audio = await AudioSource.start(this.#pipeline, this.#spec.audio);
    if (this.#spec.microphone) (this.#microphones = new MicrophoneHub()).start();
    if (this.#stopping) return;
    this.#poll = setInterval(() => {
      for (const peer of this.#peers.values()) peer.pollState();
    }, STATE_POLL_MS);
    this.#nice = setInterval(() => {
      try {
        lowerMediaPriority();
      } catch (error) {
        log.warning("Cannot lower the priority of media threads: {reason}", {
          reason: (error as Error).message,
        });
        clearInterval(this.#nice);
      }
    }, NICE_MS);
    this.#live = new LiveControl(this.#pipeline, this.#spec);
    this.#stats = new StatsPoller({
      peers: () => this.#peers.values(),
      pipeline: this.#pipeline,
      ...(this.#live.loop ? { loop: this.#live.loop } : {}),
      framesOf: (peer) => (this.#tierOf.get(peer.id) ?? this.#pipeline!).framesEncoded(),
      framesPushed: () => this.#pipeline?.framesPushed(),
    });
    this.#stats.start();
    send({ type: "ready", pid: Deno.pid });
    this.#pages.soon();
  }

  /** Handles one message from the server; the work it starts runs on in the background. */
  handle(message: ToHelper): void {
    if (this.#stopping) return;
    switch (message.type) {
      case "start":
        log.warning("Ignoring a second start message");
        return;
      case "tier-add":
        return this.#addTier(message);
      case "tier-remove":
        return void this.#removeTier(message.tier);
      case "peer-add":
        return this.#addPeer(message.peer, message.tier);
      case "peer-remove":
        return void this.#removePeer(message.peer);
      case "ice-servers": {
        const { type: _, ...servers } = message;
        this.#iceServers = servers;
        for (const peer of this.#peers.values()) void peer.updateIceServers(servers);
        return;
      }
      case "ice-restart":
        return void this.#peer(message)?.restartIce();
      case "answer":
        return void this.#peer(message)?.answer(message.sdp);
      case "ice":
        return void this.#peer(message)?.addIceCandidate(message);
      case "send":
        return void this.#peer(message)?.sendData(
          message.channel,
          Uint8Array.fromBase64(message.data),
        );
      case "show-pointer":
        return void this.#pipeline?.showPointer(message.visible);
      case "settings": {
        // The sound is this helper's own: the rest goes to the live control.
        const { audio, ...rest } = message;
        if (audio === undefined || this.#audio === null) return this.#live?.settings(message);
        void this.#audio.setEnabled(audio);
        if (Object.keys(rest).length > 1) this.#live?.settings(rest);
        return;
      }
      case "stop":
        return void this.stop(HelperExit.Ok);
    }
  }

  /** Tears everything down (once) and resolves {@linkcode done} with `code`. */
  async stop(code: number): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    clearInterval(this.#poll);
    this.#pages.stop();
    clearInterval(this.#nice);
    this.#stats?.stop();
    this.#microphones?.stop();
    this.#live?.stop();
    const peers = [...this.#peers.values()];
    for (const peer of peers) peer.silence();
    // Removals under way finish first: the pipeline going to NULL passes through PAUSED, which
    // would bring a branch already set to NULL back up just before it is freed.
    await Promise.all([...this.#leaving.values(), ...this.#tiersLeaving.values()]);
    await this.#pipeline?.stop();
    await this.#live?.close();
    // Every branch is in NULL now: no thread can be running a callback.
    for (const peer of peers) peer.freeCallbacks();
    this.#done.resolve(code);
  }

  #peer(message: { type: string; peer: string }): Peer | undefined {
    const peer = this.#peers.get(message.peer);
    if (!peer) {
      log.warning("{type} for unknown peer {peer}", { type: message.type, peer: message.peer });
    }
    return peer;
  }

  #addPeer(id: string, tierId: string | undefined): void {
    if (this.#peers.has(id)) return log.warning("Peer {peer} already exists", { peer: id });
    const tier = tierId === undefined ? undefined : this.#tiers.get(tierId);
    if (tierId !== undefined && tier === undefined) {
      send({ type: "error", peer: id, fatal: false, message: `Unknown encode tier ${tierId}` });
      return;
    }
    log.debug("Peer {peer}: adding", { peer: id, tier: tierId ?? "-" });
    const peer = new Peer(id, {
      spec: this.#spec,
      pipeline: tier ?? this.#pipeline!,
      ready: Promise.all([this.#warm, this.#leaving.get(id), tier?.opened]),
      iceServers: this.#iceServers,
      audio: { source: this.#audio, microphones: this.#microphones },
      // A key pressed warms the capture's path up before the server injects it (the redraw is next).
      onInput: (data) => {
        if (announcesRedraw(data)) this.#pipeline?.inputArrived();
      },
    });
    this.#peers.set(id, peer);
    if (tier) this.#tierOf.set(id, tier);
    void peer.open().then((linked) => {
      if (linked && this.#peers.get(id) === peer) this.#live?.watch(id, peer.branch, tier);
      this.#pages.soon();
      if (!linked && this.#peers.get(id) === peer) void this.#removePeer(id);
    });
  }

  async #removePeer(id: string): Promise<void> {
    const peer = this.#peers.get(id);
    if (!peer) return;
    this.#peers.delete(id);
    this.#live?.unwatch(id);
    this.#tierOf.delete(id);
    const closing: Promise<void> = peer.close().finally(() => {
      if (this.#leaving.get(id) === closing) this.#leaving.delete(id);
    });
    this.#leaving.set(id, closing);
    await closing;
    this.#pages.soon();
  }

  #addTier(message: HelperTierAdd): void {
    if (this.#tiers.has(message.tier)) {
      return log.warning("Encode tier {tier} already exists", { tier: message.tier });
    }
    log.debug("Encode tier {tier}: adding", { tier: message.tier });
    const after = this.#tiersLeaving.get(message.tier);
    const tier = new EncodeTier(message, this.#pipeline!, after);
    this.#tiers.set(message.tier, tier);
    // Live bitrate, keyframe interval and congestion control steer every tier's encoder.
    void tier.opened.then(() => this.#live?.attachTier(tier), () => {});
  }

  /** Removes a tier once its viewers' branches are gone (the server removes them first). */
  async #removeTier(id: string): Promise<void> {
    const tier = this.#tiers.get(id);
    if (!tier) return;
    this.#tiers.delete(id);
    this.#live?.detachTier(id);
    for (const [peer, of] of this.#tierOf) if (of === tier) void this.#removePeer(peer);
    const closing: Promise<void> = Promise.all(this.#leaving.values())
      .then(() => tier.close())
      .catch((error) => {
        log.error("Cannot remove encode tier {tier}: {error}", { tier: id, error: String(error) });
      })
      .finally(() => {
        if (this.#tiersLeaving.get(id) === closing) this.#tiersLeaving.delete(id);
      });
    this.#tiersLeaving.set(id, closing);
    await closing;
  }

  #branchFailed(branch: string, message: BusMessage): void {
    const tier = [...this.#tiers.values()].find((t) => t.name === branch);
    if (tier) {
      // An encode failed: its viewers lose their stream, the other tiers go on.
      for (const [peer, of] of this.#tierOf) {
        if (of !== tier) continue;
        send({ type: "error", peer, fatal: false, message: message.text });
        void this.#removePeer(peer);
      }
      return void this.#removeTier(tier.id);
    }
    const peer = [...this.#peers.values()].find((p) => p.branch === branch);
    if (!peer) return;
    // A viewer's branch failed: drop that viewer, keep the others streaming.
    send({ type: "error", peer: peer.id, fatal: false, message: message.text });
    void this.#removePeer(peer.id);
  }

  #fail(error: PipelineError): void {
    if (this.#stopping) return;
    send({ type: "error", fatal: true, message: error.message });
    void this.stop(error.code);
  }
}

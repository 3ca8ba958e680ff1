/**
 * The media session: one helper process (one capture, one encode) shared by
 * every viewer, each viewer a branch of its own in the helper's pipeline.
 *
 * Life cycle: a *standby* helper is spawned ahead of time (GStreamer loaded,
 * DTLS key generated, no pipeline); the first viewer sends it `start`, so
 * capture and encoding run only while someone watches. When the last viewer
 * leaves the helper is stopped (SIGKILL if it does not exit) and a new
 * standby is spawned. A helper that dies while viewers are connected is
 * restarted with a {@linkcode Backoff} and every viewer gets a fresh offer;
 * once the delay reaches its maximum the viewers are told `failed`.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { Backoff } from "./backoff.ts";
import type { HelperExitStatus, HelperLink, SpawnHelper } from "./helper_link.ts";
import { HelperProcess } from "./helper_process.ts";
import type { LiveSettingsChange } from "./protocol/live_settings.ts";
import { SettingsKeeper } from "./session_settings.ts";
import type { Encoder } from "./protocol/encoders.ts";
import type { FromHelper, ToHelper } from "./protocol/helper.ts";
import { DEFAULT_MAX_VIEWERS, type ServerMessage } from "./protocol/signalling.ts";
import { webrtcbinServers } from "./turn/webrtcbin_servers.ts";
import { userMessage } from "./user_message.ts";
import { ViewerEncoders } from "./viewer_encoders.ts";
import type { MediaSessionOptions, Session, SessionStats, Viewer } from "./session_api.ts";

export type {
  IceServerSource,
  MediaSessionOptions,
  Session,
  SessionStats,
  Viewer,
} from "./session_api.ts";

const log = getLogger(["skerry", "session"]);

type HelperState = "standby" | "starting" | "running" | "stopping";

/** A restart waiting for its delay, and what viewers are told meanwhile. */
interface PendingRestart {
  timer: ReturnType<typeof setTimeout>;
  /** When the restart happens, from `Date.now()`. */
  at: number;
  status: Extract<ServerMessage, { type: "status" }>;
}

const spawnProcess: SpawnHelper = (onMessage) => HelperProcess.spawn({ onMessage });

/** One shared capture and encode, and the viewers of it. */
export class MediaSession implements Session {
  readonly #options: MediaSessionOptions;
  readonly #viewers = new Map<string, Viewer>();
  readonly #backoff: Backoff;
  #helper: HelperLink | undefined;
  #state: HelperState = "standby";
  /** Peers added to the current helper. */
  #added = new Set<string>();
  /** Peers the current helper has sent an offer to: answers are accepted only from these. */
  #offered = new Set<string>();
  /** The current helper's last fatal error, for the `failed` status. */
  #fatal: string | undefined;
  #restart: PendingRestart | undefined;
  #readyAt = 0;
  #closed = false;
  #unsubscribe: (() => void) | undefined;
  /** The pointer drawn into the video against the pipeline's default (pointer lock). */
  #pointerVisible = false;
  readonly #settings: SettingsKeeper | undefined;
  /** Each viewer's encoder and the current helper's encode tiers (with `encoders`). */
  readonly #encoders: ViewerEncoders | undefined;
  /** Counters, for tests and health checks. */
  readonly stats: SessionStats = { spawned: 0, crashes: 0 };

  constructor(options: MediaSessionOptions) {
    this.#options = options;
    this.#backoff = new Backoff(options.backoff);
    this.#settings = options.settings && new SettingsKeeper(options.settings, {
      phase: () => this.#state === "running" || this.#state === "starting" ? this.#state : "none",
      send: (change) => this.#helper?.send({ type: "settings", ...change }),
    });
    this.#encoders = options.encoders && new ViewerEncoders(options.encoders);
    // Renewed credentials reach running helpers at once (new viewers and live ICE agents).
    this.#unsubscribe = options.iceServers?.subscribe((config) => {
      if (this.#state === "starting" || this.#state === "running") {
        this.#helper?.send({ type: "ice-servers", ...webrtcbinServers(config.iceServers) });
      }
    });
    if (options.standby ?? true) this.#spawn();
  }

  /** The running helper's pid, if any. */
  get helperPid(): number | undefined {
    return this.#helper?.pid;
  }

  /** Whether the helper is running a pipeline. */
  get streaming(): boolean {
    return this.#state === "running";
  }

  /** Number of connected viewers. */
  get viewerCount(): number {
    return this.#viewers.size;
  }

  /** Whether `maxViewers` are watching. */
  get full(): boolean {
    return this.#viewers.size >= (this.#options.maxViewers ?? DEFAULT_MAX_VIEWERS);
  }

  /**
   * Adds a viewer; it gets `status` now and an `offer` once the pipeline
   * runs. Returns false (adding nothing) when the session is full or closed.
   */
  join(viewer: Viewer): boolean {
    if (this.#closed) return false;
    if (this.full && !this.#viewers.has(viewer.id)) {
      log.warn("Refusing viewer {peer}: {viewers} are watching", {
        peer: viewer.id,
        viewers: this.#viewers.size,
      });
      return false;
    }
    if (this.#encoders) {
      const { choice, message } = this.#encoders.join(viewer.id, viewer.codecs);
      viewer.send(message);
      if (choice.encoder === null) {
        // Nothing to stream to it: it stays connected to read why, and costs nothing.
        log.warn("Viewer {peer} gets no video: {reason}", { peer: viewer.id, ...choice });
        return true;
      }
      log.info("Viewer {peer} gets {encoder}: {reason}", { peer: viewer.id, ...choice });
    }
    this.#viewers.set(viewer.id, viewer);
    this.#options.monitor?.viewerJoined(viewer.id);
    log.info("Viewer {peer} joined ({viewers} watching)", {
      peer: viewer.id,
      viewers: this.#viewers.size,
    });
    if (this.#settings) viewer.send(this.#settings.message);
    const restart = this.#restart;
    if (restart) {
      viewer.send({ ...restart.status, retryInMs: Math.max(0, restart.at - Date.now()) });
      return true;
    }
    viewer.send({ type: "status", state: "starting" });
    this.#ensureRunning();
    return true;
  }

  /** Removes a viewer; the helper stops when the last one leaves. */
  leave(id: string): void {
    if (!this.#viewers.delete(id)) return;
    this.#options.monitor?.viewerLeft(id);
    log.info("Viewer {peer} left ({viewers} watching)", { peer: id, viewers: this.#viewers.size });
    this.#removePeer(id);
    this.#encoders?.leave(id);
    // A pending restart stays: with nobody watching it spawns a standby.
    if (this.#viewers.size === 0) this.#stopHelper();
  }

  /** A viewer's SDP answer. Dropped unless it answers the current helper's offer. */
  answer(id: string, sdp: string): void {
    if (!this.#offered.has(id)) return log.debug("Dropping stale answer from {peer}", { peer: id });
    this.#helper?.send({ type: "answer", peer: id, sdp });
    // A switch that waited for this answer goes ahead now.
    this.#sendAll(id, this.#encoders?.answered(id) ?? []);
  }

  /** A viewer asks for another encoder; honoured when offered and decodable by its browser. */
  setEncoder(id: string, encoder: Encoder): void {
    const viewer = this.#viewers.get(id);
    const decision = viewer && this.#encoders?.request(id, encoder);
    if (!viewer || !decision) return;
    const { encoder: now, reason } = decision;
    log.info("Viewer {peer} asked for {encoder}: {now} ({reason})", {
      peer: id,
      encoder,
      now,
      reason,
    });
    viewer.send(decision.reply);
    this.#sendAll(id, decision.messages);
  }

  /** A viewer's ICE candidate. Dropped unless the current helper has offered to it. */
  ice(id: string, candidate: string, sdpMLineIndex: number): void {
    if (this.#offered.has(id)) {
      this.#helper?.send({ type: "ice", peer: id, candidate, sdpMLineIndex });
    }
  }

  /** Asks the helper for an ICE-restart offer; dropped unless it has offered to this viewer. */
  iceRestart(id: string): void {
    if (this.#offered.has(id)) this.#helper?.send({ type: "ice-restart", peer: id });
  }

  /**
   * Draws the X pointer into the video (a viewer is in pointer lock) or
   * not; kept across helper restarts. The pipeline starts without it.
   */
  showPointer(visible: boolean): void {
    this.#pointerVisible = visible;
    if (this.#state === "running") this.#helper?.send({ type: "show-pointer", visible });
  }

  /**
   * A viewer's change of the live settings: applied to the shared stream and
   * told to every viewer (a change to the values already set is answered with
   * the settings, to that viewer only). Ignored without live settings.
   */
  settings(id: string, change: LiveSettingsChange): void {
    const viewer = this.#viewers.get(id);
    if (!viewer || !this.#settings) return;
    const changed = this.#settings.change(change);
    if (!changed) return viewer.send(this.#settings.message);
    log.info("Viewer {peer} changed {change}", { peer: id, change: changed });
    for (const v of this.#viewers.values()) v.send(this.#settings.message);
  }

  /** Stops everything; the session cannot be used afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe?.();
    this.#settings?.close();
    clearTimeout(this.#restart?.timer);
    this.#restart = undefined;
    this.#viewers.clear();
    const helper = this.#helper;
    if (helper) {
      this.#state = "stopping";
      await helper.stop(this.#options.stopGraceMs);
    }
  }

  #ensureRunning(): void {
    if (!this.#helper) this.#spawn();
    switch (this.#state) {
      case "standby": {
        const ice = this.#options.iceServers?.current.iceServers;
        const { tuning } = this.#options.start;
        this.#helper!.send({
          ...this.#options.start,
          ...(ice ? webrtcbinServers(ice) : {}),
          ...(tuning && this.#settings ? { tuning: this.#settings.tuning(tuning) } : {}),
        });
        this.#settings?.started();
        this.#state = "starting";
        return;
      }
      case "running":
        for (const id of this.#viewers.keys()) this.#addPeer(id);
        return;
      case "starting":
      case "stopping":
        // "ready" adds every viewer; a stopping helper is replaced on exit.
        return;
    }
  }

  #addPeer(id: string): void {
    if (this.#added.has(id)) return;
    this.#added.add(id);
    this.#sendAll(id, this.#encoders?.addPeer(id) ?? [{ type: "peer-add", peer: id }]);
  }

  #removePeer(id: string): void {
    if (this.#added.delete(id)) {
      this.#sendAll(id, this.#encoders?.removePeer(id) ?? [{ type: "peer-remove", peer: id }]);
    }
    this.#offered.delete(id);
  }

  /** Sends a viewer's helper messages; a branch removed is no longer offered to. */
  #sendAll(id: string, messages: ToHelper[]): void {
    for (const message of messages) {
      if (message.type === "peer-remove") this.#offered.delete(id);
      this.#helper?.send(message);
    }
  }

  #spawn(): void {
    const spawn = this.#options.spawn ?? spawnProcess;
    const helper = spawn((message) => {
      if (this.#helper === helper) this.#onMessage(message);
    });
    this.#helper = helper;
    this.#state = "standby";
    this.#added = new Set();
    this.#offered = new Set();
    this.#encoders?.resetHelper();
    this.#fatal = undefined;
    this.stats.spawned++;
    helper.exited.then((status) => this.#onExit(helper, status));
  }

  #stopHelper(): void {
    const helper = this.#helper;
    if (!helper || this.#state === "standby" || this.#state === "stopping") return;
    this.#state = "stopping";
    log.info("Stopping helper {pid}: no viewers", { pid: helper.pid });
    void helper.stop(this.#options.stopGraceMs);
  }

  #onMessage(message: FromHelper): void {
    switch (message.type) {
      case "ready":
        this.#state = "running";
        this.#readyAt = Date.now();
        log.info("Helper {pid} is streaming", { pid: message.pid });
        if (this.#pointerVisible) this.#helper?.send({ type: "show-pointer", visible: true });
        for (const id of this.#viewers.keys()) this.#addPeer(id);
        this.#settings?.flush();
        return;
      case "offer": {
        const viewer = this.#viewers.get(message.peer);
        if (!viewer) return;
        this.#offered.add(message.peer);
        this.#encoders?.offered(message.peer);
        viewer.send({
          type: "offer",
          sdp: message.sdp,
          ...(message.iceRestart ? { iceRestart: true } : {}),
        });
        viewer.send({ type: "status", state: "streaming" });
        return;
      }
      case "ice":
        this.#viewers.get(message.peer)?.send({
          type: "ice",
          candidate: message.candidate,
          sdpMLineIndex: message.sdpMLineIndex,
        });
        return;
      case "data":
        this.#viewers.get(message.peer)?.onData(
          message.channel,
          Uint8Array.fromBase64(message.data),
        );
        return;
      case "stats":
        if (this.#viewers.has(message.peer)) {
          this.#options.monitor?.peerStats(message.peer, message.stats);
        }
        return;
      case "peer-state":
        log.debug("Peer {peer} is {state}", { peer: message.peer, state: message.state });
        return;
      case "channel-open":
        log.debug("Peer {peer} opened channel {channel}", message);
        return;
      case "error": {
        const fields = { message: message.message, peer: message.peer ?? "-" };
        if (message.fatal) {
          this.#fatal = message.message;
          log.error("Helper failed: {message}", fields);
        } else log.warn("Helper error for {peer}: {message}", fields);
        const targets = message.peer === undefined
          ? [...this.#viewers.values()]
          : [this.#viewers.get(message.peer)].filter((v) => v !== undefined);
        // The user reads a sentence; GStreamer's own words stay in the log above.
        for (const v of targets) {
          const encoder = this.#encoders?.encoderOf(v.id);
          v.send({
            type: "error",
            code: "media",
            message: userMessage(message.message, { encoder }),
          });
        }
        return;
      }
    }
  }

  #onExit(helper: HelperLink, status: HelperExitStatus): void {
    if (this.#helper !== helper) return;
    const expected = this.#state === "stopping";
    // Only a helper that streamed can have been stable; a standby or a start that failed was not.
    const ranMs = this.#state === "running" ? Date.now() - this.#readyAt : 0;
    this.#helper = undefined;
    this.#added = new Set();
    this.#offered = new Set();
    this.#encoders?.resetHelper();
    this.#state = "standby";
    this.#readyAt = 0;
    const how = status.signal ? `signal ${status.signal}` : `code ${status.code}`;
    if (this.#closed) return;
    if (expected) {
      log.info("Helper {pid} stopped ({how})", { pid: helper.pid, how });
      // Viewers who joined while it stopped were told "starting" already.
      if (this.#viewers.size > 0) this.#ensureRunning();
      else if (this.#options.standby ?? true) this.#spawn();
      return;
    }
    this.stats.crashes++;
    log.error("Helper {pid} exited with {how}", { pid: helper.pid, how });
    const delay = this.#backoff.next(ranMs);
    const reason = `helper exited with ${how}`;
    let told: PendingRestart["status"];
    if (this.#backoff.atMax) {
      // It keeps failing: say so (with its own reason), and keep trying at the longest delay.
      const detail = this.#fatal === undefined ? reason : `${reason}: ${this.#fatal}`;
      log.error("Helper keeps failing ({detail}); retrying every {delayMs} ms", {
        delayMs: delay,
        detail,
      });
      const message = userMessage(detail, { fatal: true });
      told = { type: "status", state: "failed", retryInMs: delay, message };
    } else {
      told = { type: "status", state: "restarting", retryInMs: delay, message: reason };
    }
    for (const viewer of this.#viewers.values()) viewer.send(told);
    const timer = setTimeout(() => {
      this.#restart = undefined;
      if (this.#viewers.size > 0) {
        for (const viewer of this.#viewers.values()) {
          viewer.send({ type: "status", state: "starting" });
        }
        this.#ensureRunning();
      } else if (this.#options.standby ?? true) {
        this.#spawn();
      }
    }, delay);
    this.#restart = { timer, at: Date.now() + delay, status: told };
  }
}

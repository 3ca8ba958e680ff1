/**
 * The media session: one helper process (one capture, one encode) shared by
 * every viewer, each viewer a branch of its own in the helper's pipeline.
 *
 * Life cycle: a *standby* helper is spawned ahead of time (GStreamer loaded,
 * DTLS key generated, no pipeline); the first viewer sends it `start`, so
 * capture and encoding run only while someone watches. When the last viewer
 * leaves the helper is stopped (SIGKILL if it does not exit) and a new
 * standby is spawned. A helper that dies while viewers are connected is
 * restarted with exponential backoff and every viewer gets a fresh offer.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { type HelperExitStatus, HelperProcess } from "./helper_process.ts";
import type { FromHelper, HelperStart } from "./protocol/helper.ts";
import type { ServerMessage } from "./protocol/signalling.ts";

const log = getLogger(["skerry", "session"]);

/** A browser tab watching the session. */
export interface Viewer {
  /** Peer id, unique in this server process. */
  readonly id: string;
  /** Sends a signalling message to the browser. */
  send(message: ServerMessage): void;
  /** Bytes arrived from the browser on data channel `channel`. */
  onData(channel: string, data: Uint8Array): void;
}

/** Restart backoff, in ms. */
export interface Backoff {
  /** First delay after a crash. Default 250. */
  initialMs?: number;
  /** Largest delay. Default 8000. */
  maxMs?: number;
  /** A helper that ran this long resets the delay to `initialMs`. Default 10000. */
  stableMs?: number;
}

/** Options of {@linkcode MediaSession}. */
export interface MediaSessionOptions {
  /** The pipeline description and the rest of the helper's `start` message. */
  start: HelperStart;
  /** Spawns a helper; default {@linkcode HelperProcess.spawn} with the default argv. */
  spawn?: (onMessage: (message: FromHelper) => void) => HelperProcess;
  /** Keep a warm helper while nobody watches. Default true. */
  standby?: boolean;
  /** Restart backoff. */
  backoff?: Backoff;
  /** Grace period for a helper to exit after `stop`, in ms. Default 3000. */
  stopGraceMs?: number;
}

type HelperState = "standby" | "starting" | "running" | "stopping";

/** Counters for tests, health checks and metrics. */
export interface SessionStats {
  /** Helpers spawned, standby included. */
  spawned: number;
  /** Helpers that exited without being asked to. */
  crashes: number;
}

/** One shared capture and encode, and the viewers of it. */
export class MediaSession {
  readonly #options: MediaSessionOptions;
  readonly #viewers = new Map<string, Viewer>();
  #helper: HelperProcess | undefined;
  #state: HelperState = "standby";
  /** Peers added to the current helper. */
  #added = new Set<string>();
  /** Peers the current helper has sent an offer to: answers are accepted only from these. */
  #offered = new Set<string>();
  #delayMs: number;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #readyAt = 0;
  #closed = false;
  /** Counters, for tests and health checks. */
  readonly stats: SessionStats = { spawned: 0, crashes: 0 };

  constructor(options: MediaSessionOptions) {
    this.#options = options;
    this.#delayMs = options.backoff?.initialMs ?? 250;
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

  /** Adds a viewer; it gets `status` now and an `offer` once the pipeline runs. */
  join(viewer: Viewer): void {
    if (this.#closed) return;
    this.#viewers.set(viewer.id, viewer);
    log.info("Viewer {peer} joined ({viewers} watching)", {
      peer: viewer.id,
      viewers: this.#viewers.size,
    });
    if (this.#restartTimer !== undefined) {
      viewer.send({ type: "status", state: "restarting", retryInMs: this.#delayMs });
      return;
    }
    viewer.send({ type: "status", state: "starting" });
    this.#ensureRunning();
  }

  /** Removes a viewer; the helper stops when the last one leaves. */
  leave(id: string): void {
    if (!this.#viewers.delete(id)) return;
    log.info("Viewer {peer} left ({viewers} watching)", { peer: id, viewers: this.#viewers.size });
    if (this.#added.delete(id)) this.#helper?.send({ type: "peer-remove", peer: id });
    this.#offered.delete(id);
    if (this.#viewers.size === 0) {
      clearTimeout(this.#restartTimer);
      this.#restartTimer = undefined;
      this.#stopHelper();
    }
  }

  /** A viewer's SDP answer. Dropped unless it answers the current helper's offer. */
  answer(id: string, sdp: string): void {
    if (this.#offered.has(id)) this.#helper?.send({ type: "answer", peer: id, sdp });
    else log.debug("Dropping stale answer from {peer}", { peer: id });
  }

  /** A viewer's ICE candidate. */
  ice(id: string, candidate: string, sdpMLineIndex: number): void {
    if (this.#offered.has(id)) {
      this.#helper?.send({ type: "ice", peer: id, candidate, sdpMLineIndex });
    }
  }

  /** Sends bytes to a viewer on one of its data channels. */
  sendData(id: string, channel: string, data: Uint8Array): void {
    if (this.#added.has(id)) {
      this.#helper?.send({ type: "send", peer: id, channel, data: data.toBase64() });
    }
  }

  /** Stops everything; the session cannot be used afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
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
      case "standby":
        this.#helper!.send(this.#options.start);
        this.#state = "starting";
        return;
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
    this.#helper?.send({ type: "peer-add", peer: id });
  }

  #spawn(): void {
    const spawn = this.#options.spawn ??
      ((onMessage) => HelperProcess.spawn({ onMessage }));
    const helper = spawn((message) => {
      if (this.#helper === helper) this.#onMessage(message);
    });
    this.#helper = helper;
    this.#state = "standby";
    this.#added = new Set();
    this.#offered = new Set();
    this.stats.spawned++;
    helper.exited.then((status) => this.#onExit(helper, status));
  }

  #stopHelper(): void {
    const helper = this.#helper;
    if (!helper || this.#state === "standby" || this.#state === "stopping") return;
    this.#state = "stopping";
    log.info("Stopping helper {pid}: no viewers", { pid: helper.pid });
    helper.stop(this.#options.stopGraceMs);
  }

  #onMessage(message: FromHelper): void {
    switch (message.type) {
      case "ready":
        this.#state = "running";
        this.#readyAt = Date.now();
        log.info("Helper {pid} is streaming", { pid: message.pid });
        for (const id of this.#viewers.keys()) this.#addPeer(id);
        return;
      case "offer": {
        const viewer = this.#viewers.get(message.peer);
        if (!viewer) return;
        this.#offered.add(message.peer);
        viewer.send({ type: "offer", sdp: message.sdp });
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
      case "peer-state":
        log.debug("Peer {peer} is {state}", { peer: message.peer, state: message.state });
        return;
      case "channel-open":
        log.debug("Peer {peer} opened channel {channel}", message);
        return;
      case "error": {
        const fields = { message: message.message, peer: message.peer ?? "-" };
        if (message.fatal) log.error("Helper failed: {message}", fields);
        else log.warn("Helper error for {peer}: {message}", fields);
        const targets = message.peer === undefined
          ? [...this.#viewers.values()]
          : [this.#viewers.get(message.peer)].filter((v) => v !== undefined);
        for (const v of targets) v.send({ type: "error", code: "media", message: message.message });
        return;
      }
    }
  }

  #onExit(helper: HelperProcess, status: HelperExitStatus): void {
    if (this.#helper !== helper) return;
    const expected = this.#state === "stopping";
    const wasStandby = this.#state === "standby";
    this.#helper = undefined;
    this.#added = new Set();
    this.#offered = new Set();
    this.#state = "standby";
    const how = status.signal ? `signal ${status.signal}` : `code ${status.code}`;
    if (this.#closed) return;
    if (expected) {
      log.info("Helper {pid} stopped ({how})", { pid: helper.pid, how });
    } else {
      this.stats.crashes++;
      log.error("Helper {pid} exited with {how}", { pid: helper.pid, how });
    }
    const backoff = this.#options.backoff ?? {};
    const initial = backoff.initialMs ?? 250;
    if (!expected) {
      const ranStable = !wasStandby &&
        this.#readyAt > 0 && Date.now() - this.#readyAt >= (backoff.stableMs ?? 10_000);
      this.#delayMs = ranStable ? initial : this.#delayMs;
    }
    const delay = expected ? 0 : this.#delayMs;
    if (!expected) this.#delayMs = Math.min(this.#delayMs * 2, backoff.maxMs ?? 8000);
    this.#readyAt = 0;
    for (const viewer of this.#viewers.values()) {
      viewer.send({
        type: "status",
        state: "restarting",
        retryInMs: delay,
        message: `helper exited with ${how}`,
      });
    }
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (this.#closed) return;
      if (this.#viewers.size > 0) {
        for (const viewer of this.#viewers.values()) {
          viewer.send({ type: "status", state: "starting" });
        }
        this.#ensureRunning();
      } else if (this.#options.standby ?? true) {
        this.#spawn();
      }
    }, delay);
  }
}

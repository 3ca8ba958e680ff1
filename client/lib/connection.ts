/**
 * The browser's side of a session: the signalling WebSocket (reconnected with
 * backoff), one `RTCPeerConnection` per server offer, low-latency receiver
 * settings, and the input data channel. When the network changes or ICE
 * fails, it asks the server for an ICE restart (a new offer on the same
 * connection, no new page); renewed STUN/TURN servers are applied at once.
 *
 * @module
 */

import { INPUT_CHANNEL_LABEL } from "../../lib/protocol/input.ts";
import { signallingProtocols } from "../../lib/protocol/page_token.ts";
import {
  type ClientMessage,
  type IceServer,
  parseServerMessage,
  type ServerMessage,
  SIGNALLING_PROTOCOL,
} from "../../lib/protocol/signalling.ts";
import type { LiveSettingsChange } from "../../lib/protocol/live_settings.ts";
import type { ClientStats } from "../../lib/protocol/stats.ts";
import type { DesktopClientMessage } from "../../lib/protocol/desktop.ts";
import type { Encoder } from "../../lib/protocol/encoders.ts";
import { browserCodecs, streamErrorText } from "./codecs.ts";
import type { FailureReason } from "./connection_state.ts";
import {
  type ConnectionOptions,
  ICE_DISCONNECTED_MS,
  ICE_RESTART_GIVE_UP_MS,
  ICE_ROUTE_TIMEOUT_MS,
} from "./connection_options.ts";
import { afterTokenFailure, fetchPageToken, PageTokenError, pageTokenUrl } from "./page_token.ts";
import { lowLatency, networkInformation, usesRelay, watchIceRoute } from "./peer_tuning.ts";

export type { ConnectionState, FailureReason, Phase } from "./connection_state.ts";
export type { ConnectionOptions } from "./connection_options.ts";
export { pageTokenUrl, signallingUrl } from "./page_token.ts";

/** Keeps a viewer connected: signalling, peer connection, reconnects. */
export class Connection {
  readonly #options: ConnectionOptions;
  #socket: WebSocket | undefined;
  #pc: RTCPeerConnection | undefined;
  #iceServers: IceServer[] = [];
  #delayMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  /** Remote candidates that arrived before the offer was applied. */
  #pendingIce: RTCIceCandidateInit[] = [];
  #remoteSet = false;
  #disconnectedTimer: ReturnType<typeof setTimeout> | undefined;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  /** A network change (`online`, Network Information `change`): the current ICE pair may be gone. */
  readonly #onNetworkChange = () => this.#requestIceRestart();
  /** Why the server is about to close the socket (`full`, `too-big`), shown while reconnecting. */
  #refusal: { detail: string; reason: FailureReason } | undefined;
  /** TURN relays only; the menu and the connection screen may change it. */
  #relay: boolean;
  /** Counts attempts, so a token that arrives after stop() or a newer attempt is dropped. */
  #attempt = 0;
  /** The encoder the server streams to this tab (its `encoder` message). */
  #encoder: Encoder | undefined;
  /** ICE failed on the current peer connection and has not come back yet. */
  #iceFailed = false;
  /** Stops watching the current peer connection for a missing route. */
  #unwatchRoute: (() => void) | undefined;

  constructor(options: ConnectionOptions) {
    this.#options = options;
    this.#delayMs = options.backoff?.initialMs ?? 500;
    this.#relay = options.relay ?? false;
  }

  /** Opens the WebSocket; reconnects on its own until {@linkcode stop}. */
  start(): void {
    this.#stopped = false;
    globalThis.addEventListener("online", this.#onNetworkChange);
    networkInformation()?.addEventListener("change", this.#onNetworkChange);
    this.#open();
  }

  /** The current peer connection, if any (for statistics). */
  get peerConnection(): RTCPeerConnection | undefined {
    return this.#pc;
  }

  /** Asks the server for another encoder; a new offer follows (no reload). */
  requestEncoder(encoder: Encoder): void {
    this.#send({ type: "encoder", encoder });
  }

  /** Sends the browser's statistics to the server (dropped while disconnected). */
  reportStats(stats: ClientStats): void {
    this.#send({ type: "stats", stats });
  }

  /** Sends a desktop message (resize, clipboard, pointer lock); dropped while disconnected. */
  sendDesktop(message: DesktopClientMessage): void {
    this.#send(message);
  }

  /** "Take control": asks the server to hand control to this viewer. */
  requestControl(): void {
    this.#send({ type: "control-request" });
  }

  /** Gives control up. */
  releaseControl(): void {
    this.#send({ type: "control-release" });
  }

  /** Changes the display name other viewers see. */
  rename(name: string): void {
    this.#send({ type: "name", name });
  }

  /** Asks the server to change live settings (dropped while disconnected). */
  sendSettings(change: LiveSettingsChange): void {
    this.#send({ type: "settings", ...change });
  }

  /** Whether only TURN relays are used. */
  get relay(): boolean {
    return this.#relay;
  }

  /** Uses TURN relays only, or not, from a fresh connection (no page reload). */
  setRelay(on: boolean): void {
    this.#relay = on;
    this.reconnect();
  }

  /** Drops the current connection and connects again at once (the "Reconnect" button). */
  reconnect(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#closePeer();
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close();
    this.#refusal = undefined;
    this.#delayMs = this.#options.backoff?.initialMs ?? 500;
    this.#open();
  }

  /** Closes everything and stops reconnecting. */
  stop(): void {
    this.#stopped = true;
    globalThis.removeEventListener("online", this.#onNetworkChange);
    networkInformation()?.removeEventListener("change", this.#onNetworkChange);
    this.#attempt++;
    clearTimeout(this.#timer);
    this.#closePeer();
    this.#socket?.close();
    this.#socket = undefined;
  }

  #open(): void {
    this.#options.onState({ phase: "connecting" });
    const attempt = ++this.#attempt;
    const current = () => !this.#stopped && attempt === this.#attempt;
    // A fresh token per attempt: the server refuses the socket without one.
    fetchPageToken(this.#options.tokenUrl ?? pageTokenUrl(this.#options.url)).then(
      (token) => current() && this.#connect(token),
      (error) => current() && this.#tokenRefused(error),
    );
  }

  /** The page token did not come: a refused login waits for the user; the rest retries. */
  #tokenRefused(error: unknown): void {
    const next = afterTokenFailure(error instanceof PageTokenError ? error : undefined);
    if ("stop" in next) return this.#options.onState({ phase: "error", reason: next.stop });
    if (next.waitMs !== undefined) this.#delayMs = next.waitMs;
    this.#scheduleReconnect(next.retry);
  }

  #connect(token: string): void {
    const socket = new WebSocket(this.#options.url, signallingProtocols(token));
    this.#socket = socket;
    // What this browser decodes: the server picks a codec it can play.
    const codecs = browserCodecs();
    let opened = false;
    socket.onopen = () => {
      opened = true;
      const name = this.#options.name?.();
      this.#send({
        type: "hello",
        protocol: SIGNALLING_PROTOCOL,
        ...(name ? { name } : {}),
        ...(codecs ? { codecs } : {}),
      });
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== "string") return;
      let message: ServerMessage;
      try {
        message = parseServerMessage(event.data);
      } catch {
        return;
      }
      this.#onMessage(message).catch((error) => {
        // The browser's own words are for developers; the user gets a sentence.
        // deno-lint-ignore no-console
        console.warn("Skerry:", error);
        this.#options.onState({
          phase: "error",
          reason: "browser",
          detail: streamErrorText(this.#encoder),
        });
      });
    };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#closePeer();
      // The token came but the upgrade failed: the server (or a proxy) refused the socket.
      this.#scheduleReconnect(opened ? undefined : "refused");
    };
  }

  #scheduleReconnect(reason?: FailureReason): void {
    if (this.#stopped) return;
    const delay = this.#delayMs;
    this.#delayMs = Math.min(delay * 2, this.#options.backoff?.maxMs ?? 8000);
    const refusal = this.#refusal;
    this.#refusal = undefined;
    const why = refusal?.reason ?? reason;
    this.#options.onState({
      phase: "reconnecting",
      retryInMs: delay,
      ...(refusal === undefined ? {} : { detail: refusal.detail }),
      ...(why === undefined ? {} : { reason: why }),
    });
    this.#timer = setTimeout(() => this.#open(), delay);
  }

  /** Drops the signalling connection; the server frees the viewer and we reconnect. */
  #restart(): void {
    this.#socket?.close();
  }

  #send(message: ClientMessage): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  async #onMessage(message: ServerMessage): Promise<void> {
    switch (message.type) {
      case "welcome":
        this.#iceServers = message.iceServers;
        this.#delayMs = this.#options.backoff?.initialMs ?? 500;
        return;
      case "status":
        if (message.state === "streaming") return; // "live" comes from the video itself
        this.#options.onState({
          phase: message.state === "failed" ? "error" : message.state,
          ...(message.message ? { detail: message.message } : {}),
          ...(message.retryInMs !== undefined ? { retryInMs: message.retryInMs } : {}),
        });
        if (message.state === "restarting") this.#closePeer();
        return;
      case "offer":
        if (message.iceRestart && this.#pc && this.#remoteSet) {
          return await this.#answerRestart(this.#pc, message.sdp);
        }
        return await this.#answer(message.sdp);
      case "ice-servers":
        return await this.#renewIceServers(message.iceServers);
      case "control":
        this.#options.onControl?.({ you: message.you, controller: message.controller });
        return;
      case "settings":
        return this.#options.onSettings?.(message);
      case "encoder":
        this.#encoder = message.encoder;
        this.#options.onEncoder?.(message.encoder, message.encoders);
        return;
      case "ice": {
        const candidate = { candidate: message.candidate, sdpMLineIndex: message.sdpMLineIndex };
        if (!this.#pc || !this.#remoteSet) this.#pendingIce.push(candidate);
        else await this.#pc.addIceCandidate(candidate).catch(() => {});
        return;
      }
      case "error":
        if (message.code === "media" || message.code === "no-codec") {
          this.#options.onState({ phase: "error", code: message.code, detail: message.message });
        } else if (message.code === "full" || message.code === "too-big") {
          // The server closes the socket next; say why while waiting to retry.
          this.#refusal = { detail: message.message, reason: message.code };
          // A full server frees a seat only when someone leaves: do not knock often.
          if (message.code === "full") this.#delayMs = this.#options.backoff?.maxMs ?? 8000;
        }
        return;
      default:
        this.#options.onDesktop?.(message);
        return;
    }
  }

  async #answer(sdp: string): Promise<void> {
    // A new offer means a new helper or a new branch: always a fresh peer connection.
    this.#closePeer();
    const pc = new RTCPeerConnection(this.#configuration());
    this.#pc = pc;
    this.#remoteSet = false;
    this.#unwatchRoute = watchIceRoute(pc, {
      timeoutMs: ICE_ROUTE_TIMEOUT_MS,
      onNoRoute: () => this.#noRoute(pc),
    });
    pc.ontrack = (event) => {
      lowLatency(event.receiver);
      if (this.#options.sound?.track(event)) return;
      const video = this.#options.video;
      video.srcObject = event.streams[0] ?? new MediaStream([event.track]);
      video.play().catch(() => {});
    };
    pc.onicecandidate = (event) => {
      if (event.candidate?.candidate) {
        this.#send({
          type: "ice",
          candidate: event.candidate.candidate,
          sdpMLineIndex: event.candidate.sdpMLineIndex ?? 0,
        });
      }
    };
    pc.ondatachannel = (event) => {
      const channel = event.channel;
      if (channel.label !== INPUT_CHANNEL_LABEL) return;
      channel.binaryType = "arraybuffer";
      channel.onopen = () => this.#pc === pc && this.#options.onInputChannel(channel);
      channel.onclose = () => this.#pc === pc && this.#options.onInputChannel(null);
    };
    pc.onconnectionstatechange = () => {
      // Failed with ICE still up: DTLS failed, which an ICE restart cannot mend.
      const ice = pc.iceConnectionState;
      if (this.#pc === pc && pc.connectionState === "failed" && /connected|completed/.test(ice)) {
        this.#restart();
      }
    };
    pc.oniceconnectionstatechange = () => {
      if (this.#pc !== pc) return;
      clearTimeout(this.#disconnectedTimer);
      const state = pc.iceConnectionState;
      if (state === "connected" || state === "completed") {
        clearTimeout(this.#restartTimer);
        this.#restartTimer = undefined;
        if (this.#iceFailed) {
          // Back after a failure: frames flow again on the same video element.
          this.#iceFailed = false;
          const video = this.#options.video;
          this.#options.onState({ phase: video.videoWidth > 0 ? "live" : "starting" });
        }
      } else if (state === "failed") {
        this.#noRoute(pc);
        this.#requestIceRestart();
      } else if (state === "disconnected") {
        // Often a moment's loss that ICE recovers from by itself; a restart if it lasts.
        this.#disconnectedTimer = setTimeout(
          () => this.#requestIceRestart(),
          ICE_DISCONNECTED_MS,
        );
      }
    };
    await pc.setRemoteDescription({ type: "offer", sdp });
    this.#remoteSet = true;
    this.#options.sound?.prepare(pc, sdp);
    for (const candidate of this.#pendingIce.splice(0)) {
      await pc.addIceCandidate(candidate).catch(() => {});
    }
    await this.#sendAnswer(pc, sdp);
  }

  /** Creates, sets and sends the answer to `offer` (with the audio's SDP tweaks). */
  async #sendAnswer(pc: RTCPeerConnection, offer: string): Promise<void> {
    const created = await pc.createAnswer();
    const sdp = this.#options.sound?.answer(offer, created.sdp ?? "") ?? created.sdp ?? "";
    await pc.setLocalDescription({ type: "answer", sdp });
    this.#send({ type: "answer", sdp });
  }

  /** No path for the media: say so (the screen offers the relay) while ICE goes on trying. */
  #noRoute(pc: RTCPeerConnection): void {
    if (this.#pc !== pc) return;
    this.#iceFailed = true;
    this.#options.onState({ phase: "reconnecting", reason: "ice-failed" });
  }

  /** Answers an ICE-restart offer on the current connection (new credentials, same media). */
  async #answerRestart(pc: RTCPeerConnection, sdp: string): Promise<void> {
    // Candidates of the new ICE generation wait until the offer is applied.
    this.#remoteSet = false;
    await pc.setRemoteDescription({ type: "offer", sdp });
    if (this.#pc !== pc) return;
    this.#remoteSet = true;
    for (const candidate of this.#pendingIce.splice(0)) {
      await pc.addIceCandidate(candidate).catch(() => {});
    }
    await this.#sendAnswer(pc, sdp);
  }

  /**
   * Asks the server for an ICE restart; if the connection is not back
   * within {@linkcode ICE_RESTART_GIVE_UP_MS}, starts the session again.
   */
  #requestIceRestart(): void {
    const pc = this.#pc;
    if (!pc || !this.#remoteSet) return;
    this.#send({ type: "ice-restart" });
    if (this.#restartTimer !== undefined) return;
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      const state = pc.iceConnectionState;
      if (this.#pc === pc && state !== "connected" && state !== "completed") this.#restart();
    }, ICE_RESTART_GIVE_UP_MS);
  }

  /**
   * Applies renewed STUN/TURN servers. A connection through a relay keeps
   * using the old credentials until ICE gathers again, so it restarts ICE.
   */
  async #renewIceServers(iceServers: IceServer[]): Promise<void> {
    this.#iceServers = iceServers;
    const pc = this.#pc;
    if (!pc) return;
    pc.setConfiguration(this.#configuration());
    if (this.#relay || await usesRelay(pc)) this.#requestIceRestart();
  }

  #configuration(): RTCConfiguration {
    return {
      iceServers: this.#iceServers as RTCIceServer[],
      ...(this.#relay ? { iceTransportPolicy: "relay" as const } : {}),
    };
  }

  #closePeer(): void {
    clearTimeout(this.#disconnectedTimer);
    clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    const pc = this.#pc;
    this.#pc = undefined;
    this.#remoteSet = false;
    this.#iceFailed = false;
    this.#unwatchRoute?.();
    this.#unwatchRoute = undefined;
    this.#pendingIce = [];
    if (!pc) return;
    this.#options.onInputChannel(null);
    pc.close();
  }
}

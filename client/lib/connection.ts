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
import {
  PAGE_TOKEN_PATH,
  type PageTokenResponse,
  signallingProtocols,
} from "../../lib/protocol/page_token.ts";
import {
  type ClientMessage,
  type IceServer,
  parseServerMessage,
  type ServerMessage,
  SIGNALLING_PROTOCOL,
} from "../../lib/protocol/signalling.ts";
import type { LiveSettingsChange } from "../../lib/protocol/live_settings.ts";
import type { ClientStats } from "../../lib/protocol/stats.ts";
import type { DesktopClientMessage, DesktopServerMessage } from "../../lib/protocol/desktop.ts";
import type { ControlView } from "../../lib/protocol/control.ts";
import type { Encoder } from "../../lib/protocol/encoders.ts";
import { browserCodecs, streamErrorText } from "./codecs.ts";

/** What the status line shows. */
export type Phase =
  | "connecting"
  | "starting"
  | "live"
  | "restarting"
  | "reconnecting"
  | "error";

/** The connection's state for the UI. */
export interface ConnectionState {
  phase: Phase;
  /** Extra text, e.g. the server's error message. */
  detail?: string;
  /** When the next attempt happens, in ms from now. */
  retryInMs?: number;
}

/** Options of {@linkcode Connection}. */
export interface ConnectionOptions {
  /** WebSocket URL of the signalling endpoint. */
  url: string;
  /** Where the page token comes from. Default: `ws-token` beside `url`, over http(s). */
  tokenUrl?: string;
  /** Element that plays the stream. */
  video: HTMLVideoElement;
  /** Called on every state change. */
  onState(state: ConnectionState): void;
  /** Called when the input channel opens (a channel) or goes away (null). */
  onInputChannel(channel: RTCDataChannel | null): void;
  /** Reconnect delays in ms: first, and cap. Default 500 and 8000. */
  backoff?: { initialMs: number; maxMs: number };
  /** Receives the desktop messages (resize, clipboard, cursor, notices). Default: dropped. */
  onDesktop?(message: DesktopServerMessage): void;
  /** Use TURN relays only (`iceTransportPolicy: "relay"`), as selkies' "Force relay connection". */
  relay?: boolean;
  /** The display name other viewers see while this one controls (sent in `hello`). Default none. */
  name?: () => string;
  /** Called with this viewer's role and who controls, on joining and on every change. */
  onControl?(view: ControlView): void;
  /** Called with the stream's live settings whenever the server says them. */
  onSettings?(settings: Extract<ServerMessage, { type: "settings" }>): void;
  /** Called with the encoder the server chose for this tab and the ones it may switch to. */
  onEncoder?(encoder: Encoder, encoders: Encoder[]): void;
}

/** How long ICE may stay `disconnected` before a restart is asked for, in ms. */
const ICE_DISCONNECTED_MS = 2000;
/** How long an ICE restart may take before the whole session is started again, in ms. */
const ICE_RESTART_GIVE_UP_MS = 15_000;

/** Builds the signalling URL from the page's location (works under a sub-path and behind TLS). */
export function signallingUrl(
  location: { protocol: string; host: string; pathname: string },
): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const base = location.pathname.replace(/[^/]*$/, "");
  return `${scheme}//${location.host}${base}ws`;
}

/** The page-token URL beside a signalling URL: `wss://h/desk/ws` gives `https://h/desk/ws-token`. */
export function pageTokenUrl(signalling: string): string {
  const url = new URL(PAGE_TOKEN_PATH, signalling);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  return url.href;
}

/** Fetches a fresh page token (same origin: the browser sends its cached credentials). */
async function fetchPageToken(url: string): Promise<string> {
  const res = await fetch(url, { cache: "no-store", credentials: "same-origin" });
  if (!res.ok) throw new Error(`${PAGE_TOKEN_PATH}: HTTP ${res.status}`);
  const body = await res.json() as Partial<PageTokenResponse>;
  if (typeof body.token !== "string") throw new Error(`${PAGE_TOKEN_PATH}: no token`);
  return body.token;
}

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
  #refusal: string | undefined;
  /** Counts attempts, so a token that arrives after stop() or a newer attempt is dropped. */
  #attempt = 0;
  /** The encoder the server streams to this tab (its `encoder` message). */
  #encoder: Encoder | undefined;

  constructor(options: ConnectionOptions) {
    this.#options = options;
    this.#delayMs = options.backoff?.initialMs ?? 500;
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
      () => current() && this.#scheduleReconnect(),
    );
  }

  #connect(token: string): void {
    const socket = new WebSocket(this.#options.url, signallingProtocols(token));
    this.#socket = socket;
    // What this browser decodes: the server picks a codec it can play.
    const codecs = browserCodecs();
    socket.onopen = () => {
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
        this.#options.onState({ phase: "error", detail: streamErrorText(this.#encoder) });
      });
    };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#closePeer();
      this.#scheduleReconnect();
    };
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    const delay = this.#delayMs;
    this.#delayMs = Math.min(delay * 2, this.#options.backoff?.maxMs ?? 8000);
    const detail = this.#refusal;
    this.#refusal = undefined;
    this.#options.onState({
      phase: "reconnecting",
      retryInMs: delay,
      ...(detail === undefined ? {} : { detail }),
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
          this.#options.onState({ phase: "error", detail: message.message });
        } else if (message.code === "full" || message.code === "too-big") {
          // The server closes the socket next; say why while waiting to retry.
          this.#refusal = message.message;
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
    pc.ontrack = (event) => {
      lowLatency(event.receiver);
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
      } else if (state === "failed") {
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
    for (const candidate of this.#pendingIce.splice(0)) {
      await pc.addIceCandidate(candidate).catch(() => {});
    }
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    this.#send({ type: "answer", sdp: answer.sdp ?? "" });
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
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    this.#send({ type: "answer", sdp: answer.sdp ?? "" });
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
    if (this.#options.relay || await usesRelay(pc)) this.#requestIceRestart();
  }

  #configuration(): RTCConfiguration {
    return {
      iceServers: this.#iceServers as RTCIceServer[],
      ...(this.#options.relay ? { iceTransportPolicy: "relay" as const } : {}),
    };
  }

  #closePeer(): void {
    clearTimeout(this.#disconnectedTimer);
    clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    const pc = this.#pc;
    this.#pc = undefined;
    this.#remoteSet = false;
    this.#pendingIce = [];
    if (!pc) return;
    this.#options.onInputChannel(null);
    pc.close();
  }
}

/**
 * Asks the browser to play frames as soon as they are decoded.
 * `jitterBufferTarget` (Chromium 114+, Firefox 130+) is the standard knob;
 * `playoutDelayHint` is its older Chromium name.
 */
function lowLatency(receiver: RTCRtpReceiver): void {
  const r = receiver as RTCRtpReceiver & { jitterBufferTarget?: number; playoutDelayHint?: number };
  try {
    if ("jitterBufferTarget" in r) r.jitterBufferTarget = 0;
    if ("playoutDelayHint" in r) r.playoutDelayHint = 0;
  } catch {
    // Older browsers throw on unknown values; the defaults still work.
  }
}

/** Whether the connection's selected candidate pair goes through a TURN relay here. */
async function usesRelay(pc: RTCPeerConnection): Promise<boolean> {
  const stats = await pc.getStats();
  let relay = false;
  stats.forEach((s: { type: string; selectedCandidatePairId?: string }) => {
    if (s.type !== "transport" || !s.selectedCandidatePairId) return;
    const pair = stats.get(s.selectedCandidatePairId) as { localCandidateId?: string } | undefined;
    const local = pair?.localCandidateId ? stats.get(pair.localCandidateId) : undefined;
    if ((local as { candidateType?: string } | undefined)?.candidateType === "relay") relay = true;
  });
  return relay;
}

/** The Network Information API (Chromium), whose `change` event says the network changed. */
function networkInformation(): EventTarget | undefined {
  return (navigator as Navigator & { connection?: EventTarget }).connection;
}

/**
 * One browser's signalling connection: the `hello`/`welcome` handshake,
 * routing answers and candidates to the media session, and turning bad
 * frames into `error` replies without closing anything.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { IceServerSource, Session, Viewer } from "./session.ts";
import {
  type ClientMessage,
  parseClientMessage,
  type ServerMessage,
  SIGNALLING_PROTOCOL,
} from "./protocol/signalling.ts";

const log = getLogger(["skerry", "signalling"]);

/** Receives a viewer's data-channel bytes, e.g. the input handler. */
export interface ChannelSink {
  /** Bytes from data channel `channel`. */
  data(channel: string, bytes: Uint8Array): void;
  /** The viewer left: release whatever it holds. */
  close(): void;
}

/** Options of {@linkcode ViewerConnection}. */
export interface ViewerConnectionOptions {
  /** The shared media session. */
  session: Session;
  /** Server version, sent in `welcome`. */
  version: string;
  /** Writes one text frame to the socket. */
  sendText(text: string): void;
  /** Closes the socket. */
  close(code: number, reason: string): void;
  /** Makes the sink for this viewer's data channels. Default: drop everything. */
  channels?: (peer: string) => ChannelSink;
  /** How long a socket may stay silent before `hello`, in ms. Default 10000. */
  helloTimeoutMs?: number;
  /** STUN/TURN servers for the browser, sent in `welcome` and again (`ice-servers`) when renewed. */
  iceServers?: IceServerSource;
}

/** Shortest time between two ICE restarts a viewer may ask for, in ms. */
const ICE_RESTART_MIN_MS = 1000;

let nextPeer = 1;

/** The server side of one `/ws` socket. Feed it frames; call `closed()` when it closes. */
export class ViewerConnection {
  readonly #options: ViewerConnectionOptions;
  readonly peer = `p${nextPeer++}`;
  #joined = false;
  #closed = false;
  #channels: ChannelSink | undefined;
  #helloTimer: ReturnType<typeof setTimeout> | undefined;
  #unsubscribe: (() => void) | undefined;
  #lastRestartMs = -Infinity;
  /** Frames rejected as malformed, for tests and metrics. */
  rejected = 0;

  constructor(options: ViewerConnectionOptions) {
    this.#options = options;
    this.#helloTimer = setTimeout(() => {
      this.#send({ type: "error", code: "protocol", message: "No hello within the time limit" });
      options.close(1008, "no hello");
    }, options.helloTimeoutMs ?? 10_000);
  }

  /** Handles one frame from the browser. */
  message(data: string | ArrayBuffer | Blob | Uint8Array): void {
    if (this.#closed) return;
    if (typeof data !== "string") {
      this.#reject("Cannot parse message: binary frames are not accepted");
      return;
    }
    let message: ClientMessage;
    try {
      message = parseClientMessage(data);
    } catch (error) {
      this.#reject((error as Error).message);
      return;
    }
    if (message.type === "hello") return this.#hello(message.protocol);
    if (!this.#joined) {
      this.#send({
        type: "error",
        code: "protocol",
        message: `Send "hello" before "${message.type}"`,
      });
      return;
    }
    const session = this.#options.session;
    if (message.type === "answer") session.answer(this.peer, message.sdp);
    else if (message.type === "ice") {
      session.ice(this.peer, message.candidate, message.sdpMLineIndex);
    } else if (Date.now() - this.#lastRestartMs >= ICE_RESTART_MIN_MS) {
      // Each restart costs the helper a new offer: one per second at most.
      this.#lastRestartMs = Date.now();
      session.iceRestart(this.peer);
    }
  }

  /** The socket closed: leave the session and release input. */
  closed(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#helloTimer);
    this.#unsubscribe?.();
    if (this.#joined) this.#options.session.leave(this.peer);
    this.#channels?.close();
  }

  #hello(protocol: number): void {
    if (this.#joined) {
      this.#send({ type: "error", code: "protocol", message: "Already said hello" });
      return;
    }
    if (protocol !== SIGNALLING_PROTOCOL) {
      this.#send({
        type: "error",
        code: "protocol",
        message: `Unsupported protocol ${protocol}: this server speaks ${SIGNALLING_PROTOCOL}`,
      });
      return;
    }
    clearTimeout(this.#helloTimer);
    this.#joined = true;
    this.#channels = this.#options.channels?.(this.peer);
    this.#send({
      type: "welcome",
      protocol: SIGNALLING_PROTOCOL,
      peer: this.peer,
      version: this.#options.version,
      iceServers: this.#options.iceServers?.current.iceServers ?? [],
    });
    this.#unsubscribe = this.#options.iceServers?.subscribe((config) => {
      this.#send({ type: "ice-servers", iceServers: config.iceServers });
    });
    const viewer: Viewer = {
      id: this.peer,
      send: (m) => this.#send(m),
      onData: (channel, bytes) => this.#channels?.data(channel, bytes),
    };
    this.#options.session.join(viewer);
  }

  #reject(reason: string): void {
    this.rejected++;
    log.debug("Rejected a frame from {peer}: {reason}", { peer: this.peer, reason });
    this.#send({ type: "error", code: "bad-message", message: reason });
  }

  #send(message: ServerMessage): void {
    if (this.#closed) return;
    try {
      this.#options.sendText(JSON.stringify(message));
    } catch (error) {
      log.debug("Cannot send to {peer}: {error}", { peer: this.peer, error });
    }
  }
}

/**
 * One browser's signalling connection: the `hello`/`welcome` handshake,
 * routing answers and candidates to the media session, and turning bad
 * frames into `error` replies without closing anything.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { ViewerMonitor } from "./metrics/viewer_monitor.ts";
import type { Session, Viewer } from "./session.ts";
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
  /** Receives the browser's `stats` (at most one per {@linkcode MIN_STATS_INTERVAL_MS}). */
  monitor?: Pick<ViewerMonitor, "clientStats">;
}

/** Shortest time between two `stats` a browser may send, in ms; quicker ones are dropped. */
export const MIN_STATS_INTERVAL_MS = 500;

let nextPeer = 1;

/** The server side of one `/ws` socket. Feed it frames; call `closed()` when it closes. */
export class ViewerConnection {
  readonly #options: ViewerConnectionOptions;
  readonly peer = `p${nextPeer++}`;
  #joined = false;
  #closed = false;
  #channels: ChannelSink | undefined;
  #helloTimer: ReturnType<typeof setTimeout> | undefined;
  #lastStats = -Infinity;
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
    } else {
      const now = Date.now();
      if (now - this.#lastStats < MIN_STATS_INTERVAL_MS) return;
      this.#lastStats = now;
      this.#options.monitor?.clientStats(this.peer, message.stats);
    }
  }

  /** The socket closed: leave the session and release input. */
  closed(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#helloTimer);
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
      // Host candidates only until STUN/TURN servers come from the config.
      iceServers: [],
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

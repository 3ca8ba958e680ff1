/**
 * One browser's signalling connection: the `hello`/`welcome` handshake,
 * routing answers and candidates to the media session, and turning bad
 * frames into `error` replies without closing anything.
 *
 * Limits (docs/PROTOCOL.md, "Limits"): a frame over
 * {@linkcode MAX_SIGNALLING_MESSAGE} closes the socket (1009); frames over
 * the rate limit are dropped and counted, with one `rate-limited` reply a
 * second at most, and a connection that keeps flooding is closed (1008); a
 * viewer over the session's limit gets `full` and the socket closes (1013).
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { DesktopHooks } from "./desktop/desktop_hub.ts";
import { isDesktopClientMessage } from "./protocol/desktop.ts";
import type { ViewerMonitor } from "./metrics/viewer_monitor.ts";
import type { IceServerSource, Session, Viewer } from "./session.ts";
import {
  type ClientMessage,
  CloseCode,
  MAX_SIGNALLING_MESSAGE,
  parseClientMessage,
  type ServerMessage,
  SIGNALLING_LIMITS,
  SIGNALLING_PROTOCOL,
} from "./protocol/signalling.ts";
import type { Role } from "./protocol/control.ts";
import type { Control } from "./roles/control.ts";
import { Throttle } from "./throttle.ts";
import { TokenBucket } from "./token_bucket.ts";

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
  /**
   * Bytes written to the socket and not yet sent (the browser is not
   * reading). Default: always 0.
   */
  unsent?: () => number;
  /** Makes the sink for this viewer's data channels. Default: drop everything. */
  channels?: (peer: string) => ChannelSink;
  /** How long a socket may stay silent before `hello`, in ms. Default 10000. */
  helloTimeoutMs?: number;
  /** STUN/TURN servers for the browser, sent in `welcome` and again (`ice-servers`) when renewed. */
  iceServers?: IceServerSource;
  /** Receives the browser's `stats` (at most one per {@linkcode MIN_STATS_INTERVAL_MS}). */
  monitor?: Pick<ViewerMonitor, "clientStats">;
  /** Resize, clipboard, cursor and pointer-lock messages of this viewer. Default: dropped. */
  desktop?: DesktopHooks;
  /** What this viewer's login may do (lib/login_guard.ts). Default `full`. */
  role?: Role;
  /** Who controls the desktop; default none (no `control` messages, requests ignored). */
  control?: Pick<Control, "join" | "leave" | "take" | "release" | "rename">;
}

/** Shortest time between two `stats` a browser may send, in ms; quicker ones are dropped. */
export const MIN_STATS_INTERVAL_MS = 500;
/**
 * Most bytes the server lets wait for a browser that does not read its
 * socket, before closing it: every reply is small (the largest, an offer, is
 * a few KB), so 1 MiB unread means the browser is gone or hostile.
 */
export const MAX_UNSENT_BYTES = 1 << 20;

/** Counters of one connection: `received = accepted + rejected + limited + tooBig + ignored`. */
export interface SignallingStats {
  /** Frames received. */
  received: number;
  /** Frames parsed and acted on. */
  accepted: number;
  /** Frames rejected as malformed (answered with `bad-message` or `protocol`). */
  rejected: number;
  /** Frames dropped over the rate limit. */
  limited: number;
  /** Frames over {@linkcode MAX_SIGNALLING_MESSAGE} (the first one closes the socket). */
  tooBig: number;
  /** Frames that arrived after the server closed the socket. */
  ignored: number;
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
  /** The server closed the socket: later frames are counted and ignored. */
  #closing = false;
  #channels: ChannelSink | undefined;
  #helloTimer: ReturnType<typeof setTimeout> | undefined;
  #unsubscribe: (() => void) | undefined;
  #lastRestartMs = -Infinity;
  #lastStats = -Infinity;
  readonly #rate: TokenBucket;
  /** Frames over the rate limit tolerated before the connection is closed. */
  readonly #abuse: TokenBucket;
  readonly #limitReply = new Throttle(SIGNALLING_LIMITS.errorIntervalMs);
  readonly #rejectLog = new Throttle(1000);
  /** Counters, for tests and metrics. */
  readonly stats: SignallingStats = {
    received: 0,
    accepted: 0,
    rejected: 0,
    limited: 0,
    tooBig: 0,
    ignored: 0,
  };

  constructor(options: ViewerConnectionOptions) {
    this.#options = options;
    const now = Date.now();
    const limits = SIGNALLING_LIMITS;
    this.#rate = new TokenBucket(
      { ratePerSecond: limits.ratePerSecond, capacity: limits.burst },
      now,
    );
    this.#abuse = new TokenBucket(
      { ratePerSecond: limits.abusePerSecond, capacity: limits.abuseBurst },
      now,
    );
    this.#helloTimer = setTimeout(() => {
      this.#send({ type: "error", code: "protocol", message: "No hello within the time limit" });
      this.#close(CloseCode.PolicyViolation, "no hello");
    }, options.helloTimeoutMs ?? 10_000);
  }

  /** Handles one frame from the browser. */
  message(data: string | ArrayBuffer | Blob | Uint8Array): void {
    if (this.#closed) return;
    this.stats.received++;
    if (this.#closing) return void this.stats.ignored++;
    const size = typeof data === "string"
      ? data.length
      : data instanceof Blob
      ? data.size
      : data.byteLength;
    if (size > MAX_SIGNALLING_MESSAGE) return this.#tooBig(size);
    const now = Date.now();
    if (!this.#rate.take(now)) return this.#limited(now);
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
    if (message.type === "hello") return this.#hello(message);
    if (!this.#joined) {
      this.stats.rejected++;
      this.#send({
        type: "error",
        code: "protocol",
        message: `Send "hello" before "${message.type}"`,
      });
      return;
    }
    this.stats.accepted++;
    const session = this.#options.session;
    if (message.type === "answer") session.answer(this.peer, message.sdp);
    else if (message.type === "ice") {
      session.ice(this.peer, message.candidate, message.sdpMLineIndex);
    } else if (message.type === "encoder") {
      session.setEncoder?.(this.peer, message.encoder);
    } else if (message.type === "ice-restart") {
      // Each restart costs the helper a new offer: one per second at most.
      const now = Date.now();
      if (now - this.#lastRestartMs < ICE_RESTART_MIN_MS) return;
      this.#lastRestartMs = now;
      session.iceRestart(this.peer);
    } else if (message.type === "settings") {
      // The stream is shared: a view-only login may watch it, not retune it.
      if (this.#options.role === "view") {
        this.#send({
          type: "error",
          code: "forbidden",
          message: "This login is view-only: it cannot change the stream",
        });
        return;
      }
      const { type: _, ...change } = message;
      session.settings(this.peer, change);
    } else if (isDesktopClientMessage(message)) {
      this.#options.desktop?.message(this.peer, message);
    } else if (message.type === "stats") {
      const now = Date.now();
      if (now - this.#lastStats < MIN_STATS_INTERVAL_MS) return;
      this.#lastStats = now;
      this.#options.monitor?.clientStats(this.peer, message.stats);
    } else this.#control(message);
  }

  /** The socket closed: leave the session and release input. */
  closed(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#helloTimer);
    this.#unsubscribe?.();
    if (this.#joined) {
      this.#options.control?.leave(this.peer);
      this.#options.session.leave(this.peer);
      this.#options.desktop?.leave(this.peer);
    }
    this.#channels?.close();
    const stats = this.stats;
    const level = stats.rejected + stats.limited + stats.tooBig > 0 ? "info" : "debug";
    log[level](
      "Signalling from {peer}: {received} frames, {accepted} accepted, {rejected} malformed, {limited} over the rate limit, {tooBig} too big, {ignored} after closing",
      { peer: this.peer, ...stats },
    );
  }

  /** `control-request`, `control-release`, `name` (docs/PROTOCOL.md, "Roles and control"). */
  #control(
    message: Extract<ClientMessage, { type: "control-request" | "control-release" | "name" }>,
  ) {
    const control = this.#options.control;
    if (!control) return;
    if (message.type === "name") return control.rename(this.peer, message.name);
    if (message.type === "control-release") return void control.release(this.peer);
    if (control.take(this.peer) === "view-only") {
      this.#send({
        type: "error",
        code: "forbidden",
        message: "This login is view-only: it cannot take control",
      });
    }
  }

  #hello({ protocol, name, codecs }: Extract<ClientMessage, { type: "hello" }>): void {
    if (this.#joined) {
      this.stats.rejected++;
      this.#send({ type: "error", code: "protocol", message: "Already said hello" });
      return;
    }
    if (protocol !== SIGNALLING_PROTOCOL) {
      this.stats.rejected++;
      this.#send({
        type: "error",
        code: "protocol",
        message: `Unsupported protocol ${protocol}: this server speaks ${SIGNALLING_PROTOCOL}`,
      });
      return;
    }
    this.stats.accepted++;
    clearTimeout(this.#helloTimer);
    const session = this.#options.session;
    // Before welcome: a refused viewer gets no peer id and no ICE servers.
    if (session.full) return this.#full();
    this.#joined = true;
    this.#channels = this.#options.channels?.(this.peer);
    this.#send({
      type: "welcome",
      protocol: SIGNALLING_PROTOCOL,
      peer: this.peer,
      version: this.#options.version,
      iceServers: this.#options.iceServers?.current.iceServers ?? [],
    });
    const viewer: Viewer = {
      id: this.peer,
      send: (m) => this.#send(m),
      onData: (channel, bytes) => this.#channels?.data(channel, bytes),
      ...(codecs ? { codecs } : {}),
    };
    if (session.join(viewer)) {
      this.#options.desktop?.join({
        id: this.peer,
        viewOnly: this.#options.role === "view",
        send: (m) => this.#send(m),
        unsent: () => this.#options.unsent?.() ?? 0,
      });
      this.#unsubscribe = this.#options.iceServers?.subscribe((config) => {
        this.#send({ type: "ice-servers", iceServers: config.iceServers });
      });
      this.#options.control?.join(this.peer, {
        role: this.#options.role ?? "full",
        ...(name === undefined ? {} : { name }),
        notify: (view) => this.#send({ type: "control", ...view }),
      });
      return;
    }
    // Only a session shutting down refuses after saying it was not full.
    this.#joined = false;
    this.#full();
  }

  #full(): void {
    const viewers = this.#options.session.viewerCount;
    log.warn("Refusing viewer {peer}: {viewers} watching, the --max-viewers limit", {
      peer: this.peer,
      viewers,
    });
    this.#send({
      type: "error",
      code: "full",
      message: `The server is full: ${viewers} ${
        viewers === 1 ? "viewer is" : "viewers are"
      } watching`,
    });
    this.#close(CloseCode.TryAgainLater, "server full");
  }

  #reject(reason: string): void {
    this.stats.rejected++;
    if (this.#rejectLog.due(Date.now())) {
      log.debug("Rejected a frame from {peer}: {reason} ({rejected} so far)", {
        peer: this.peer,
        reason,
        rejected: this.stats.rejected,
      });
    }
    this.#send({ type: "error", code: "bad-message", message: reason });
  }

  #tooBig(size: number): void {
    this.stats.tooBig++;
    log.warn("Closing {peer}: a frame of {size} is over the limit of {max}", {
      peer: this.peer,
      size,
      max: MAX_SIGNALLING_MESSAGE,
    });
    this.#send({
      type: "error",
      code: "too-big",
      message: `Message of ${size} is over the limit of ${MAX_SIGNALLING_MESSAGE}`,
    });
    this.#close(CloseCode.TooBig, "message too big");
  }

  #limited(now: number): void {
    this.stats.limited++;
    if (!this.#abuse.take(now)) {
      log.warn("Closing {peer}: it keeps sending over the rate limit ({limited} dropped)", {
        peer: this.peer,
        limited: this.stats.limited,
      });
      this.#close(CloseCode.PolicyViolation, "too many messages");
      return;
    }
    if (!this.#limitReply.due(now)) return;
    log.info("Dropping frames from {peer} over the rate limit ({limited} so far)", {
      peer: this.peer,
      limited: this.stats.limited,
    });
    this.#send({
      type: "error",
      code: "rate-limited",
      message:
        `Over ${SIGNALLING_LIMITS.ratePerSecond} messages a second: ${this.stats.limited} dropped`,
    });
  }

  #close(code: number, reason: string): void {
    if (this.#closing || this.#closed) return;
    this.#closing = true;
    clearTimeout(this.#helloTimer);
    this.#options.close(code, reason);
  }

  #send(message: ServerMessage): void {
    if (this.#closed || this.#closing) return;
    const unsent = this.#options.unsent?.() ?? 0;
    if (unsent > MAX_UNSENT_BYTES) {
      log.warn("Closing {peer}: {unsent} bytes it has not read", { peer: this.peer, unsent });
      this.#close(CloseCode.PolicyViolation, "not reading");
      return;
    }
    try {
      this.#options.sendText(JSON.stringify(message));
    } catch (error) {
      log.debug("Cannot send to {peer}: {error}", { peer: this.peer, error });
    }
  }
}

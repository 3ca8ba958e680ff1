/**
 * What the rest of the server sees of a media session: the {@linkcode Session}
 * interface that signalling and the app depend on, a {@linkcode Viewer}, and
 * the options and counters of lib/session.ts's `MediaSession`.
 *
 * @module
 */

import type { BackoffOptions } from "./backoff.ts";
import type { SpawnHelper } from "./helper_link.ts";
import type { LiveSettingsChange } from "./protocol/live_settings.ts";
import type { SessionSettings } from "./session_settings.ts";
import type { DecodableCodec } from "./protocol/codecs.ts";
import type { Encoder } from "./protocol/encoders.ts";
import type { HelperStart } from "./protocol/helper.ts";
import type { ViewerMonitor } from "./metrics/viewer_monitor.ts";
import type { ServerMessage } from "./protocol/signalling.ts";
import type { RtcConfiguration } from "./turn/rtc_configuration.ts";
import type { ViewerEncodersOptions } from "./viewer_encoders.ts";

/** A browser tab watching the session. */
export interface Viewer {
  /** Peer id, unique in this server process. */
  readonly id: string;
  /** Sends a signalling message to the browser. */
  send(message: ServerMessage): void;
  /** Bytes arrived from the browser on data channel `channel`. */
  onData(channel: string, data: Uint8Array): void;
  /** What the browser decodes (its `hello`); undefined when it did not say. */
  readonly codecs?: readonly DecodableCodec[];
}

/** What a signalling connection needs of the media side. */
export interface Session {
  /** Number of viewers watching. */
  readonly viewerCount: number;
  /** Whether the viewer limit is reached: {@linkcode Session.join} would refuse. */
  readonly full: boolean;
  /**
   * Adds a viewer; it gets `status` now and an `offer` once media runs.
   * Returns false, adding nothing and sending nothing, when the session is full.
   */
  join(viewer: Viewer): boolean;
  /** Removes a viewer. Unknown ids are ignored. */
  leave(id: string): void;
  /** A viewer's SDP answer. */
  answer(id: string, sdp: string): void;
  /** A viewer's ICE candidate (`""`: end of candidates). */
  ice(id: string, candidate: string, sdpMLineIndex: number): void;
  /** A viewer asks for an ICE restart (its network changed): a new offer on the same connection. */
  iceRestart(id: string): void;
  /** A viewer changes live settings (bitrate, frame rate, audio) for the shared stream. */
  settings(id: string, change: LiveSettingsChange): void;
  /** A viewer asks for another encoder: its stream is rebuilt on that encoder's tier. */
  setEncoder?(id: string, encoder: Encoder): void;
}

/** The current STUN/TURN servers and their changes (an `IceServerFeed`). */
export interface IceServerSource {
  readonly current: RtcConfiguration;
  /** Calls `listener` with each new configuration; returns a function that unsubscribes. */
  subscribe(listener: (config: RtcConfiguration) => void): () => void;
}

/** Options of {@linkcode MediaSession}. */
export interface MediaSessionOptions {
  /** The pipeline description and the rest of the helper's `start` message. */
  start: HelperStart;
  /** Spawns a helper; default {@linkcode HelperProcess.spawn} with the default argv. */
  spawn?: SpawnHelper;
  /** Keep a warm helper while nobody watches. Default true. */
  standby?: boolean;
  /** Restart delays after a crash; defaults of {@linkcode Backoff}. */
  backoff?: BackoffOptions;
  /** Grace period for a helper to exit after `stop`, in ms. Default 3000. */
  stopGraceMs?: number;
  /** STUN/TURN servers for webrtcbin, renewed while helpers run. Default none. */
  iceServers?: IceServerSource;
  /** Told of viewers joining and leaving, and given the helper's statistics of each. */
  monitor?: Pick<ViewerMonitor, "viewerJoined" | "viewerLeft" | "peerStats">;
  /** Live settings (lib/session_settings.ts); absent: viewers' `settings` are ignored. */
  settings?: SessionSettings;
  /**
   * Most viewers at once (`--max-viewers`); default
   * {@linkcode DEFAULT_MAX_VIEWERS}. Each is a webrtcbin with its own
   * DTLS, SRTP and congestion control in the helper.
   */
  maxViewers?: number;
  /**
   * Per-viewer codec choice and encode tiers: `start` is then the capture
   * alone and each encoder in use is a tier. Without it, the `start`
   * pipeline's one encode serves every viewer.
   */
  encoders?: ViewerEncodersOptions;
}

/** Counters for tests, health checks and metrics. */
export interface SessionStats {
  /** Helpers spawned, standby included. */
  spawned: number;
  /** Helpers that exited without being asked to. */
  crashes: number;
}

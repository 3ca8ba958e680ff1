/**
 * The options of client/lib/connection.ts's `Connection`, and its ICE timing.
 *
 * @module
 */

import type { ServerMessage } from "../../lib/protocol/signalling.ts";
import type { DesktopServerMessage } from "../../lib/protocol/desktop.ts";
import type { ControlView } from "../../lib/protocol/control.ts";
import type { Encoder } from "../../lib/protocol/encoders.ts";
import type { ConnectionState } from "./connection_state.ts";
import type { Sound } from "./sound.ts";

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
  /** The audio hooks (client/lib/sound.ts); absent: audio tracks go to `video`. */
  sound?: Pick<Sound, "prepare" | "answer" | "track">;
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
export const ICE_DISCONNECTED_MS = 2000;
/** How long ICE may take to connect before the page says there is no route (and offers TURN), in ms. */
export const ICE_ROUTE_TIMEOUT_MS = 20_000;
/** How long an ICE restart may take before the whole session is started again, in ms. */
export const ICE_RESTART_GIVE_UP_MS = 15_000;

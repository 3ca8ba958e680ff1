/**
 * Connects viewers' `input` data channels to the X display: one XTest sink
 * for the display, one {@linkcode InputHandler} per viewer.
 *
 * @module
 */

import type { ChannelSink } from "../signalling.ts";
import { INPUT_CHANNEL_LABEL } from "../protocol/input.ts";
import { InputHandler, type PadSink } from "./input_handler.ts";
import type { InputSink } from "./input_sink.ts";
import { XTestInputSink } from "./xtest_sink.ts";

/** What {@linkcode createInputChannels} returns. */
export interface InputChannels {
  /** The per-viewer sink for the session's data channels. */
  forPeer(peer: string): ChannelSink;
  /** The handlers of connected viewers, by peer id (for tests and metrics). */
  readonly handlers: ReadonlyMap<string, InputHandler>;
  /** Releases everything and closes the X connection. */
  close(): void;
}

/** Options of {@linkcode createInputChannels}. */
export interface InputChannelsOptions {
  /** The sink; default an XTest sink on `display`. */
  sink?: InputSink;
  /** Makes a viewer's gamepads; default none. */
  pads?: (peer: string) => PadSink | undefined;
}

/** Opens the display for input; throws a one-line `Error` when it cannot. */
export function createInputChannels(
  display: string,
  options: InputChannelsOptions = {},
): InputChannels {
  const sink = options.sink ?? XTestInputSink.open(display);
  const handlers = new Map<string, InputHandler>();
  return {
    handlers,
    forPeer(peer) {
      const pads = options.pads?.(peer);
      const handler = new InputHandler(sink, { peer, ...(pads ? { pads } : {}) });
      handlers.set(peer, handler);
      return {
        data(channel, bytes) {
          if (channel === INPUT_CHANNEL_LABEL) handler.handle(bytes);
        },
        close() {
          handler.close();
          handlers.delete(peer);
        },
      };
    },
    close() {
      for (const handler of handlers.values()) handler.close();
      handlers.clear();
      sink.close();
    },
  };
}

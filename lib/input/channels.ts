/**
 * Connects viewers' `input` data channels to the input sink `cli.ts` chose:
 * one {@linkcode InputHandler} per viewer, all driving the same sink.
 *
 * @module
 */

import type { ChannelSink } from "../signalling.ts";
import { INPUT_CHANNEL_LABEL } from "../protocol/input.ts";
import { InputHandler, type PadSink } from "./input_handler.ts";
import type { InputSink } from "./input_sink.ts";

/** What {@linkcode createInputChannels} returns. */
export interface InputChannels {
  /** The per-viewer sink for the session's data channels. */
  forPeer(peer: string): ChannelSink;
  /** Releases everything and closes the sink. */
  close(): void;
}

/** Options of {@linkcode createInputChannels}. */
export interface InputChannelsOptions {
  /** Makes a viewer's gamepads; default none (pad messages are dropped). */
  pads?: (peer: string) => PadSink | undefined;
}

/** Wires each viewer's `input` channel to `sink`, which it owns from now on. */
export function createInputChannels(
  sink: InputSink,
  options: InputChannelsOptions = {},
): InputChannels {
  const handlers = new Set<InputHandler>();
  return {
    forPeer(peer) {
      const pads = options.pads?.(peer);
      const handler = new InputHandler(sink, { peer, ...(pads ? { pads } : {}) });
      handlers.add(handler);
      return {
        data(channel, bytes) {
          if (channel === INPUT_CHANNEL_LABEL) handler.handle(bytes);
        },
        close() {
          handler.close();
          handlers.delete(handler);
        },
      };
    },
    close() {
      for (const handler of handlers) handler.close();
      handlers.clear();
      sink.close();
    },
  };
}

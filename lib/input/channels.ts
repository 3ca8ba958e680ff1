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
  /** Input messages accepted and rejected, all viewers (gone ones included), for the metrics. */
  totals(): { accepted: number; rejected: number };
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
  /** Counts of the handlers already closed. */
  const past = { accepted: 0, rejected: 0 };
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
          if (handlers.delete(handler)) {
            past.accepted += handler.stats.accepted;
            past.rejected += handler.stats.rejected;
          }
        },
      };
    },
    totals() {
      const totals = { ...past };
      for (const h of handlers) {
        totals.accepted += h.stats.accepted;
        totals.rejected += h.stats.rejected;
      }
      return totals;
    },
    close() {
      for (const handler of handlers) handler.close();
      handlers.clear();
      sink.close();
    },
  };
}

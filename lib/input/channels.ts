/**
 * Connects viewers' `input` data channels to the input sink `cli.ts` chose:
 * one {@linkcode InputHandler} per viewer, all driving the same sink. With a
 * {@linkcode Control}, only the viewer in control is injected (the rest is
 * dropped and counted), and a viewer losing control has its held input
 * released before the next controller's input arrives.
 *
 * @module
 */

import type { ChannelSink } from "../signalling.ts";
import { INPUT_CHANNEL_LABEL } from "../protocol/input.ts";
import type { Control } from "../roles/control.ts";
import { InputHandler, type PadSink } from "./input_handler.ts";
import type { InputSink } from "./input_sink.ts";

/** Input messages of all viewers (gone ones included), for the metrics. */
export interface InputTotals {
  /** Decoded and acted on. */
  accepted: number;
  /** Malformed or out of range. */
  rejected: number;
  /** Dropped because the viewer may not control now (view-only, or another controls). */
  refused: number;
}

/** What {@linkcode createInputChannels} returns. */
export interface InputChannels {
  /** The per-viewer sink for the session's data channels. */
  forPeer(peer: string): ChannelSink;
  /** Input messages of every viewer, gone ones included, for the metrics. */
  totals(): InputTotals;
  /** Releases everything and closes the sink. */
  close(): void;
}

/** Options of {@linkcode createInputChannels}. */
export interface InputChannelsOptions {
  /** Makes a viewer's gamepads; default none (pad messages are dropped). */
  pads?: (peer: string) => PadSink | undefined;
  /** Who may control; default none: every viewer's input is injected. */
  control?: Control;
}

/** Wires each viewer's `input` channel to `sink`, which it owns from now on. */
export function createInputChannels(
  sink: InputSink,
  options: InputChannelsOptions = {},
): InputChannels {
  const handlers = new Map<string, InputHandler>();
  /** Counts of the handlers already closed. */
  const past: InputTotals = { accepted: 0, rejected: 0, refused: 0 };
  const control = options.control;
  const unsubscribe = control?.onRevoke((peer) => handlers.get(peer)?.revoke());
  return {
    forPeer(peer) {
      const pads = options.pads?.(peer);
      const handler = new InputHandler(sink, {
        peer,
        ...(pads ? { pads } : {}),
        ...(control ? { gate: (active: boolean) => control.admit(peer, active) } : {}),
      });
      handlers.set(peer, handler);
      return {
        data(channel, bytes) {
          if (channel === INPUT_CHANNEL_LABEL) handler.handle(bytes);
        },
        close() {
          handler.close();
          if (handlers.get(peer) === handler) {
            handlers.delete(peer);
            past.accepted += handler.stats.accepted;
            past.rejected += handler.stats.rejected;
            past.refused += handler.stats.refused;
          }
        },
      };
    },
    totals() {
      const totals = { ...past };
      for (const h of handlers.values()) {
        totals.accepted += h.stats.accepted;
        totals.rejected += h.stats.rejected;
        totals.refused += h.stats.refused;
      }
      return totals;
    },
    close() {
      unsubscribe?.();
      for (const handler of handlers.values()) handler.close();
      handlers.clear();
      sink.close();
    },
  };
}

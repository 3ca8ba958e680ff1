/**
 * Connects viewers' `input` data channels to the X display: one XTest sink
 * for the display, one {@linkcode InputHandler} per viewer.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { ChannelSink } from "../signalling.ts";
import { uinputAvailable } from "../../ffi/uinput.ts";
import { UinputPads } from "./gamepads.ts";
import { UinputRelativeSink } from "./uinput_mouse.ts";
import { INPUT_CHANNEL_LABEL } from "../protocol/input.ts";
import { InputHandler, type PadSink } from "./input_handler.ts";
import type { InputSink } from "./input_sink.ts";
import { XTestInputSink } from "./xtest_sink.ts";

const log = getLogger(["skerry", "input"]);

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
  /** Makes a viewer's gamepads; default uinput gamepads when /dev/uinput is writable. */
  pads?: (peer: string) => PadSink | undefined;
  /** uinput device node; default /dev/uinput. */
  uinputPath?: string;
}

/** Opens the display for input; throws a one-line `Error` when it cannot. */
export function createInputChannels(
  display: string,
  options: InputChannelsOptions = {},
): InputChannels {
  let sink = options.sink ?? XTestInputSink.open(display);
  let pads = options.pads;
  if (!options.sink) {
    // uinput, when the kernel offers it: a raw relative mouse and real gamepads.
    const uinput = uinputAvailable(options.uinputPath);
    if (uinput.ok) {
      try {
        sink = UinputRelativeSink.create(sink);
        pads ??= (peer) => new UinputPads(peer);
        log.info("Input: XTest keyboard and pointer, uinput relative mouse and gamepads");
      } catch (error) {
        log.info("Input: XTest only; uinput failed ({reason}): gamepads disabled", {
          reason: (error as Error).message,
        });
      }
    } else {
      log.info("Input: XTest only; {reason}: gamepads disabled", { reason: uinput.reason });
    }
  }
  const handlers = new Map<string, InputHandler>();
  return {
    handlers,
    forPeer(peer) {
      const padSink = pads?.(peer);
      const handler = new InputHandler(sink, { peer, ...(padSink ? { pads: padSink } : {}) });
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

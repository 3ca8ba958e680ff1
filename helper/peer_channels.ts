/**
 * One viewer's data channels in the helper: created before the first offer,
 * the viewer's messages forwarded to the server within the size and rate
 * limits of {@linkcode ChannelGate} (drops logged at most once a second),
 * the server's bytes sent, and closed with the viewer.
 *
 * @module
 */

import { gst } from "../ffi/gst.ts";
import type { SignalHandler } from "../ffi/gst_signal.ts";
import {
  closeChannel,
  createDataChannel,
  onChannelData,
  onChannelOpen,
  onChannelString,
  sendChannelData,
} from "../ffi/gst_webrtc.ts";
import { INPUT_CHANNEL_LABEL } from "../lib/protocol/input.ts";
import { Throttle } from "../lib/throttle.ts";
import { type ChannelDrop, ChannelGate } from "./channel_gate.ts";
import { log } from "./log.ts";
import { send } from "./send.ts";

interface Channel {
  label: string;
  pointer: Deno.PointerObject;
}

/** The data channels of viewer `peer`. */
export class PeerChannels {
  readonly #peer: string;
  /** True once the viewer is being removed: nothing more goes to the server. */
  readonly #closed: () => boolean;
  readonly #channels: Channel[] = [];
  /** What of the viewer's data-channel messages is forwarded (size and rate). */
  readonly #gate = new ChannelGate(Date.now());
  readonly #dropLog = new Throttle(1000);

  readonly #onInput: (data: Uint8Array) => void;

  /** `onInput` sees each message forwarded from the input channel. */
  constructor(peer: string, closed: () => boolean, onInput: (data: Uint8Array) => void = () => {}) {
    this.#peer = peer;
    this.#closed = closed;
    this.#onInput = onInput;
  }

  /**
   * Creates channel `label` on `webrtc`; returns its signal handlers (the
   * caller disconnects them), or null when webrtcbin made none.
   */
  async create(webrtc: Deno.PointerObject, label: string): Promise<SignalHandler[] | null> {
    const pointer = await createDataChannel(webrtc, label);
    if (pointer === null) return null;
    this.#channels.push({ label, pointer });
    if (this.#closed()) return [];
    const peer = this.#peer;
    return [
      onChannelOpen(pointer, () => {
        if (!this.#closed()) send({ type: "channel-open", peer, channel: label });
      }),
      onChannelData(pointer, (data) => {
        if (this.#closed()) return;
        const verdict = this.#gate.admit(data.length, Date.now());
        if (verdict === "forward") {
          if (label === INPUT_CHANNEL_LABEL) this.#onInput(data);
          send({ type: "data", peer, channel: label, data: data.toBase64() });
        } else this.#dropped(verdict, label, data.length);
      }),
      onChannelString(pointer, (size) => {
        if (!this.#closed()) this.#dropped(this.#gate.text(), label, size);
      }),
    ];
  }

  /** Sends `data` on channel `label` (a warning for an unknown one). */
  async send(label: string, data: Uint8Array): Promise<void> {
    const channel = this.#channels.find((c) => c.label === label);
    if (!channel) {
      return log.warning("Send to unknown channel {peer}/{channel}", {
        peer: this.#peer,
        channel: label,
      });
    }
    await sendChannelData(channel.pointer, data);
  }

  /** Closes every channel (before the branch goes to NULL). */
  async close(): Promise<void> {
    for (const channel of this.#channels) await closeChannel(channel.pointer);
  }

  /** Drops the references (the branch is in NULL) and logs what was forwarded and dropped. */
  free(): void {
    for (const channel of this.#channels) gst().g_object_unref(channel.pointer);
    const { tooBig, limited, text } = this.#gate.stats;
    (tooBig + limited + text > 0 ? log.info : log.debug)(
      "Peer {peer}: removed; data-channel messages {forwarded} forwarded, {tooBig} too big, {limited} over the rate, {text} text",
      { peer: this.#peer, ...this.#gate.stats },
    );
  }

  /** Logs dropped data-channel messages, at most once a second. */
  #dropped(reason: ChannelDrop, channel: string, size: number): void {
    if (!this.#dropLog.due(Date.now())) return;
    log.warning(
      "Dropping data-channel messages from {peer}: {reason} ({tooBig} too big, {limited} over the rate, {text} text so far)",
      { peer: this.#peer, channel, reason, size, ...this.#gate.stats },
    );
  }
}

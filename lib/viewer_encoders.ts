/**
 * Which encoder each viewer gets and the encode tiers that serve them: one
 * encode per encoder in use, added to the helper with the first viewer that
 * needs it and removed with the last (docs/PROTOCOL.md, "Encode tiers").
 * Viewers of one encoder share its encode; a viewer whose browser cannot
 * decode the configured encoder gets a tier of its own codec instead of
 * everybody being moved to the lowest common codec.
 *
 * Pure: decides and returns the helper messages to send; the session sends
 * them. A live switch rebuilds the viewer's branch on another tier (a new
 * peer connection), but only once its last offer was answered, so an answer
 * to the old branch's offer can never reach the new one.
 *
 * @module
 */

import { chooseEncoder, decodableEncoders, type EncoderChoice } from "./codec_choice.ts";
import type { DecodableCodec } from "./protocol/codecs.ts";
import type { Encoder } from "./protocol/encoders.ts";
import type { HelperTierAdd, ToHelper } from "./protocol/helper.ts";
import type { ServerMessage } from "./protocol/signalling.ts";

/** What the server offers. */
export interface ViewerEncodersOptions {
  /** Encoders in order of preference (the configured one first), each available here. */
  offered: readonly Encoder[];
  /** Encoders available here but not offered, named in the message to a browser that decodes none. */
  installed?: readonly Encoder[];
  /** The `tier-add` message that builds an encode for `encoder`. */
  tier(encoder: Encoder): HelperTierAdd;
}

/** What to do about a viewer's request for another encoder. */
export interface SwitchDecision {
  /** The viewer's encoder now (unchanged when the request could not be honoured). */
  encoder: Encoder;
  /** Why, for the log. */
  reason: string;
  /** Tell the viewer its encoder and choices. */
  reply: ServerMessage;
  /** Helper messages to send now (empty when nothing changes or the switch waits for an answer). */
  messages: ToHelper[];
}

interface ViewerState {
  decodable: readonly DecodableCodec[] | undefined;
  encoder: Encoder;
}

/** The encoders of the viewers, and the tiers of the current helper. */
export class ViewerEncoders {
  readonly #options: ViewerEncodersOptions;
  readonly #viewers = new Map<string, ViewerState>();
  /** The viewers of each tier in the current helper. */
  readonly #members = new Map<Encoder, Set<string>>();
  /** The tier each viewer's branch is on in the current helper. */
  readonly #onTier = new Map<string, Encoder>();
  /** Viewers whose last offer is not answered yet. */
  readonly #unanswered = new Set<string>();
  /** Viewers whose switch waits for that answer. */
  readonly #waiting = new Set<string>();

  constructor(options: ViewerEncodersOptions) {
    this.#options = options;
  }

  /** Encoders with a tier in the current helper, for tests and logs. */
  get tiers(): Encoder[] {
    return [...this.#members.keys()];
  }

  /** A viewer's encoder, if it has one. */
  encoderOf(id: string): Encoder | undefined {
    return this.#viewers.get(id)?.encoder;
  }

  /**
   * Chooses a joining viewer's encoder from what its browser decodes and
   * remembers it. With a choice, `message` is the `encoder` message for the
   * viewer; without one, the `error` that tells the user why.
   */
  join(
    id: string,
    decodable: readonly DecodableCodec[] | undefined,
  ): { choice: EncoderChoice; message: ServerMessage } {
    const choice = chooseEncoder({
      decodable,
      offered: this.#options.offered,
      ...(this.#options.installed ? { installed: this.#options.installed } : {}),
    });
    if (choice.encoder === null) {
      return { choice, message: { type: "error", code: "no-codec", message: choice.message } };
    }
    this.#viewers.set(id, { decodable, encoder: choice.encoder });
    return { choice, message: this.#encoderMessage(id) };
  }

  /** Forgets a viewer that left (call {@linkcode removePeer} first if its branch exists). */
  leave(id: string): void {
    this.#viewers.delete(id);
    this.#waiting.delete(id);
    this.#unanswered.delete(id);
  }

  /** The messages that add the viewer's branch: its tier first when it is the tier's first viewer. */
  addPeer(id: string): ToHelper[] {
    const encoder = this.#viewers.get(id)?.encoder;
    if (encoder === undefined) return [];
    const out: ToHelper[] = [];
    let members = this.#members.get(encoder);
    if (!members) {
      members = new Set();
      this.#members.set(encoder, members);
      out.push(this.#options.tier(encoder));
    }
    members.add(id);
    this.#onTier.set(id, encoder);
    this.#unanswered.add(id);
    out.push({ type: "peer-add", peer: id, tier: encoder });
    return out;
  }

  /** The messages that remove the viewer's branch: its tier too when it was the last viewer. */
  removePeer(id: string): ToHelper[] {
    const encoder = this.#onTier.get(id);
    if (encoder === undefined) return [];
    this.#onTier.delete(id);
    this.#unanswered.delete(id);
    const out: ToHelper[] = [{ type: "peer-remove", peer: id }];
    const members = this.#members.get(encoder);
    members?.delete(id);
    if (members?.size === 0) {
      this.#members.delete(encoder);
      out.push({ type: "tier-remove", tier: encoder });
    }
    return out;
  }

  /** The helper sent the viewer an offer: a switch waits until it is answered. */
  offered(id: string): void {
    if (this.#onTier.has(id)) this.#unanswered.add(id);
  }

  /**
   * The viewer answered; returns the messages of a switch that waited for
   * it (the old branch and maybe its tier removed, the new one added).
   */
  answered(id: string): ToHelper[] {
    this.#unanswered.delete(id);
    if (!this.#waiting.delete(id)) return [];
    return this.#rebuild(id);
  }

  /**
   * A viewer asks for `requested`. Honoured when the server offers it and
   * the browser decodes it; the branch moves to that encoder's tier now, or
   * once the viewer's last offer is answered.
   */
  request(id: string, requested: Encoder): SwitchDecision | undefined {
    const viewer = this.#viewers.get(id);
    if (!viewer) return undefined;
    const choice = chooseEncoder({
      decodable: viewer.decodable,
      offered: this.#options.offered,
      requested,
    });
    const honoured = choice.encoder === requested;
    const changed = honoured && requested !== viewer.encoder;
    if (changed) viewer.encoder = requested;
    const reason = honoured
      ? choice.reason
      : `${requested} ${
        this.#options.offered.includes(requested)
          ? "is not decoded by the browser"
          : "is not offered"
      }`;
    let messages: ToHelper[] = [];
    if (changed && this.#onTier.has(id)) {
      if (this.#unanswered.has(id)) this.#waiting.add(id);
      else messages = this.#rebuild(id);
    }
    return { encoder: viewer.encoder, reason, reply: this.#encoderMessage(id), messages };
  }

  /** A new helper: it has no tiers and no branches. */
  resetHelper(): void {
    this.#members.clear();
    this.#onTier.clear();
    this.#unanswered.clear();
    this.#waiting.clear();
  }

  #rebuild(id: string): ToHelper[] {
    if (this.#onTier.get(id) === this.#viewers.get(id)?.encoder) return [];
    return [...this.removePeer(id), ...this.addPeer(id)];
  }

  #encoderMessage(id: string): ServerMessage {
    const viewer = this.#viewers.get(id)!;
    return {
      type: "encoder",
      encoder: viewer.encoder,
      encoders: decodableEncoders(viewer.decodable, this.#options.offered),
    };
  }
}

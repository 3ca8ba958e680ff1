/**
 * The viewers' microphones in the helper: each viewer's decoded microphone
 * stream plays into the same PulseAudio sink, muted, and the one viewer
 * {@linkcode MicrophoneHolder} picks is unmuted. Every half second the
 * packet counter of each stream is read (off the JS thread) to see who is
 * still sending.
 *
 * @module
 */

import { gst } from "../ffi/gst.ts";
import { setBooleanNow } from "../ffi/gst_pads.ts";
import { readStructureProperty } from "../ffi/gst_structure.ts";
import { log } from "./log.ts";
import { MicrophoneHolder } from "./microphone_holder.ts";

/** How often the packet counters are read, in ms. */
const POLL_MS = 500;

interface Stream {
  /** The `identity` counting the stream's packets (a reference). */
  counter: Deno.PointerObject;
  /** The `volume` muting it (a reference). */
  volume: Deno.PointerObject;
}

/** Every viewer's microphone stream, and which one is heard. */
export class MicrophoneHub {
  readonly #holder = new MicrophoneHolder();
  readonly #streams = new Map<string, Stream>();
  #timer: ReturnType<typeof setInterval> | undefined;
  /** The counter read under way: a stream's elements are released only after it. */
  #reading: Promise<void> = Promise.resolve();
  #heard: string | null = null;

  /** Starts reading the counters. */
  start(): void {
    this.#timer ??= setInterval(() => {
      this.#reading = this.#reading.then(() => this.#poll());
    }, POLL_MS);
  }

  /** Stops reading (the helper is stopping). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * A viewer's microphone stream has just been linked (its first packet is
   * waiting): takes references to its elements and, when nobody holds the
   * microphone, gives it to this viewer at once. Runs inside `pad-added`,
   * so it only sets `mute` (a volume's own lock).
   */
  arrived(peer: string, elements: Stream): void {
    const old = this.#streams.get(peer);
    this.#streams.set(peer, elements);
    if (old) this.#release(old);
    const holder = this.#holder.sample(peer, 1, Date.now());
    setBooleanNow(elements.volume, "mute", holder !== peer);
    this.#apply(holder);
  }

  /** The viewer left: its stream is forgotten (after any counter read in flight). */
  async leave(peer: string): Promise<void> {
    const stream = this.#streams.get(peer);
    if (!stream) return;
    this.#streams.delete(peer);
    this.#apply(this.#holder.leave(peer, Date.now()));
    await this.#reading;
    this.#release(stream);
  }

  async #poll(): Promise<void> {
    for (const [peer, stream] of [...this.#streams]) {
      let packets: number | undefined;
      try {
        const stats = await readStructureProperty(stream.counter, "stats");
        const n = stats?.fields["num-buffers"];
        packets = typeof n === "number" ? n : undefined;
      } catch {
        packets = undefined;
      }
      if (packets === undefined || this.#streams.get(peer) !== stream) continue;
      this.#apply(this.#holder.sample(peer, packets, Date.now()));
    }
  }

  /** Unmutes the holder's stream and mutes every other one, when the holder changed. */
  #apply(holder: string | null): void {
    if (holder === this.#heard) return;
    for (const [peer, stream] of this.#streams) {
      setBooleanNow(stream.volume, "mute", peer !== holder);
    }
    log.info(holder === null ? "Microphone released" : "Microphone held by {peer}", {
      peer: holder,
      previous: this.#heard,
    });
    this.#heard = holder;
  }

  #release(stream: Stream): void {
    gst().gst_object_unref(stream.counter);
    gst().gst_object_unref(stream.volume);
  }
}

/**
 * Which viewer holds the microphone: the first whose microphone stream
 * arrives, until it stops sending (no packet for {@linkcode RELEASE_MS}) or
 * leaves; then the next viewer that is sending. The others' microphones are
 * muted. Pure: fed packet counts and times, no GStreamer call.
 *
 * @module
 */

/** How long a holder may send nothing before another viewer may take the microphone, in ms. */
export const RELEASE_MS = 2000;

interface Sender {
  /** Packets counted so far. */
  packets: number;
  /** When the count last grew, in ms. */
  lastPacketAt: number;
  /** When the viewer started sending (after a pause), in ms. */
  since: number;
}

/** Options of {@linkcode MicrophoneHolder}. */
export interface MicrophoneHolderOptions {
  /** Silence after which the holder lets go, in ms. Default {@linkcode RELEASE_MS}. */
  releaseMs?: number;
}

/** Picks the one viewer whose microphone reaches the desktop. */
export class MicrophoneHolder {
  readonly #releaseMs: number;
  readonly #senders = new Map<string, Sender>();
  #holder: string | null = null;

  constructor(options: MicrophoneHolderOptions = {}) {
    this.#releaseMs = options.releaseMs ?? RELEASE_MS;
  }

  /** The viewer holding the microphone, or null. */
  get holder(): string | null {
    return this.#holder;
  }

  /**
   * Records that `peer` has sent `packets` packets so far (a count that only
   * grows) at `now` (ms), and returns the holder after it.
   */
  sample(peer: string, packets: number, now: number): string | null {
    const known = this.#senders.get(peer);
    if (!known) {
      this.#senders.set(peer, {
        packets,
        lastPacketAt: packets > 0 ? now : -Infinity,
        since: now,
      });
    } else if (packets > known.packets) {
      if (!this.#sending(known, now)) known.since = now;
      known.packets = packets;
      known.lastPacketAt = now;
    }
    return this.#decide(now);
  }

  /** Forgets `peer` (it left); returns the holder after it. */
  leave(peer: string, now: number): string | null {
    this.#senders.delete(peer);
    if (this.#holder === peer) this.#holder = null;
    return this.#decide(now);
  }

  #sending(sender: Sender, now: number): boolean {
    return now - sender.lastPacketAt <= this.#releaseMs;
  }

  #decide(now: number): string | null {
    const current = this.#holder === null ? undefined : this.#senders.get(this.#holder);
    if (current && this.#sending(current, now)) return this.#holder;
    // The longest-sending viewer takes it over.
    let next: string | null = null;
    let since = Infinity;
    for (const [peer, sender] of this.#senders) {
      if (this.#sending(sender, now) && sender.since < since) {
        next = peer;
        since = sender.since;
      }
    }
    this.#holder = next;
    return next;
  }
}

/**
 * INCR, the X selection protocol for data too big for one property
 * (ICCCM 2.7.2): the owner writes a property of type INCR holding the size,
 * then one chunk each time the requestor deletes the property, and a
 * zero-length chunk at the end. Pure: the X calls are in x_clipboard.ts.
 *
 * @module
 */

/**
 * Largest selection answered in one property, in bytes: larger ones go by
 * INCR. X servers accept 16 MiB requests with BIG-REQUESTS, but many
 * clients read a property in one go only up to a few hundred KiB, and
 * 256 KiB is where GTK and Qt switch to INCR too.
 */
export const INCR_THRESHOLD_BYTES = 256 * 1024;
/** Bytes per INCR chunk: 64 KiB, what GTK sends. */
export const INCR_CHUNK_BYTES = 64 * 1024;

/** The owner's side: hands out the chunks of `bytes`, then one empty chunk. */
export class IncrSender {
  readonly #bytes: Uint8Array;
  readonly #chunkBytes: number;
  #offset = 0;
  #finished = false;

  constructor(bytes: Uint8Array, chunkBytes = INCR_CHUNK_BYTES) {
    if (chunkBytes < 1) throw new RangeError("Cannot send INCR: chunk size must be at least 1");
    this.#bytes = bytes;
    this.#chunkBytes = chunkBytes;
  }

  /** Whether the empty end chunk was handed out. */
  get finished(): boolean {
    return this.#finished;
  }

  /** The next chunk to write (empty: the end); throws once finished. */
  next(): Uint8Array {
    if (this.#finished) throw new RangeError("Cannot send INCR: the transfer is finished");
    const end = Math.min(this.#bytes.length, this.#offset + this.#chunkBytes);
    const chunk = this.#bytes.subarray(this.#offset, end);
    this.#offset = end;
    if (chunk.length === 0) this.#finished = true;
    return chunk;
  }
}

/** The requestor's side: collects chunks until the empty one, up to a limit. */
export class IncrReceiver {
  readonly #maxBytes: number;
  #parts: Uint8Array[] = [];
  #size = 0;

  /** @param maxBytes a transfer growing past this is abandoned (`too-big`). */
  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Adds one chunk; returns the whole data after the empty end chunk. */
  push(chunk: Uint8Array): Uint8Array | "more" | "too-big" {
    if (chunk.length > 0) {
      this.#size += chunk.length;
      if (this.#size > this.#maxBytes) return "too-big";
      this.#parts.push(chunk.slice());
      return "more";
    }
    const out = new Uint8Array(this.#size);
    let at = 0;
    for (const part of this.#parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

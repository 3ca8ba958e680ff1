/**
 * Bits of H.264 syntax (ITU-T H.264 7.2, 7.4.1): an RBSP reader and writer
 * with the Exp-Golomb codes, and the emulation prevention bytes between an
 * RBSP and a NAL unit's payload. Pure.
 *
 * @module
 */

/** Reads bits, most significant first, from an RBSP (emulation prevention already removed). */
export class BitReader {
  readonly #bytes: Uint8Array;
  #bit = 0;

  constructor(rbsp: Uint8Array) {
    this.#bytes = rbsp;
  }

  /** One bit; throws `RangeError` past the end. */
  u1(): number {
    const byte = this.#bit >> 3;
    if (byte >= this.#bytes.length) {
      throw new RangeError(`Cannot read H.264 syntax: past the end of ${this.#bytes.length} bytes`);
    }
    const bit = (this.#bytes[byte]! >> (7 - (this.#bit & 7))) & 1;
    this.#bit++;
    return bit;
  }

  /** `n` bits (at most 32) as an unsigned number: `u(n)`. */
  u(n: number): number {
    let value = 0;
    for (let i = 0; i < n; i++) value = value * 2 + this.u1();
    return value;
  }

  /** Unsigned Exp-Golomb: `ue(v)`; throws `RangeError` for more than 31 leading zeros. */
  ue(): number {
    let zeros = 0;
    while (this.u1() === 0) {
      if (++zeros > 31) throw new RangeError("Cannot read H.264 syntax: Exp-Golomb code too long");
    }
    return 2 ** zeros - 1 + this.u(zeros);
  }

  /** Signed Exp-Golomb: `se(v)`. */
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : k === 0 ? 0 : -k / 2;
  }
}

/** Writes bits, most significant first, into an RBSP. */
export class BitWriter {
  readonly #bits: number[] = [];

  /** `n` bits of `value` (unsigned, at most 32): `u(n)`. */
  u(n: number, value: number): void {
    for (let i = n - 1; i >= 0; i--) this.#bits.push(Math.floor(value / 2 ** i) & 1);
  }

  /** Unsigned Exp-Golomb: `ue(v)`. */
  ue(value: number): void {
    const code = value + 1;
    const length = Math.floor(Math.log2(code));
    this.u(length, 0);
    this.u(length + 1, code);
  }

  /** Signed Exp-Golomb: `se(v)`. */
  se(value: number): void {
    this.ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  /** `rbsp_trailing_bits()`: a one, then zeros up to the byte boundary; the bytes written. */
  finish(): Uint8Array {
    this.#bits.push(1);
    while (this.#bits.length % 8 !== 0) this.#bits.push(0);
    const out = new Uint8Array(this.#bits.length / 8);
    for (let i = 0; i < this.#bits.length; i++) out[i >> 3]! |= this.#bits[i]! << (7 - (i & 7));
    return out;
  }
}

/** A NAL unit's payload to its RBSP: every `00 00 03` loses its `03`. */
export function unescapeRbsp(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length);
  let n = 0;
  let zeros = 0;
  for (const byte of payload) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    zeros = byte === 0 ? zeros + 1 : 0;
    out[n++] = byte;
  }
  return out.subarray(0, n);
}

/** An RBSP to a NAL unit's payload: `03` after any two zero bytes followed by 00-03. */
export function escapeRbsp(rbsp: Uint8Array): Uint8Array {
  const out: number[] = [];
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Uint8Array.from(out);
}

/**
 * Where the NAL unit after `from` in an Annex B byte stream begins (its
 * header byte, just past a start code `00 00 01`, which a four-byte start
 * code ends with too); -1 when no start code follows. Scans only up to it,
 * so a reader that stops at the first slice never walks the slice data.
 */
export function nextUnit(stream: Uint8Array, from: number): number {
  for (let i = from; i + 3 < stream.length; i++) {
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) return i + 3;
  }
  return -1;
}

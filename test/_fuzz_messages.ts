/**
 * Hostile messages for the fuzz test, from a seeded generator so a failure
 * can be replayed (`SKERRY_FUZZ_SEED=<n>`): signalling frames (wrong types,
 * huge numbers, truncated and mutated JSON, binary frames, unknown types,
 * deep nesting) and input-channel messages (random bytes, mutated valid
 * events, out-of-range fields, invalid UTF-8, oversized messages).
 *
 * @module
 */

import { MAX_CHANNEL_MESSAGE } from "../helper/channel_gate.ts";
import { encodeInput, type InputEvent, Op } from "../lib/protocol/input.ts";

/** F2: the key the fuzz test waits for; never generated. */
export const MARKER_KEYSYM = 0xffbf;

/** A seeded generator of numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws from one generator. */
export class Fuzz {
  constructor(readonly random: () => number) {}

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(length: number): Uint8Array<ArrayBuffer> {
    return Uint8Array.from({ length }, () => this.int(256));
  }

  /** A string of random code points: ASCII, Latin, CJK, emoji, controls, lone surrogates. */
  text(length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) {
      const kind = this.int(6);
      out += kind === 0
        ? String.fromCharCode(this.int(0x20))
        : kind === 1
        ? String.fromCharCode(0xd800 + this.int(0x800)) // a lone surrogate
        : kind === 2
        ? String.fromCodePoint(0x1f300 + this.int(0x300))
        : kind === 3
        ? String.fromCodePoint(0x4e00 + this.int(0x5000))
        : String.fromCharCode(0x20 + this.int(0x5f));
    }
    return out;
  }

  /** A number a field should never hold. */
  hostileNumber(): unknown {
    return this.pick([
      -1,
      0.5,
      1e308,
      -1e308,
      2 ** 53 + 1,
      Number.MAX_SAFE_INTEGER,
      1001,
      256,
      65536,
      "1",
      null,
      [],
      {},
      true,
    ]);
  }

  /** Deletes, inserts, replaces or duplicates a few characters, or truncates. */
  mutate(text: string): string {
    let out = text;
    for (let n = 1 + this.int(3); n > 0; n--) {
      const at = this.int(out.length + 1);
      switch (this.int(5)) {
        case 0:
          out = out.slice(0, at) + out.slice(at + 1);
          break;
        case 1:
          out = out.slice(0, at) + this.text(1) + out.slice(at);
          break;
        case 2:
          out = out.slice(0, at) + this.pick(['"', "{", "}", ":", ",", "1", "\\"]) +
            out.slice(at + 1);
          break;
        case 3:
          out = out.slice(0, at) + out.slice(Math.max(0, at - 8), at) + out.slice(at);
          break;
        default:
          out = out.slice(0, at);
      }
    }
    return out;
  }
}

const SDP = "v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE video0\r\n";
const CANDIDATE = "candidate:1 1 UDP 2015363327 127.0.0.1 41347 typ host";

/**
 * One hostile signalling frame: text (mostly) or binary, never over the
 * frame size limit, never a valid `hello` of protocol 1 on purpose.
 */
export function signallingFrame(f: Fuzz): string | Uint8Array<ArrayBuffer> {
  switch (f.int(10)) {
    case 0:
      return JSON.stringify(f.pick([f.hostileNumber(), f.text(10), [1, 2], null, "hello"]));
    case 1:
    case 2: {
      // The right shape, wrong values.
      const type = f.pick(["hello", "answer", "ice", "welcome", "offer", "error", "", "HELLO"]);
      return JSON.stringify({
        type,
        protocol: f.hostileNumber(),
        sdp: f.pick([f.text(f.int(300)), f.hostileNumber()]),
        candidate: f.pick([f.text(f.int(100)), f.hostileNumber(), ""]),
        sdpMLineIndex: f.hostileNumber(),
      });
    }
    case 3:
    case 4:
    case 5: {
      const valid = f.pick([
        JSON.stringify({ type: "hello", protocol: 2 }),
        JSON.stringify({ type: "answer", sdp: SDP }),
        JSON.stringify({ type: "ice", candidate: CANDIDATE, sdpMLineIndex: 0 }),
      ]);
      return f.mutate(valid);
    }
    case 6:
      return f.bytes(f.int(300)); // binary, often invalid UTF-8
    case 7:
      return JSON.stringify({ type: f.text(1 + f.int(80)), data: f.text(f.int(50)) });
    case 8:
      return f.pick(["[".repeat(20_000 + f.int(40_000)), '{"a":'.repeat(5000), "", " ", "\0"]);
    default:
      return f.text(1 + f.int(200));
  }
}

const notMarker = (keysym: number) => keysym === MARKER_KEYSYM ? 0x61 : keysym;

/** Valid events to start mutations from. */
function validEvent(f: Fuzz): InputEvent {
  switch (f.int(8)) {
    case 0:
      return { op: Op.KeyDown, keysym: notMarker(f.int(0x10000)) };
    case 1:
      return { op: Op.KeyUp, keysym: notMarker(f.int(0x10000)) };
    case 2:
      return { op: Op.Move, x: f.int(100), y: f.int(100), width: 100, height: 100 };
    case 3:
      return { op: Op.Scroll, dx: f.int(255) - 127, dy: f.int(255) - 127 };
    case 4:
      return { op: Op.Text, text: f.text(1 + f.int(40)).replace(/[\ud800-\udfff]/g, "x") };
    case 5:
      return { op: Op.ButtonDown, button: 1 + f.int(9) };
    case 6:
      return { op: Op.PadConnect, index: f.int(4), buttons: f.int(20), axes: f.int(8) };
    default:
      return { op: Op.MoveRelative, dx: f.int(200) - 100, dy: f.int(200) - 100 };
  }
}

/**
 * One hostile input-channel message, never empty: random bytes, a valid
 * event with bytes flipped, cut or added, invalid UTF-8 in a Text, fields
 * out of range, or (rarely) a message of up to `oversize` bytes, larger than
 * the helper forwards. A flipped byte can make the marker key: the caller
 * skips those.
 */
export function inputMessage(f: Fuzz, oversize: number): Uint8Array<ArrayBuffer> {
  switch (f.int(12)) {
    case 0:
    case 1:
      return f.bytes(1 + f.int(16));
    case 2: {
      const bytes = f.bytes(1 + f.int(12));
      bytes[0] = 1 + f.int(0x10); // a real opcode, or just past the last
      return bytes;
    }
    case 3:
    case 4: {
      const bytes = encodeInput(validEvent(f));
      bytes[f.int(bytes.length)] = f.int(256);
      return bytes;
    }
    case 5: {
      const bytes = encodeInput(validEvent(f));
      return bytes.slice(0, 1 + f.int(bytes.length - 1));
    }
    case 6: {
      const bytes = encodeInput(validEvent(f));
      const out = new Uint8Array(bytes.length + 1 + f.int(4));
      out.set(bytes);
      return out;
    }
    case 7:
      return Uint8Array.of(Op.Text, 0xc3, 0x28, ...f.bytes(f.int(20))); // invalid UTF-8
    case 8:
      return Uint8Array.of(Op.Move, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0); // 0x0 frame
    case 9:
      // Rarely, a message too large for the helper to forward.
      return f.int(20) === 0
        ? f.bytes(MAX_CHANNEL_MESSAGE + 1 + f.int(oversize - MAX_CHANNEL_MESSAGE))
        : encodeInput(validEvent(f));
    default:
      return encodeInput(validEvent(f));
  }
}

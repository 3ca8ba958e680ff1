import assert from "node:assert/strict";
import { BitReader, BitWriter, escapeRbsp, nextUnit, unescapeRbsp } from "./h264_bits.ts";

Deno.test("BitWriter and BitReader agree on u(n), ue(v) and se(v)", () => {
  const w = new BitWriter();
  w.u(3, 5);
  for (const v of [0, 1, 2, 3, 7, 8, 254, 3600, 2 ** 20]) w.ue(v);
  for (const v of [0, 1, -1, 2, -2, 25, -25]) w.se(v);
  const r = new BitReader(w.finish());
  assert.equal(r.u(3), 5);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map(() => r.ue()), [
    0,
    1,
    2,
    3,
    7,
    8,
    254,
    3600,
    2 ** 20,
  ]);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map(() => r.se()), [0, 1, -1, 2, -2, 25, -25]);
  // rbsp_stop_one_bit, then zeros to the byte boundary.
  assert.equal(r.u1(), 1);
});

Deno.test("BitWriter writes the Exp-Golomb codes of H.264 Table 9-2", () => {
  const w = new BitWriter();
  w.ue(0); // 1
  w.ue(1); // 010
  w.ue(4); // 00101
  // 1 010 00101 + stop bit 1 + 6 zeros: 1010 0010 | 1100 0000
  assert.deepEqual([...w.finish()], [0b1010_0010, 0b1100_0000]);
});

Deno.test("BitReader throws RangeError past the end", () => {
  const r = new BitReader(new Uint8Array([0xff]));
  r.u(8);
  assert.throws(() => r.u1(), RangeError);
  assert.throws(() => new BitReader(new Uint8Array(8)).ue(), RangeError);
});

Deno.test("escapeRbsp() inserts 03 after two zero bytes before 00-03, unescapeRbsp() removes it", () => {
  const rbsp = new Uint8Array([0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 0xff]);
  const escaped = escapeRbsp(rbsp);
  assert.deepEqual([...escaped], [0, 0, 3, 0, 0, 3, 0, 1, 0, 0, 3, 2, 0, 0, 3, 3, 0, 0, 4, 0xff]);
  assert.deepEqual([...unescapeRbsp(escaped)], [...rbsp]);
});

Deno.test("nextUnit() finds each unit after three- and four-byte start codes", () => {
  const stream = new Uint8Array([0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 1, 0x65, 4, 5]);
  const starts: number[] = [];
  for (let at = nextUnit(stream, 0); at >= 0; at = nextUnit(stream, at)) starts.push(at);
  assert.deepEqual(starts, [4, 10, 16]);
  // Each unit's header byte, then the unit up to the next start code.
  assert.deepEqual(starts.map((at) => stream[at]), [0x67, 0x68, 0x65]);
  assert.deepEqual([...stream.subarray(4, 10 - 3)], [0x67, 1, 2]);
});

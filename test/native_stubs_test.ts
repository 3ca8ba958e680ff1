import assert from "node:assert/strict";
import { layoutStubs, nativeStubs, STUB_CODE } from "../ffi/native_stubs.ts";

Deno.test("layoutStubs() puts each stub on its own 16-byte boundary", () => {
  const x86 = layoutStubs("x86_64")!;
  assert.deepEqual(x86.offsets, { returnOne: 0, returnThree: 16, writeZeros3: 32, countUp: 64 });
  assert.deepEqual([...x86.page.subarray(16, 22)], [0xb8, 0x03, 0x00, 0x00, 0x00, 0xc3]);
  assert.equal(STUB_CODE.x86_64!.writeZeros3.length, 31);
  const arm = layoutStubs("aarch64")!;
  assert.deepEqual(arm.offsets, { returnOne: 0, returnThree: 16, writeZeros3: 32, countUp: 64 });
  // "ret" is d65f03c0, stored little-endian.
  assert.deepEqual([...arm.page.subarray(4, 8)], [0xc0, 0x03, 0x5f, 0xd6]);
  assert.equal(layoutStubs("riscv64"), null);
});

Deno.test({
  name: "nativeStubs() return their constants and write three zero bytes when there is room",
  ignore: !(Deno.build.arch in STUB_CODE),
  fn() {
    const stubs = nativeStubs();
    assert.ok(stubs, "no executable memory on this system");
    // deno-lint-ignore no-explicit-any
    const fn = (p: Deno.PointerObject) => p as Deno.PointerObject<any>;
    const one = new Deno.UnsafeFnPointer(fn(stubs.returnOne), { parameters: [], result: "i32" });
    const three = new Deno.UnsafeFnPointer(fn(stubs.returnThree), {
      parameters: ["pointer"],
      result: "i32",
    });
    assert.equal(one.call(), 1);
    assert.equal(three.call(null), 3);
    const write = new Deno.UnsafeFnPointer(fn(stubs.writeZeros3), {
      parameters: ["pointer", "pointer", "i32", "pointer", "buffer", "usize"],
      result: "isize",
    });
    const data = new Uint8Array([9, 9, 9, 9, 9]);
    assert.equal(write.call(null, null, 1, null, data, 5n), 3n);
    assert.deepEqual([...data], [0, 0, 0, 9, 9]);
    const small = new Uint8Array([7, 7]);
    assert.equal(write.call(null, null, 1, null, small, 2n), -1n);
    assert.deepEqual([...small], [7, 7]);
    const countUp = new Deno.UnsafeFnPointer(fn(stubs.countUp), {
      parameters: ["pointer", "buffer"],
      result: "void",
    });
    const counter = new BigUint64Array([41n, 7n]);
    countUp.call(null, counter);
    countUp.call(null, counter);
    assert.deepEqual([...counter], [43n, 7n]);
    assert.equal(nativeStubs(), stubs, "mapped once per process");
  },
});

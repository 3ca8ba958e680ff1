/**
 * Tiny native functions that GStreamer calls on its streaming threads
 * for every RTP packet, where a JS callback cannot run without blocking the
 * thread on the JS event loop. They are fixed machine code (no inputs but
 * their arguments, no calls, no memory but the buffer they are given), put
 * in a page mapped read-write, then switched to read-execute (never both).
 *
 * - `returnOne()` / `returnThree()`: return a constant;
 * - `writeZeros3(ext, meta, flags, output, data, size)`: writes three zero
 *   bytes at `data` and returns 3, or returns -1 when `size < 3`. With the
 *   playout-delay header extension, three zero bytes mean "min 0 ms, max 0
 *   ms": the browser renders each frame as soon as it is decoded.
 * - `countUp(instance, counter)`: adds one to the 64-bit integer at
 *   `counter`, as a signal handler whose user data is that integer (a queue's
 *   `overrun`, emitted by one streaming thread at a time; JS reads it).
 *
 * Only x86_64 and aarch64 Linux have stubs; elsewhere {@linkcode nativeStubs}
 * returns null and the caller does without.
 *
 * @module
 */

import { libc } from "./libc.ts";

const PROT_READ = 0x1;
const PROT_WRITE = 0x2;
const PROT_EXEC = 0x4;
const MAP_PRIVATE = 0x02;
const MAP_ANONYMOUS = 0x20;
const MAP_FAILED = 0xffffffffffffffffn;
const PAGE = 4096;

/** Machine code per architecture; each function starts on a 16-byte boundary. */
export const STUB_CODE: Record<string, Record<StubName, number[]>> = {
  x86_64: {
    // mov eax, 1 ; ret
    returnOne: [0xb8, 0x01, 0x00, 0x00, 0x00, 0xc3],
    // mov eax, 3 ; ret
    returnThree: [0xb8, 0x03, 0x00, 0x00, 0x00, 0xc3],
    writeZeros3: [
      ...[0x49, 0x83, 0xf9, 0x03], // cmp r9, 3           (size is the 6th argument)
      ...[0x72, 0x11], //             jb fail
      ...[0x66, 0x41, 0xc7, 0x00, 0x00, 0x00], // mov word [r8], 0   (data is the 5th)
      ...[0x41, 0xc6, 0x40, 0x02, 0x00], //       mov byte [r8+2], 0
      ...[0xb8, 0x03, 0x00, 0x00, 0x00], //       mov eax, 3
      0xc3, //                                    ret
      ...[0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0xff], // fail: mov rax, -1
      0xc3, //                                          ret
    ],
    // inc qword [rsi] (the counter is the 2nd argument) ; ret
    countUp: [0x48, 0xff, 0x06, 0xc3],
  },
  aarch64: {
    returnOne: words([0x52800020, 0xd65f03c0]), // mov w0, #1 ; ret
    returnThree: words([0x52800060, 0xd65f03c0]), // mov w0, #3 ; ret
    writeZeros3: words([
      0xf1000cbf, // cmp x5, #3
      0x540000a3, // b.lo fail (+5 instructions)
      0x7900009f, // strh wzr, [x4]
      0x3900089f, // strb wzr, [x4, #2]
      0xd2800060, // mov x0, #3
      0xd65f03c0, // ret
      0x92800000, // fail: mov x0, #-1
      0xd65f03c0, // ret
    ]),
    countUp: words([
      0xf9400022, // ldr x2, [x1]
      0x91000442, // add x2, x2, #1
      0xf9000022, // str x2, [x1]
      0xd65f03c0, // ret
    ]),
  },
};

/** The stubs {@linkcode nativeStubs} provides. */
export type StubName = "returnOne" | "returnThree" | "writeZeros3" | "countUp";

function words(list: number[]): number[] {
  const bytes = new Uint8Array(new Uint32Array(list).buffer); // little-endian hosts only
  return [...bytes];
}

/** Lays the stubs of `arch` out in one page; returns the page and each stub's offset. */
export function layoutStubs(
  arch: string,
): { page: Uint8Array; offsets: Record<StubName, number> } | null {
  const code = STUB_CODE[arch];
  if (!code) return null;
  const page = new Uint8Array(PAGE);
  const offsets = {} as Record<StubName, number>;
  let at = 0;
  for (const name of Object.keys(code) as StubName[]) {
    offsets[name] = at;
    page.set(code[name], at);
    at += Math.ceil(code[name].length / 16) * 16;
  }
  return { page, offsets };
}

let cached: Record<StubName, Deno.PointerObject> | null | undefined;

/**
 * The stubs as native function pointers (mapped once per process), or null
 * on an architecture without stubs or where the system refuses executable
 * memory (for example SELinux `deny_execmem`).
 */
export function nativeStubs(): Record<StubName, Deno.PointerObject> | null {
  if (cached !== undefined) return cached;
  cached = null;
  const layout = layoutStubs(Deno.build.arch);
  if (!layout || Deno.build.os !== "linux") return null;
  const c = libc();
  const base = c.mmap(
    null,
    BigInt(PAGE),
    PROT_READ | PROT_WRITE,
    MAP_PRIVATE | MAP_ANONYMOUS,
    -1,
    0n,
  );
  if (base === null || Deno.UnsafePointer.value(base) === MAP_FAILED) return null;
  new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(base, PAGE)).set(layout.page);
  if (c.mprotect(base, BigInt(PAGE), PROT_READ | PROT_EXEC) !== 0) return null;
  const at = (offset: number) => Deno.UnsafePointer.offset(base, offset)!;
  cached = {
    returnOne: at(layout.offsets.returnOne),
    returnThree: at(layout.offsets.returnThree),
    writeZeros3: at(layout.offsets.writeZeros3),
    countUp: at(layout.offsets.countUp),
  };
  return cached;
}

import assert from "node:assert/strict";
import { crc32, encodePng } from "./png.ts";

/** Splits a PNG into its chunks, checking each CRC. */
function chunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out = [];
  for (let at = 8; at < png.length;) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    assert.equal(
      view.getUint32(at + 8 + length),
      crc32(png.subarray(at + 4, at + 8 + length)),
      type,
    );
    out.push({ type, data });
    at += 12 + length;
  }
  return out;
}

Deno.test("crc32() matches the standard check value", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
});

Deno.test("encodePng() writes IHDR, IDAT and IEND whose pixels decode back", async () => {
  const rgba = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 1, 2, 3, 4]);
  const png = await encodePng(rgba, { width: 2, height: 2 });
  const parts = chunks(png);
  assert.deepEqual(parts.map((c) => c.type), ["IHDR", "IDAT", "IEND"]);
  assert.deepEqual([...parts[0]!.data], [0, 0, 0, 2, 0, 0, 0, 2, 8, 6, 0, 0, 0]);
  const stream = new Blob([parts[1]!.data as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("deflate"));
  const raw = new Uint8Array(await new Response(stream).arrayBuffer());
  assert.deepEqual([...raw], [0, ...rgba.subarray(0, 8), 0, ...rgba.subarray(8)]);
});

Deno.test("encodePng() refuses a buffer of the wrong size", async () => {
  await assert.rejects(
    () => encodePng(new Uint8Array(3), { width: 1, height: 1 }),
    /expected 4 bytes, got 3/,
  );
});

import assert from "node:assert/strict";
import { fillMbInfo, MB_CONSTANT, mbGrid } from "./mb_info.ts";

/** The changed macroblocks of `out` as "col,row" strings. */
function changedBlocks(out: Uint8Array, cols: number): string[] {
  const result: string[] = [];
  out.forEach((b, i) => {
    if (b === 0) result.push(`${i % cols},${Math.floor(i / cols)}`);
  });
  return result;
}

Deno.test("mbGrid() counts partial macroblocks", () => {
  assert.deepEqual(mbGrid({ width: 1280, height: 720 }), { cols: 80, rows: 45 });
  assert.deepEqual(mbGrid({ width: 1023, height: 767 }), { cols: 64, rows: 48 });
});

Deno.test("fillMbInfo() marks only the macroblocks a box touches", () => {
  const size = { width: 64, height: 48 };
  const out = new Uint8Array(4 * 3);
  // x 15..16 crosses the first column boundary; y 16..31 is exactly row 1.
  assert.equal(fillMbInfo(out, size, [{ x: 15, y: 16, width: 2, height: 16 }]), 2);
  assert.deepEqual(changedBlocks(out, 4), ["0,1", "1,1"]);
  assert.equal(out.filter((b) => b === MB_CONSTANT).length, 10);
});

Deno.test("fillMbInfo() counts overlapping boxes once and clips to the picture", () => {
  const size = { width: 40, height: 20 };
  const out = new Uint8Array(3 * 2);
  const count = fillMbInfo(out, size, [
    { x: 0, y: 0, width: 16, height: 16 },
    { x: 8, y: 8, width: 8, height: 8 },
    { x: 32, y: 16, width: 100, height: 100 },
    { x: -50, y: 0, width: 10, height: 10 },
    { x: 60, y: 0, width: 10, height: 10 },
  ]);
  assert.equal(count, 2);
  assert.deepEqual(changedBlocks(out, 3), ["0,0", "2,1"]);
});

Deno.test("fillMbInfo() with no boxes marks everything constant", () => {
  const out = new Uint8Array(80 * 45).fill(0);
  assert.equal(fillMbInfo(out, { width: 1280, height: 720 }, []), 0);
  assert.ok(out.every((b) => b === MB_CONSTANT));
});

Deno.test('fillMbInfo() with "all" marks every macroblock changed (keyframe, paint-over)', () => {
  const out = new Uint8Array(80 * 45).fill(MB_CONSTANT);
  assert.equal(fillMbInfo(out, { width: 1280, height: 720 }, "all"), 3600);
  assert.ok(out.every((b) => b === 0));
});

Deno.test("fillMbInfo() refuses an array of the wrong size", () => {
  assert.throws(
    () => fillMbInfo(new Uint8Array(10), { width: 1280, height: 720 }, []),
    /Cannot fill mb_info: 1280x720 has 3600 macroblocks, the array 10 bytes/,
  );
});

import assert from "node:assert/strict";
import { uploadRefusal } from "./file_transfer.ts";

Deno.test("uploadRefusal() refuses a file over the limit before sending it", () => {
  const mib = 1024 * 1024;
  assert.equal(
    uploadRefusal({ name: "a.iso", size: 3 * mib }, mib),
    '"a.iso" is 3 MiB: over the limit of 1 MiB',
  );
  assert.equal(uploadRefusal({ name: "a.txt", size: mib }, mib), undefined);
  assert.equal(uploadRefusal({ name: "empty", size: 0 }, mib), undefined);
});

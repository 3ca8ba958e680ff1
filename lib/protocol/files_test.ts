import assert from "node:assert/strict";
import { fileUrl, humanBytes, uploadUrl } from "./files.ts";

Deno.test("humanBytes() says sizes the way people read them", () => {
  assert.equal(humanBytes(0), "0 bytes");
  assert.equal(humanBytes(1), "1 byte");
  assert.equal(humanBytes(1023), "1023 bytes");
  assert.equal(humanBytes(1024), "1 KiB");
  assert.equal(humanBytes(1536), "1.5 KiB");
  assert.equal(humanBytes(3 * 1024 * 1024), "3 MiB");
  assert.equal(humanBytes(12.6 * 1024 * 1024), "13 MiB");
  assert.equal(humanBytes(1024 ** 4), "1048576 MiB");
});

Deno.test("fileUrl() and uploadUrl() escape the name whole, slashes included", () => {
  assert.equal(fileUrl("a b/c?.txt"), "files/a%20b%2Fc%3F.txt");
  assert.equal(uploadUrl("Résumé&x=1.pdf"), "files?name=R%C3%A9sum%C3%A9%26x%3D1.pdf");
});

import assert from "node:assert/strict";
import {
  decodeXauthority,
  encodeXauthority,
  FAMILY_LOCAL,
  FAMILY_WILD,
  MIT_MAGIC_COOKIE,
  writeXCookie,
} from "./xauth.ts";

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const COOKIE = Uint8Array.from(
  "0123456789abcdef0123456789abcdef".match(/../g)!,
  (h) => parseInt(h, 16),
);

Deno.test("encodeXauthority() writes the bytes `xauth add` writes for a local entry", () => {
  // From `xauth -f F add vm/unix:77 MIT-MAGIC-COOKIE-1 0123456789abcdef0123456789abcdef`.
  const bytes = encodeXauthority([
    { family: FAMILY_LOCAL, address: "vm", number: "77", name: MIT_MAGIC_COOKIE, data: COOKIE },
  ]);
  assert.equal(
    hex(bytes),
    "01000002766d000237370012" + hex(new TextEncoder().encode(MIT_MAGIC_COOKIE)) + "0010" +
      "0123456789abcdef0123456789abcdef",
  );
});

Deno.test("encodeXauthority() writes a wildcard entry with an empty address", () => {
  const bytes = encodeXauthority([
    { family: FAMILY_WILD, address: "", number: "7", name: "X", data: new Uint8Array([9]) },
  ]);
  assert.equal(hex(bytes), "ffff0000000137000158000109");
});

Deno.test("decodeXauthority() reads back what encodeXauthority() wrote, entry by entry", () => {
  const entries = [
    { family: FAMILY_WILD, address: "", number: "20", name: MIT_MAGIC_COOKIE, data: COOKIE },
    { family: FAMILY_LOCAL, address: "host", number: "0", name: MIT_MAGIC_COOKIE, data: COOKIE },
  ];
  assert.deepEqual(decodeXauthority(encodeXauthority(entries)), entries);
});

Deno.test("decodeXauthority() refuses a truncated file", () => {
  const bytes = encodeXauthority([
    { family: FAMILY_WILD, address: "", number: "1", name: MIT_MAGIC_COOKIE, data: COOKIE },
  ]);
  assert.throws(() => decodeXauthority(bytes.slice(0, -1)), {
    name: "RangeError",
    message: "Truncated X authority file",
  });
});

Deno.test("writeXCookie() writes a fresh 16-byte wildcard cookie into a 0600 file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/Xauthority`;
    const first = await writeXCookie(path, 21);
    assert.equal(first.authority, path);
    assert.equal(first.cookie.length, 16);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.deepEqual(decodeXauthority(await Deno.readFile(path)), [
      {
        family: FAMILY_WILD,
        address: "",
        number: "21",
        name: MIT_MAGIC_COOKIE,
        data: first.cookie,
      },
    ]);
    const second = await writeXCookie(path, 22);
    assert.notDeepEqual(second.cookie, first.cookie);
    assert.equal(decodeXauthority(await Deno.readFile(path)).length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

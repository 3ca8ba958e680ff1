import assert from "node:assert/strict";
import { codePointToKeysym, keysymFromName } from "./keysyms.ts";
import { DEFAULT_KEYSYMDEF, generateKeysyms, parseKeysymdef } from "../../tools/gen_keysyms.ts";

const canRead = Deno.permissions.querySync({ name: "read", path: DEFAULT_KEYSYMDEF }).state ===
  "granted";

Deno.test("codePointToKeysym() returns Latin-1 printable characters unchanged", () => {
  assert.equal(codePointToKeysym(0x20), 0x20);
  assert.equal(codePointToKeysym("a".codePointAt(0)!), 0x61);
  assert.equal(codePointToKeysym("~".codePointAt(0)!), 0x7e);
  assert.equal(codePointToKeysym(0xa0), 0xa0);
  assert.equal(codePointToKeysym("ö".codePointAt(0)!), 0xf6);
  assert.equal(codePointToKeysym("ñ".codePointAt(0)!), 0xf1);
  assert.equal(codePointToKeysym("ÿ".codePointAt(0)!), 0xff);
});

Deno.test("codePointToKeysym() returns the legacy keysym of keysymdef.h", () => {
  assert.equal(codePointToKeysym("€".codePointAt(0)!), 0x20ac); // EuroSign
  assert.equal(codePointToKeysym("Ж".codePointAt(0)!), 0x6f6); // Cyrillic_ZHE
  assert.equal(codePointToKeysym("ж".codePointAt(0)!), 0x6d6); // Cyrillic_zhe
  assert.equal(codePointToKeysym("Ā".codePointAt(0)!), 0x3c0); // Amacron
  assert.equal(codePointToKeysym("λ".codePointAt(0)!), 0x7eb); // Greek_lambda
  assert.equal(codePointToKeysym("ア".codePointAt(0)!), 0x4b1); // kana_A
  assert.equal(codePointToKeysym("…".codePointAt(0)!), 0xaae); // ellipsis
});

Deno.test("codePointToKeysym() returns the Unicode keysym when keysymdef.h has no legacy one", () => {
  assert.equal(codePointToKeysym("中".codePointAt(0)!), 0x01004e2d);
  assert.equal(codePointToKeysym("😀".codePointAt(0)!), 0x0101f600);
  assert.equal(codePointToKeysym(0x10ffff), 0x0110ffff);
  assert.equal(codePointToKeysym(0x80), 0x01000080);
});

Deno.test("codePointToKeysym() maps control characters to the keys that type them", () => {
  assert.equal(codePointToKeysym(0x08), 0xff08);
  assert.equal(codePointToKeysym(0x09), 0xff09);
  assert.equal(codePointToKeysym(0x0a), 0xff0d);
  assert.equal(codePointToKeysym(0x0d), 0xff0d);
  assert.equal(codePointToKeysym(0x1b), 0xff1b);
  assert.equal(codePointToKeysym(0x7f), 0xffff);
});

Deno.test("codePointToKeysym() throws RangeError for a value that is not a code point", () => {
  assert.throws(() => codePointToKeysym(-1), {
    name: "RangeError",
    message: "Cannot map code point: must be an integer 0-0x10ffff, received -1",
  });
  assert.throws(() => codePointToKeysym(0x110000), RangeError);
  assert.throws(() => codePointToKeysym(1.5), RangeError);
});

Deno.test("keysymFromName() returns the keysym of named keys", () => {
  assert.equal(keysymFromName("Return"), 0xff0d);
  assert.equal(keysymFromName("BackSpace"), 0xff08);
  assert.equal(keysymFromName("Prior"), 0xff55);
  assert.equal(keysymFromName("Page_Up"), 0xff55);
  assert.equal(keysymFromName("Henkan"), 0xff23);
  assert.equal(keysymFromName("KP_Enter"), 0xff8d);
  assert.equal(keysymFromName("KP_9"), 0xffb9);
  assert.equal(keysymFromName("F1"), 0xffbe);
  assert.equal(keysymFromName("F24"), 0xffd5);
  assert.equal(keysymFromName("Super_R"), 0xffec);
  assert.equal(keysymFromName("Delete"), 0xffff);
  assert.equal(keysymFromName("ISO_Level3_Shift"), 0xfe03);
  assert.equal(keysymFromName("ISO_Left_Tab"), 0xfe20);
  assert.equal(keysymFromName("Hangul"), 0xff31);
  assert.equal(keysymFromName("Hangul_Hanja"), 0xff34);
});

Deno.test("keysymFromName() reads Unicode names and rejects unknown ones", () => {
  assert.equal(keysymFromName("U20AC"), 0x010020ac);
  assert.equal(keysymFromName("U0041"), 0x41);
  assert.equal(keysymFromName("U0009"), undefined);
  assert.equal(keysymFromName("U110000"), undefined);
  assert.equal(keysymFromName("EuroSign"), undefined);
  assert.equal(keysymFromName("return"), undefined);
  assert.equal(keysymFromName(""), undefined);
});

Deno.test({
  name: "codePointToKeysym() agrees with every one-to-one line of keysymdef.h",
  ignore: !canRead,
  fn() {
    const seen = new Set<number>();
    let checked = 0;
    for (const d of parseKeysymdef(Deno.readTextFileSync(DEFAULT_KEYSYMDEF))) {
      const cp = d.codePoint;
      if (cp === undefined || seen.has(cp) || cp < 0x20) continue;
      seen.add(cp);
      const want = d.keysym >= 0x01000000 ? 0x01000000 + cp : d.keysym;
      assert.equal(codePointToKeysym(cp), want, `${d.name} U+${cp.toString(16)}`);
      checked++;
    }
    assert.equal(checked > 1400, true);
  },
});

Deno.test({
  name: "keysymFromName() knows every name of keysymdef.h from 0xff00 to 0xffff",
  ignore: !canRead,
  fn() {
    const page = parseKeysymdef(Deno.readTextFileSync(DEFAULT_KEYSYMDEF))
      .filter((d) => d.keysym >= 0xff00 && d.keysym <= 0xffff);
    assert.equal(page.length, 202);
    for (const d of page) assert.equal(keysymFromName(d.name), d.keysym, d.name);
  },
});

Deno.test({
  name:
    "generateKeysyms() reproduces lib/protocol/_keysym_tables.ts from the installed keysymdef.h",
  ignore: !canRead,
  fn() {
    const committed = Deno.readTextFileSync(new URL("./_keysym_tables.ts", import.meta.url));
    assert.equal(generateKeysyms(Deno.readTextFileSync(DEFAULT_KEYSYMDEF)), committed);
  },
});

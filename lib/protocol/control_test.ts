import assert from "node:assert/strict";
import { cleanDisplayName, defaultDisplayName, isRole, MAX_DISPLAY_NAME } from "./control.ts";

Deno.test("cleanDisplayName() keeps an ordinary name as it is", () => {
  assert.equal(cleanDisplayName("Ada Lovelace"), "Ada Lovelace");
  assert.equal(cleanDisplayName("Жанна 中 😀"), "Жанна 中 😀");
});

Deno.test("cleanDisplayName() removes control and text-reordering characters", () => {
  assert.equal(cleanDisplayName("Ada\u0000\u0007\u001b[31m"), "Ada[31m");
  assert.equal(cleanDisplayName("evil\u202egnp.exe"), "evilgnp.exe");
  assert.equal(cleanDisplayName("a\u200bb\u2066c\ufeff"), "abc");
  assert.equal(cleanDisplayName("\u0085x\u009f"), "x");
});

Deno.test("cleanDisplayName() folds white space and trims", () => {
  assert.equal(cleanDisplayName("  Ada \n\t Lovelace  "), "Ada Lovelace");
  assert.equal(cleanDisplayName(" \u202e\n "), "");
});

Deno.test("cleanDisplayName() cuts at MAX_DISPLAY_NAME characters, not UTF-16 units", () => {
  const long = "😀".repeat(40);
  assert.equal([...cleanDisplayName(long)].length, MAX_DISPLAY_NAME);
  assert.equal(cleanDisplayName(`${"a".repeat(31)} b`), "a".repeat(31));
});

Deno.test("defaultDisplayName() numbers the viewer after its peer id", () => {
  assert.equal(defaultDisplayName("p7"), "viewer 7");
  assert.equal(defaultDisplayName("x"), "viewer x");
});

Deno.test("isRole() accepts full and view only", () => {
  assert.equal(isRole("full"), true);
  assert.equal(isRole("view"), true);
  assert.equal(isRole("admin"), false);
  assert.equal(isRole(undefined), false);
});

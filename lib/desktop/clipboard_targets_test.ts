import assert from "node:assert/strict";
import {
  answerFor,
  chooseTarget,
  latin1,
  mimeOfTarget,
  targetsFor,
  toUtf8,
} from "./clipboard_targets.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);

Deno.test("chooseTarget() prefers UTF-8 text, then Latin-1 text, then PNG", () => {
  assert.equal(chooseTarget(["TARGETS", "STRING", "UTF8_STRING", "image/png"]), "UTF8_STRING");
  assert.equal(chooseTarget(["text/plain;charset=utf-8", "STRING"]), "text/plain;charset=utf-8");
  assert.equal(chooseTarget(["TARGETS", "STRING"]), "STRING");
  assert.equal(chooseTarget(["TARGETS", "image/png", "image/bmp"]), "image/png");
  assert.equal(chooseTarget(["TARGETS", "text/html", "TEXT"]), undefined);
});

Deno.test("mimeOfTarget() and targetsFor() agree", () => {
  for (const t of targetsFor("text/plain")) assert.equal(mimeOfTarget(t), "text/plain");
  assert.deepEqual(targetsFor("image/png"), ["image/png"]);
  assert.equal(mimeOfTarget("text/html"), undefined);
});

Deno.test("answerFor() serves UTF-8, Latin-1 for STRING, and PNG only as PNG", () => {
  const text = { mime: "text/plain" as const, bytes: utf8("Grüße, 世界, Ж") };
  assert.deepEqual(answerFor("UTF8_STRING", text), { type: "UTF8_STRING", bytes: text.bytes });
  assert.deepEqual(answerFor("TEXT", text), { type: "UTF8_STRING", bytes: text.bytes });
  assert.deepEqual(answerFor("STRING", text), {
    type: "STRING",
    bytes: Uint8Array.from([..."Grüße, ??, ?"].map((c) => c.charCodeAt(0))),
  });
  assert.equal(answerFor("image/png", text), undefined);
  const png = { mime: "image/png" as const, bytes: Uint8Array.of(0x89, 0x50) };
  assert.deepEqual(answerFor("image/png", png), { type: "image/png", bytes: png.bytes });
  assert.equal(answerFor("UTF8_STRING", png), undefined);
});

Deno.test("latin1() and toUtf8() convert STRING both ways", () => {
  assert.deepEqual(latin1(utf8("é€")), Uint8Array.of(0xe9, 0x3f));
  assert.equal(new TextDecoder().decode(toUtf8("STRING", Uint8Array.of(0x47, 0xfc))), "Gü");
  assert.deepEqual(toUtf8("UTF8_STRING", utf8("Ж")), utf8("Ж"));
});

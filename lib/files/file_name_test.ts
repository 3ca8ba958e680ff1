import assert from "node:assert/strict";
import { checkFileName, MAX_FILE_NAME_BYTES, numberedName } from "./file_name.ts";

Deno.test("checkFileName() accepts ordinary names, any script", () => {
  for (
    const name of ["report.pdf", "Foto 2024-01-01 12:00.jpg", "Жанна.txt", "中文 😀", "a..b", "x."]
  ) {
    assert.equal(checkFileName(name), name);
  }
});

Deno.test("checkFileName() refuses traversal, separators, NULs, controls and hidden names", () => {
  const cases: [string, string][] = [
    ["", "it is empty"],
    ["../../etc/x", "it contains a path separator (/ or \\)"],
    ["/etc/passwd", "it contains a path separator (/ or \\)"],
    ["..\\..\\boot.ini", "it contains a path separator (/ or \\)"],
    ["..", "it names a folder"],
    [".", "it names a folder"],
    [".bashrc", "it starts with a dot (hidden files are not transferred)"],
    ["a\u0000b", "it contains a NUL character"],
    ["line\nbreak", "it contains a control character"],
    ["esc\u001b[2J", "it contains a control character"],
    ["del\u007f", "it contains a control character"],
    ["c1\u0085", "it contains a control character"],
    ["invoice\u202efdp.exe", "it contains an invisible or text-reordering character"],
    ["zero\u200bwidth", "it contains an invisible or text-reordering character"],
    ["lone \ud800 surrogate", "it is not valid Unicode"],
  ];
  for (const [name, problem] of cases) {
    assert.throws(() => checkFileName(name), {
      name: "RangeError",
      message: `Cannot accept the file name ${JSON.stringify(name)}: ${problem}`,
    });
  }
});

Deno.test("checkFileName() counts the length in bytes of UTF-8", () => {
  assert.equal(checkFileName("a".repeat(MAX_FILE_NAME_BYTES)).length, MAX_FILE_NAME_BYTES);
  assert.throws(() => checkFileName("a".repeat(MAX_FILE_NAME_BYTES + 1)), /241 bytes long/);
  // 80 characters of 3 bytes each: 240 bytes, fine; one more is 243.
  assert.equal(checkFileName("中".repeat(80)), "中".repeat(80));
  assert.throws(() => checkFileName("中".repeat(81)), /243 bytes long; the limit is 240/);
});

Deno.test("numberedName() puts the number before the extension", () => {
  assert.equal(numberedName("report.pdf", 0), "report.pdf");
  assert.equal(numberedName("report.pdf", 1), "report (1).pdf");
  assert.equal(numberedName("archive.tar.gz", 2), "archive (2).tar.gz");
  assert.equal(numberedName("Makefile", 3), "Makefile (3)");
  assert.equal(numberedName("v1.2 notes", 1), "v1.2 notes (1)");
  assert.equal(numberedName("x.", 1), "x. (1)");
  assert.equal(numberedName("a.b.c", 999), "a.b (999).c");
  // The numbered name of the longest acceptable name still fits Linux's 255 bytes.
  const long = "a".repeat(MAX_FILE_NAME_BYTES - 4) + ".txt";
  assert.equal(new TextEncoder().encode(numberedName(long, 999)).length, 246);
});

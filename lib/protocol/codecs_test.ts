import assert from "node:assert/strict";
import { decodableCodecs, MAX_DECODABLE_CODECS, parseDecodableCodecs } from "./codecs.ts";

Deno.test("decodableCodecs() drops repair formats, duplicates and oversized entries", () => {
  assert.deepEqual(
    decodableCodecs([
      { mimeType: "video/VP8" },
      { mimeType: "video/rtx" },
      { mimeType: "video/VP8" },
      { mimeType: "video/RED" },
      { mimeType: "video/flexfec-03", sdpFmtpLine: "repair-window=10000000" },
      { mimeType: "video/AV1", sdpFmtpLine: "x".repeat(600) },
      { mimeType: `video/${"y".repeat(80)}` },
    ]),
    [{ mimeType: "video/VP8" }, { mimeType: "video/AV1" }],
  );
  const many = Array.from({ length: 100 }, (_, i) => ({ mimeType: `video/X${i}` }));
  assert.equal(decodableCodecs(many).length, MAX_DECODABLE_CODECS);
});

Deno.test("parseDecodableCodecs() checks every entry and says what is wrong", () => {
  assert.deepEqual(parseDecodableCodecs([{ mimeType: "video/VP9", sdpFmtpLine: "profile-id=0" }]), [
    { mimeType: "video/VP9", sdpFmtpLine: "profile-id=0" },
  ]);
  assert.deepEqual(parseDecodableCodecs([]), []);
  const cases: [unknown, string][] = [
    [{}, '"codecs" must be an array'],
    [[1], '"codecs" must hold objects'],
    [[{ sdpFmtpLine: "x" }], '"codecs" entries need a "mimeType" of at most 64 characters'],
    [
      [{ mimeType: "video/VP8", sdpFmtpLine: 3 }],
      `"codecs" entries' "sdpFmtpLine" must be a string of at most 512 characters`,
    ],
    [Array(65).fill({ mimeType: "video/VP8" }), '"codecs" has more than 64 entries'],
  ];
  for (const [value, message] of cases) {
    assert.throws(() => parseDecodableCodecs(value), {
      name: "RangeError",
      message: `Cannot parse "hello" message: ${message}`,
    });
  }
});

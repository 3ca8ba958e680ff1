import assert from "node:assert/strict";
import { browserCodecs, streamErrorText } from "./codecs.ts";

Deno.test("browserCodecs() reports getCapabilities' video codecs without repair formats", () => {
  const receiver = {
    getCapabilities: (kind: string) => {
      assert.equal(kind, "video");
      return {
        codecs: [
          { mimeType: "video/VP8", sdpFmtpLine: "max-fs=12288;max-fr=60" },
          { mimeType: "video/rtx" },
          { mimeType: "video/H264", sdpFmtpLine: "packetization-mode=1;profile-level-id=42e01f" },
          { mimeType: "video/H264", sdpFmtpLine: "packetization-mode=1;profile-level-id=42e01f" },
          { mimeType: "video/AV1" },
          { mimeType: "video/red" },
          { mimeType: "video/ulpfec" },
          { mimeType: "video/flexfec-03", sdpFmtpLine: "repair-window=10000000" },
        ],
      };
    },
  };
  assert.deepEqual(browserCodecs(receiver), [
    { mimeType: "video/VP8", sdpFmtpLine: "max-fs=12288;max-fr=60" },
    { mimeType: "video/H264", sdpFmtpLine: "packetization-mode=1;profile-level-id=42e01f" },
    { mimeType: "video/AV1" },
  ]);
});

Deno.test("browserCodecs() is undefined where the browser cannot say", () => {
  assert.equal(browserCodecs(undefined), undefined);
  assert.equal(browserCodecs({}), undefined);
  assert.equal(browserCodecs({ getCapabilities: () => null }), undefined);
  assert.equal(
    browserCodecs({
      getCapabilities: () => {
        throw new TypeError("no");
      },
    }),
    undefined,
  );
});

Deno.test("streamErrorText() names the format in words, never the browser's exception", () => {
  assert.equal(
    streamErrorText("vp9enc"),
    "Your browser could not start the video stream (VP9); reload the page, or choose another format in the menu.",
  );
  assert.equal(
    streamErrorText(undefined),
    "Your browser could not start the video stream; reload the page, or choose another format in the menu.",
  );
});

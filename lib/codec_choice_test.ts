import assert from "node:assert/strict";
import {
  chooseEncoder,
  decodableEncoders,
  decodes,
  isConstrainedBaseline,
} from "./codec_choice.ts";
import type { DecodableCodec } from "./protocol/codecs.ts";
import { DEFAULT_FALLBACK_ENCODERS } from "./protocol/encoders.ts";

/** What Chromium 14x lists (repair formats dropped). */
const CHROMIUM: DecodableCodec[] = [
  { mimeType: "video/VP8" },
  { mimeType: "video/VP9", sdpFmtpLine: "profile-id=0" },
  { mimeType: "video/VP9", sdpFmtpLine: "profile-id=2" },
  {
    mimeType: "video/H264",
    sdpFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f",
  },
  {
    mimeType: "video/H264",
    sdpFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
  },
  { mimeType: "video/AV1", sdpFmtpLine: "level-idx=5;profile=0;tier=0" },
];
/** What Debian's Firefox ESR lists offline (no OpenH264 download). */
const FIREFOX: DecodableCodec[] = [
  { mimeType: "video/VP8", sdpFmtpLine: "max-fs=12288;max-fr=60" },
  { mimeType: "video/VP9", sdpFmtpLine: "max-fs=12288;max-fr=60" },
  { mimeType: "video/AV1" },
];
const OFFERED = ["x264enc", ...DEFAULT_FALLBACK_ENCODERS.filter((e) => e !== "x264enc")] as const;

Deno.test("isConstrainedBaseline() follows RFC 6184's profile table", () => {
  assert.equal(isConstrainedBaseline("42e01f"), true);
  assert.equal(isConstrainedBaseline("42c02a"), true); // what x264 writes at level 4.2
  assert.equal(isConstrainedBaseline("4d801f"), true);
  assert.equal(isConstrainedBaseline("58c01f"), true);
  assert.equal(isConstrainedBaseline("42001f"), false); // Baseline
  assert.equal(isConstrainedBaseline("4d001f"), false); // Main
  assert.equal(isConstrainedBaseline("640c1f"), false); // Constrained High
  assert.equal(isConstrainedBaseline("42e41f"), false); // reserved bit set
  assert.equal(isConstrainedBaseline("42e0"), false);
  assert.equal(isConstrainedBaseline("zze01f"), false);
});

Deno.test("decodes() needs H.264 Constrained Baseline in packetization mode 1", () => {
  const h264 = (fmtp: string) => decodes([{ mimeType: "video/H264", sdpFmtpLine: fmtp }], "H264");
  assert.equal(h264("packetization-mode=1;profile-level-id=42e01f"), true);
  assert.equal(h264("PROFILE-LEVEL-ID=42E01F; packetization-mode=1"), true);
  assert.equal(h264("packetization-mode=0;profile-level-id=42e01f"), false);
  assert.equal(h264("profile-level-id=42e01f"), false);
  assert.equal(h264("packetization-mode=1;profile-level-id=64001f"), false);
  assert.equal(h264("packetization-mode=1"), false); // default profile: Baseline
  assert.equal(
    decodes([{ mimeType: "video/h264", sdpFmtpLine: "packetization-mode=1" }], "VP8"),
    false,
  );
});

Deno.test("decodes() takes VP9 and AV1 profile 0 (also by default) and any VP8", () => {
  assert.equal(decodes(FIREFOX, "VP8"), true);
  assert.equal(decodes(FIREFOX, "VP9"), true);
  assert.equal(decodes(FIREFOX, "AV1"), true);
  assert.equal(decodes(FIREFOX, "H264"), false);
  assert.equal(decodes([{ mimeType: "video/VP9", sdpFmtpLine: "profile-id=2" }], "VP9"), false);
  assert.equal(decodes([{ mimeType: "video/AV1", sdpFmtpLine: "profile=1" }], "AV1"), false);
  assert.equal(decodes([], "VP8"), false);
});

Deno.test("chooseEncoder() keeps the configured encoder when the browser decodes it", () => {
  assert.deepEqual(chooseEncoder({ decodable: CHROMIUM, offered: OFFERED }), {
    encoder: "x264enc",
    reason: "the browser decodes H.264: x264enc, the first offered",
  });
});

Deno.test("chooseEncoder() falls back in order for Firefox without H.264", () => {
  assert.deepEqual(chooseEncoder({ decodable: FIREFOX, offered: OFFERED }), {
    encoder: "vp8enc",
    reason: "the browser does not decode H.264 (x264enc): vp8enc is the next offered",
  });
  assert.deepEqual(
    chooseEncoder({ decodable: FIREFOX, offered: ["x264enc", "openh264enc", "vp9enc"] }),
    {
      encoder: "vp9enc",
      reason:
        "the browser does not decode H.264 (x264enc, openh264enc): vp9enc is the next offered",
    },
  );
});

Deno.test("chooseEncoder() trusts a browser that did not say what it decodes", () => {
  assert.deepEqual(chooseEncoder({ decodable: undefined, offered: ["vp9enc", "x264enc"] }), {
    encoder: "vp9enc",
    reason: "the browser did not say what it decodes: vp9enc, the first offered",
  });
});

Deno.test("chooseEncoder() honours a request only when offered and decodable", () => {
  assert.deepEqual(chooseEncoder({ decodable: CHROMIUM, offered: OFFERED, requested: "vp9enc" }), {
    encoder: "vp9enc",
    reason: "the viewer asked for vp9enc",
  });
  assert.deepEqual(chooseEncoder({ decodable: FIREFOX, offered: OFFERED, requested: "x264enc" }), {
    encoder: "vp8enc",
    reason:
      "x264enc was asked for but is not decoded by the browser; the browser does not decode H.264 (x264enc): vp8enc is the next offered",
  });
  assert.deepEqual(chooseEncoder({ decodable: CHROMIUM, offered: OFFERED, requested: "av1enc" }), {
    encoder: "x264enc",
    reason:
      "av1enc was asked for but is not offered; the browser decodes H.264: x264enc, the first offered",
  });
});

Deno.test("chooseEncoder() tells the user in a sentence when nothing fits", () => {
  assert.deepEqual(
    chooseEncoder({
      decodable: FIREFOX,
      offered: ["x264enc"],
      installed: ["openh264enc", "vp8enc"],
    }),
    {
      encoder: null,
      reason:
        "the browser decodes none of H.264 (x264enc); vp8enc is installed but not offered (--fallback-encoders)",
      message:
        "Your browser cannot decode any video format this server offers (H.264); try Chrome, or ask the administrator to enable VP8.",
    },
  );
  assert.deepEqual(chooseEncoder({ decodable: [], offered: ["x264enc", "openh264enc"] }), {
    encoder: null,
    reason: "the browser decodes none of H.264 (x264enc, openh264enc)",
    message: "Your browser cannot decode any video format this server offers (H.264); try Chrome.",
  });
  const none = chooseEncoder({ decodable: CHROMIUM, offered: [] });
  assert.equal(none.encoder, null);
});

Deno.test("decodableEncoders() lists the menu's choices in the offered order", () => {
  assert.deepEqual(decodableEncoders(FIREFOX, OFFERED), ["vp8enc", "vp9enc"]);
  assert.deepEqual(decodableEncoders(CHROMIUM, OFFERED), [...OFFERED]);
  assert.deepEqual(decodableEncoders(undefined, ["vp9enc"]), ["vp9enc"]);
});

import assert from "node:assert/strict";
import type { DecodableCodec } from "./protocol/codecs.ts";
import type { Encoder } from "./protocol/encoders.ts";
import type { ToHelper } from "./protocol/helper.ts";
import { ViewerEncoders } from "./viewer_encoders.ts";

const CHROMIUM: DecodableCodec[] = [
  { mimeType: "video/VP8" },
  { mimeType: "video/VP9", sdpFmtpLine: "profile-id=0" },
  { mimeType: "video/H264", sdpFmtpLine: "packetization-mode=1;profile-level-id=42e01f" },
];
const FIREFOX: DecodableCodec[] = [{ mimeType: "video/VP8" }, { mimeType: "video/VP9" }];

function model(offered: Encoder[] = ["x264enc", "vp8enc", "vp9enc"]) {
  return new ViewerEncoders({
    offered,
    installed: ["openh264enc"],
    tier: (encoder) => ({
      type: "tier-add",
      tier: encoder,
      pipeline: `${encoder} pipeline`,
      tee: "t",
      encoder: "e",
    }),
  });
}

/** "tier-add vp8enc", "peer-add p1 vp8enc", "peer-remove p1", "tier-remove vp8enc". */
function short(messages: ToHelper[]): string[] {
  return messages.map((m) => {
    switch (m.type) {
      case "tier-add":
      case "tier-remove":
        return `${m.type} ${m.tier}`;
      case "peer-add":
        return `peer-add ${m.peer} ${m.tier ?? "-"}`;
      case "peer-remove":
        return `peer-remove ${m.peer}`;
      default:
        return m.type;
    }
  });
}

Deno.test("ViewerEncoders.join() tells each viewer its encoder and choices", () => {
  const m = model();
  assert.deepEqual(m.join("c", CHROMIUM).message, {
    type: "encoder",
    encoder: "x264enc",
    encoders: ["x264enc", "vp8enc", "vp9enc"],
  });
  assert.deepEqual(m.join("f", FIREFOX).message, {
    type: "encoder",
    encoder: "vp8enc",
    encoders: ["vp8enc", "vp9enc"],
  });
  assert.equal(m.encoderOf("f"), "vp8enc");
});

Deno.test("ViewerEncoders.join() answers a browser that decodes nothing offered with no-codec", () => {
  const m = model(["x264enc"]);
  const { choice, message } = m.join("f", FIREFOX);
  assert.equal(choice.encoder, null);
  assert.deepEqual(message, {
    type: "error",
    code: "no-codec",
    message: "Your browser cannot decode any video format this server offers (H.264); try Chrome.",
  });
  assert.equal(m.encoderOf("f"), undefined);
  assert.deepEqual(m.addPeer("f"), []);
});

Deno.test("ViewerEncoders adds a tier with its first viewer and removes it with its last", () => {
  const m = model();
  m.join("a", CHROMIUM);
  m.join("b", CHROMIUM);
  m.join("f", FIREFOX);
  assert.deepEqual(short(m.addPeer("a")), ["tier-add x264enc", "peer-add a x264enc"]);
  assert.deepEqual(short(m.addPeer("b")), ["peer-add b x264enc"]);
  assert.deepEqual(short(m.addPeer("f")), ["tier-add vp8enc", "peer-add f vp8enc"]);
  assert.deepEqual(m.tiers, ["x264enc", "vp8enc"]);
  assert.deepEqual(short(m.removePeer("a")), ["peer-remove a"]);
  assert.deepEqual(short(m.removePeer("b")), ["peer-remove b", "tier-remove x264enc"]);
  assert.deepEqual(short(m.removePeer("b")), []);
  assert.deepEqual(m.tiers, ["vp8enc"]);
  m.resetHelper();
  assert.deepEqual(m.tiers, []);
  // A new helper builds the tier again for the viewer still there.
  assert.deepEqual(short(m.addPeer("f")), ["tier-add vp8enc", "peer-add f vp8enc"]);
});

Deno.test("ViewerEncoders.request() moves an answered viewer to the new tier at once", () => {
  const m = model();
  m.join("a", CHROMIUM);
  m.join("b", CHROMIUM);
  m.addPeer("a");
  m.addPeer("b");
  m.offered("a");
  assert.deepEqual(m.answered("a"), []);
  const decision = m.request("a", "vp9enc")!;
  assert.equal(decision.encoder, "vp9enc");
  assert.equal(decision.reason, "the viewer asked for vp9enc");
  assert.deepEqual(decision.reply, {
    type: "encoder",
    encoder: "vp9enc",
    encoders: ["x264enc", "vp8enc", "vp9enc"],
  });
  assert.deepEqual(short(decision.messages), [
    "peer-remove a",
    "tier-add vp9enc",
    "peer-add a vp9enc",
  ]);
  // The last viewer of a tier moving away removes it.
  m.offered("b");
  m.answered("b");
  assert.deepEqual(short(m.request("b", "vp9enc")!.messages), [
    "peer-remove b",
    "tier-remove x264enc",
    "peer-add b vp9enc",
  ]);
});

Deno.test("ViewerEncoders.request() waits for the answer to the current offer", () => {
  const m = model();
  m.join("a", CHROMIUM);
  m.addPeer("a");
  // Not offered yet: an offer from the old branch may still be on its way.
  assert.deepEqual(m.request("a", "vp8enc")!.messages, []);
  m.offered("a");
  assert.deepEqual(m.request("a", "vp9enc")!.messages, []);
  assert.deepEqual(short(m.answered("a")), [
    "peer-remove a",
    "tier-remove x264enc",
    "tier-add vp9enc",
    "peer-add a vp9enc",
  ]);
  assert.deepEqual(m.answered("a"), []);
});

Deno.test("ViewerEncoders.request() keeps the encoder for a request it cannot honour", () => {
  const m = model();
  m.join("f", FIREFOX);
  m.addPeer("f");
  m.offered("f");
  m.answered("f");
  const h264 = m.request("f", "x264enc")!;
  assert.equal(h264.encoder, "vp8enc");
  assert.equal(h264.reason, "x264enc is not decoded by the browser");
  assert.deepEqual(h264.messages, []);
  const av1 = m.request("f", "av1enc")!;
  assert.equal(av1.reason, "av1enc is not offered");
  assert.deepEqual(m.request("f", "vp8enc")!.messages, []);
  assert.equal(m.request("nobody", "vp8enc"), undefined);
});

Deno.test("ViewerEncoders.request() before the helper has the viewer changes only its choice", () => {
  const m = model();
  m.join("a", CHROMIUM);
  assert.deepEqual(m.request("a", "vp8enc")!.messages, []);
  assert.deepEqual(short(m.addPeer("a")), ["tier-add vp8enc", "peer-add a vp8enc"]);
  m.leave("a");
  assert.equal(m.encoderOf("a"), undefined);
});

import assert from "node:assert/strict";
import { MAX_SIGNALLING_MESSAGE, parseClientMessage, parseServerMessage } from "./signalling.ts";

Deno.test("parseClientMessage() reads hello, answer, ice and ice-restart", () => {
  assert.deepEqual(parseClientMessage('{"type":"hello","protocol":1}'), {
    type: "hello",
    protocol: 1,
  });
  assert.deepEqual(parseClientMessage('{"type":"answer","sdp":"v=0"}'), {
    type: "answer",
    sdp: "v=0",
  });
  assert.deepEqual(
    parseClientMessage(
      '{"type":"ice","candidate":"candidate:1 1 UDP 1 127.0.0.1 5 typ host","sdpMLineIndex":0}',
    ),
    { type: "ice", candidate: "candidate:1 1 UDP 1 127.0.0.1 5 typ host", sdpMLineIndex: 0 },
  );
  assert.deepEqual(parseClientMessage('{"type":"ice-restart"}'), { type: "ice-restart" });
});

Deno.test("parseClientMessage() names what is wrong", () => {
  const cases: [string, string][] = [
    ["nope", "Cannot parse message: not JSON"],
    ["null", "Cannot parse message: not a JSON object"],
    ['{"sdp":"x"}', 'Cannot parse message: missing string field "type"'],
    ['{"type":"offer","sdp":"x"}', 'Cannot parse message: unknown type "offer"'],
    [
      JSON.stringify({ type: "x".repeat(65) }),
      'Cannot parse message: "type" is longer than 64 characters',
    ],
    [
      '{"type":"hello","protocol":1e308}',
      'Cannot parse "hello" message: "protocol" must be an integer 0-1000',
    ],
    ["[".repeat(60_000), "Cannot parse message: not JSON"],
    [
      '{"type":"hello","protocol":"1"}',
      'Cannot parse "hello" message: "protocol" must be an integer 0-1000',
    ],
    [
      '{"type":"ice","candidate":"c","sdpMLineIndex":256}',
      'Cannot parse "ice" message: "sdpMLineIndex" must be an integer 0-255',
    ],
    [
      " ".repeat(MAX_SIGNALLING_MESSAGE + 1),
      `Cannot parse message: longer than ${MAX_SIGNALLING_MESSAGE} characters`,
    ],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseClientMessage(text), { name: "RangeError", message });
  }
});

Deno.test("parseServerMessage() reads what the server sends", () => {
  assert.deepEqual(
    parseServerMessage(
      '{"type":"welcome","protocol":1,"peer":"p1","version":"0.1.0","iceServers":[{"urls":"stun:x"}]}',
    ),
    {
      type: "welcome",
      protocol: 1,
      peer: "p1",
      version: "0.1.0",
      iceServers: [{ urls: "stun:x" }],
    },
  );
  assert.deepEqual(
    parseServerMessage('{"type":"status","state":"restarting","retryInMs":500,"message":"m"}'),
    { type: "status", state: "restarting", retryInMs: 500, message: "m" },
  );
  assert.deepEqual(parseServerMessage('{"type":"offer","sdp":"v=0","iceRestart":true}'), {
    type: "offer",
    sdp: "v=0",
    iceRestart: true,
  });
  const turn = { urls: ["turn:t:3478?transport=udp"], username: "1:u", credential: "c" };
  assert.deepEqual(
    parseServerMessage(JSON.stringify({ type: "ice-servers", iceServers: [turn, 5, null] })),
    { type: "ice-servers", iceServers: [turn] },
  );
  assert.deepEqual(parseServerMessage('{"type":"error","code":"media","message":"boom"}'), {
    type: "error",
    code: "media",
    message: "boom",
  });
});

Deno.test("parseClientMessage() reads a hello's codecs and an encoder request", () => {
  assert.deepEqual(
    parseClientMessage(
      '{"type":"hello","protocol":1,"codecs":[{"mimeType":"video/VP8"},{"mimeType":"video/H264","sdpFmtpLine":"packetization-mode=1"}]}',
    ),
    {
      type: "hello",
      protocol: 1,
      codecs: [
        { mimeType: "video/VP8" },
        { mimeType: "video/H264", sdpFmtpLine: "packetization-mode=1" },
      ],
    },
  );
  assert.deepEqual(parseClientMessage('{"type":"encoder","encoder":"vp9enc"}'), {
    type: "encoder",
    encoder: "vp9enc",
  });
  assert.throws(() => parseClientMessage('{"type":"encoder","encoder":"h266enc"}'), {
    message: 'Cannot parse "encoder" message: unknown encoder "h266enc"',
  });
  assert.throws(() => parseClientMessage('{"type":"hello","protocol":1,"codecs":"VP8"}'), {
    message: 'Cannot parse "hello" message: "codecs" must be an array',
  });
});

Deno.test("parseServerMessage() reads encoder, keeping only known encoders in the choices", () => {
  assert.deepEqual(
    parseServerMessage(
      '{"type":"encoder","encoder":"vp8enc","encoders":["vp8enc","h266","vp9enc"]}',
    ),
    { type: "encoder", encoder: "vp8enc", encoders: ["vp8enc", "vp9enc"] },
  );
  assert.deepEqual(
    parseServerMessage('{"type":"error","code":"no-codec","message":"Your browser cannot…"}'),
    { type: "error", code: "no-codec", message: "Your browser cannot…" },
  );
});

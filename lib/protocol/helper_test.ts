import assert from "node:assert/strict";
import { parseElementReport, parseFromHelper, parseToHelper } from "./helper.ts";

Deno.test("parseToHelper() reads start, peer and ICE messages", () => {
  const start = {
    type: "start",
    pipeline: "videotestsrc ! tee name=t",
    branch: "queue ! webrtcbin name=w",
    tee: "t",
    webrtcbin: "w",
    encoder: "e",
    iceAddresses: ["127.0.0.1"],
    channels: ["input"],
  };
  assert.deepEqual(parseToHelper(JSON.stringify(start)), start);
  assert.deepEqual(parseToHelper('{"type":"peer-add","peer":"p1"}'), {
    type: "peer-add",
    peer: "p1",
  });
  const withServers = { ...start, stunServer: "stun://s:3478", turnServers: ["turn://u:p@t:3478"] };
  assert.deepEqual(parseToHelper(JSON.stringify(withServers)), withServers);
  assert.deepEqual(parseToHelper('{"type":"stop"}'), { type: "stop" });
  assert.deepEqual(
    parseToHelper('{"type":"ice-servers","stunServer":"","turnServers":["turns://a:b@h:5349"]}'),
    { type: "ice-servers", stunServer: "", turnServers: ["turns://a:b@h:5349"] },
  );
  assert.deepEqual(parseToHelper('{"type":"ice-restart","peer":"p3"}'), {
    type: "ice-restart",
    peer: "p3",
  });
  assert.deepEqual(parseToHelper('{"type":"send","peer":"p_2","channel":"input","data":"AQ=="}'), {
    type: "send",
    peer: "p_2",
    channel: "input",
    data: "AQ==",
  });
});

Deno.test("parseToHelper() refuses unsafe peer ids and malformed fields", () => {
  assert.throws(() => parseToHelper('{"type":"peer-add","peer":"a/b"}'), {
    message: 'Cannot parse "peer-add" message: "peer" has invalid characters',
  });
  assert.throws(
    () =>
      parseToHelper(
        '{"type":"start","pipeline":"x","branch":"y","tee":"t","webrtcbin":"w","encoder":"e","iceAddresses":[1],"channels":[]}',
      ),
    {
      message: 'Cannot parse "start" message: "iceAddresses" must be an array of strings',
    },
  );
});

Deno.test("parseFromHelper() reads every helper message", () => {
  assert.deepEqual(parseFromHelper('{"type":"ready","pid":42}'), { type: "ready", pid: 42 });
  assert.deepEqual(parseFromHelper('{"type":"peer-state","peer":"p1","state":"connected"}'), {
    type: "peer-state",
    peer: "p1",
    state: "connected",
  });
  assert.deepEqual(parseFromHelper('{"type":"error","message":"no display","fatal":true}'), {
    type: "error",
    message: "no display",
    fatal: true,
  });
  assert.deepEqual(parseFromHelper('{"type":"error","message":"m","peer":"p1"}'), {
    type: "error",
    message: "m",
    fatal: false,
    peer: "p1",
  });
  assert.deepEqual(parseFromHelper('{"type":"offer","peer":"p1","sdp":"v=0","iceRestart":true}'), {
    type: "offer",
    peer: "p1",
    sdp: "v=0",
    iceRestart: true,
  });
  assert.deepEqual(parseFromHelper('{"type":"offer","peer":"p1","sdp":"v=0"}'), {
    type: "offer",
    peer: "p1",
    sdp: "v=0",
  });
  assert.throws(() => parseFromHelper("GStreamer-WARNING: something"), {
    message: "Cannot parse message: not JSON",
  });
});

Deno.test("parseElementReport() reads the --probe answer and passes on a helper's error", () => {
  assert.deepEqual(parseElementReport('{"available":["queue"],"missing":["nvh264enc"]}'), {
    available: ["queue"],
    missing: ["nvh264enc"],
  });
  assert.throws(
    () =>
      parseElementReport(
        '{"type":"error","fatal":true,"message":"Cannot load libgstreamer-1.0.so.0: not found"}',
      ),
    { name: "RangeError", message: "Cannot load libgstreamer-1.0.so.0: not found" },
  );
  assert.throws(() => parseElementReport('{"available":[1],"missing":[]}'), {
    message: "Cannot parse element report: unexpected fields",
  });
  assert.throws(() => parseElementReport(""), {
    message: "Cannot parse element report: not JSON",
  });
});

Deno.test("parseToHelper() reads show-pointer", () => {
  assert.deepEqual(parseToHelper('{"type":"show-pointer","visible":true}'), {
    type: "show-pointer",
    visible: true,
  });
  assert.throws(
    () => parseToHelper('{"type":"show-pointer","visible":1}'),
    /"visible" must be a boolean/,
  );
});

Deno.test("parseToHelper() reads encode tiers and a peer-add naming its tier", () => {
  const add = {
    type: "tier-add",
    tier: "vp8enc",
    pipeline: "videoconvert ! vp8enc name=e ! rtpvp8pay ! tee name=t",
    tee: "t",
    encoder: "e",
    frameCounter: "f",
  };
  assert.deepEqual(parseToHelper(JSON.stringify(add)), add);
  assert.deepEqual(parseToHelper('{"type":"tier-remove","tier":"vp8enc"}'), {
    type: "tier-remove",
    tier: "vp8enc",
  });
  assert.deepEqual(parseToHelper('{"type":"peer-add","peer":"p1","tier":"vp8enc"}'), {
    type: "peer-add",
    peer: "p1",
    tier: "vp8enc",
  });
  assert.throws(() => parseToHelper('{"type":"tier-remove","tier":"a b"}'), {
    message: 'Cannot parse "tier-remove" message: "tier" has invalid characters',
  });
  assert.throws(() => parseToHelper('{"type":"tier-add","tier":"x","tee":"t","encoder":"e"}'), {
    message: 'Cannot parse "tier-add" message: "pipeline" must be a string',
  });
});

Deno.test("parseToHelper() reads the damage capture's showPointer, a boolean when present", () => {
  const start = {
    type: "start",
    pipeline: "appsrc name=screen ! tee name=t",
    branch: "queue ! webrtcbin name=w",
    tee: "t",
    webrtcbin: "w",
    encoder: "e",
    iceAddresses: [],
    channels: [],
    capture: { source: "screen", display: ":5", framerate: 60, showPointer: true },
  };
  assert.deepEqual(parseToHelper(JSON.stringify(start)), start);
  const { showPointer: _, ...plain } = start.capture;
  assert.deepEqual(parseToHelper(JSON.stringify({ ...start, capture: plain })), {
    ...start,
    capture: plain,
  });
  assert.throws(
    () => parseToHelper(JSON.stringify({ ...start, capture: { ...plain, showPointer: "yes" } })),
    { message: 'Cannot parse "start" message: "capture.showPointer" must be a boolean' },
  );
});

Deno.test("parseToHelper() reads a tier's libx264 settings and refuses bad ones", () => {
  const add = {
    type: "tier-add",
    tier: "x264enc",
    pipeline: "appsrc name=e ! rtph264pay ! tee name=t",
    tee: "t",
    encoder: "e",
    libx264: { bitrateKbps: 8000, framerate: 60, keyframeDistance: 2.5, threads: 2 },
  };
  assert.deepEqual(parseToHelper(JSON.stringify(add)), add);
  assert.throws(
    () =>
      parseToHelper(JSON.stringify({ ...add, libx264: { ...add.libx264, keyframeDistance: 0 } })),
    {
      message:
        'Cannot parse "tier-add" message: "libx264.keyframeDistance" must be -1 or a number of seconds over 0, at most 3600',
    },
  );
  assert.throws(() => parseToHelper(JSON.stringify({ ...add, libx264: 1 })), {
    message: 'Cannot parse "tier-add" message: "libx264" must be an object',
  });
});

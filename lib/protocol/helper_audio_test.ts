import assert from "node:assert/strict";
import { parseAudioReport, parseToHelper } from "./helper.ts";

const START = {
  type: "start",
  pipeline: "x",
  branch: "y",
  tee: "t",
  webrtcbin: "w",
  encoder: "e",
  iceAddresses: [],
  channels: [],
};

Deno.test("parseToHelper() reads the audio and microphone parts of start", () => {
  const start = {
    ...START,
    audio: { pipeline: "pulsesrc ! tee name=a", bin: "audio", tee: "a", branch: "queue" },
    microphone: {
      branch: "queue ! pulsesink",
      caps: "application/x-rtp",
      counter: "c",
      volume: "v",
    },
  };
  assert.deepEqual(parseToHelper(JSON.stringify(start)), start);
  assert.deepEqual(parseToHelper(JSON.stringify(START)), START);
});

Deno.test("parseToHelper() names a malformed audio part", () => {
  assert.throws(
    () => parseToHelper(JSON.stringify({ ...START, audio: "pulsesrc" })),
    new RangeError('Cannot parse "start" message: "audio" must be an object'),
  );
  assert.throws(
    () => parseToHelper(JSON.stringify({ ...START, audio: { pipeline: "p", bin: "b", tee: 1 } })),
    new RangeError('Cannot parse "start.audio" message: "tee" must be a string'),
  );
  assert.throws(
    () => parseToHelper(JSON.stringify({ ...START, microphone: { branch: "b" } })),
    /"start.microphone" message: "caps" must be a string/,
  );
});

Deno.test("parseAudioReport() reads elements, reachability and the reason", () => {
  assert.deepEqual(
    parseAudioReport(
      '{"available":["pulsesrc"],"missing":[],"reachable":false,"reason":"refused"}',
    ),
    { available: ["pulsesrc"], missing: [], reachable: false, reason: "refused" },
  );
  assert.throws(
    () => parseAudioReport('{"available":[],"missing":[]}'),
    /"reachable" must be a boolean/,
  );
  assert.throws(
    () => parseAudioReport('{"type":"error","message":"no GStreamer"}'),
    /no GStreamer/,
  );
});

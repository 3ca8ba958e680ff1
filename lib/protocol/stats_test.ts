import assert from "node:assert/strict";
import { parseFromHelper, parseToHelper } from "./helper.ts";
import { parseClientMessage } from "./signalling.ts";
import { connectionType, parseClientStats, parsePeerStats } from "./stats.ts";

const PEER = {
  packetsSent: 10,
  bytesSent: 1000,
  packetsLost: 0,
  nackCount: 0,
  pliCount: 1,
  firCount: 0,
};

Deno.test("parsePeerStats() keeps known fields and drops unknown ones", () => {
  assert.deepEqual(
    parsePeerStats({ ...PEER, roundTripTimeMs: 1.5, remoteCandidateType: "relay", x: 1 }),
    { ...PEER, roundTripTimeMs: 1.5, remoteCandidateType: "relay" },
  );
});

Deno.test("parsePeerStats() rejects missing counts, fractions, negatives and unknown enums", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ ...PEER, bytesSent: undefined }, '"stats.bytesSent" is missing'],
    [{ ...PEER, packetsSent: 1.5 }, '"stats.packetsSent" must be an integer'],
    [{ ...PEER, jitterMs: -1 }, '"stats.jitterMs" must be a number 0-3600000'],
    [{ ...PEER, fractionLost: 2 }, '"stats.fractionLost" must be a number 0-1'],
    [{ ...PEER, roundTripTimeMs: "1" }, '"stats.roundTripTimeMs" must be a number'],
    [{ ...PEER, localCandidateType: "lan" }, "must be one of host, srflx, prflx, relay"],
  ];
  for (const [value, message] of cases) {
    assert.throws(() => parsePeerStats(value), (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.ok(e.message.includes(message), `${e.message} / ${message}`);
      return true;
    });
  }
  assert.throws(() => parsePeerStats([1]), /"stats" must be an object/);
  assert.throws(() => parsePeerStats(undefined), /"stats" must be an object/);
});

Deno.test("parseClientStats() bounds the browser's numbers", () => {
  const ok = { framesDecoded: 1, framesDropped: 0, fps: 29.97, latencySource: "capture-time" };
  assert.deepEqual(parseClientStats(ok), ok);
  assert.throws(() => parseClientStats({ ...ok, fps: 1e6 }), /"stats.fps" must be a number 0-1000/);
  assert.throws(() => parseClientStats({ ...ok, latencyMs: Infinity }), /"stats.latencyMs"/);
  assert.throws(() => parseClientStats({ ...ok, latencySource: "guess" }), /one of capture-time/);
  assert.throws(() => parseClientStats({ fps: 1 }), /"stats.framesDecoded" is missing/);
});

Deno.test("the stats messages parse on both channels", () => {
  assert.deepEqual(
    parseFromHelper(JSON.stringify({ type: "stats", peer: "p1", stats: PEER })),
    { type: "stats", peer: "p1", stats: PEER },
  );
  assert.throws(() => parseFromHelper('{"type":"stats","peer":"p 1","stats":{}}'), RangeError);
  assert.deepEqual(
    parseClientMessage('{"type":"stats","stats":{"framesDecoded":3,"framesDropped":0,"fps":3}}'),
    { type: "stats", stats: { framesDecoded: 3, framesDropped: 0, fps: 3 } },
  );
});

Deno.test("parseToHelper() reads the optional frame counter of start", () => {
  const start = {
    type: "start",
    pipeline: "p",
    branch: "b",
    tee: "t",
    webrtcbin: "w",
    encoder: "e",
    iceAddresses: [],
    channels: [],
  };
  assert.equal("frameCounter" in parseToHelper(JSON.stringify(start)), false);
  const counted = parseToHelper(JSON.stringify({ ...start, frameCounter: "framecount" }));
  assert.equal(counted.type === "start" && counted.frameCounter, "framecount");
});

Deno.test("connectionType() is the most indirect end of the pair", () => {
  assert.equal(connectionType("host", "relay"), "relay");
  assert.equal(connectionType("srflx", "host"), "srflx");
  assert.equal(connectionType("host", "prflx"), "prflx");
  assert.equal(connectionType("host", "host"), "host");
  assert.equal(connectionType(undefined, undefined), undefined);
});

import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import type { Session, Viewer } from "./session.ts";
import { ViewerConnection } from "./signalling.ts";
import { parseServerMessage, type ServerMessage } from "./protocol/signalling.ts";
import type { RtcConfiguration } from "./turn/rtc_configuration.ts";

/** A session that records every call made on it. */
class RecordingSession implements Session {
  readonly calls: unknown[][] = [];
  readonly viewers = new Map<string, Viewer>();
  join(viewer: Viewer): void {
    this.calls.push(["join", viewer.id]);
    this.viewers.set(viewer.id, viewer);
  }
  leave(id: string): void {
    this.calls.push(["leave", id]);
    this.viewers.delete(id);
  }
  answer(id: string, sdp: string): void {
    this.calls.push(["answer", id, sdp]);
  }
  ice(id: string, candidate: string, sdpMLineIndex: number): void {
    this.calls.push(["ice", id, candidate, sdpMLineIndex]);
  }
  iceRestart(id: string): void {
    this.calls.push(["ice-restart", id]);
  }
}

/** An ICE server source the test changes by hand. */
class FakeIceServers {
  current: RtcConfiguration = { iceServers: [{ urls: "stun:s:3478" }] };
  readonly listeners = new Set<(config: RtcConfiguration) => void>();
  subscribe(listener: (config: RtcConfiguration) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  renew(config: RtcConfiguration) {
    this.current = config;
    for (const listener of this.listeners) listener(config);
  }
}

function connect(options: { helloTimeoutMs?: number; iceServers?: FakeIceServers } = {}) {
  const session = new RecordingSession();
  const sent: ServerMessage[] = [];
  const closes: [number, string][] = [];
  const data: [string, number[]][] = [];
  let released = 0;
  const connection = new ViewerConnection({
    session,
    version: "9.9.9",
    sendText: (text) => sent.push(parseServerMessage(text)),
    close: (code, reason) => closes.push([code, reason]),
    channels: () => ({ data: (c, b) => data.push([c, [...b]]), close: () => released++ }),
    ...options,
  });
  return { session, connection, sent, closes, data, released: () => released };
}

const HELLO = JSON.stringify({ type: "hello", protocol: 1 });

Deno.test("ViewerConnection answers malformed frames with bad-message and stays open", () => {
  const { connection, sent, closes, session } = connect();
  connection.message("not json");
  connection.message('{"type":"nope"}');
  connection.message('{"type":"ice","candidate":5}');
  connection.message(new Uint8Array([1, 2, 3]));
  connection.message("[1,2]");
  assert.deepEqual(sent, [
    { type: "error", code: "bad-message", message: "Cannot parse message: not JSON" },
    { type: "error", code: "bad-message", message: 'Cannot parse message: unknown type "nope"' },
    {
      type: "error",
      code: "bad-message",
      message: 'Cannot parse "ice" message: "candidate" must be a string',
    },
    {
      type: "error",
      code: "bad-message",
      message: "Cannot parse message: binary frames are not accepted",
    },
    { type: "error", code: "bad-message", message: "Cannot parse message: not a JSON object" },
  ]);
  assert.equal(connection.rejected, 5);
  assert.deepEqual(closes, []);
  assert.deepEqual(session.calls, []);
  connection.closed();
});

Deno.test("ViewerConnection requires hello with a supported protocol first", () => {
  const { connection, sent, session } = connect();
  connection.message(JSON.stringify({ type: "answer", sdp: "v=0" }));
  connection.message(JSON.stringify({ type: "hello", protocol: 7 }));
  assert.deepEqual(sent, [
    { type: "error", code: "protocol", message: 'Send "hello" before "answer"' },
    {
      type: "error",
      code: "protocol",
      message: "Unsupported protocol 7: this server speaks 1",
    },
  ]);
  assert.deepEqual(session.calls, []);
  connection.closed();
  assert.deepEqual(session.calls, [], "a viewer that never joined does not leave");
});

Deno.test("ViewerConnection closes a socket that says no hello within helloTimeoutMs", async () => {
  const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout"] });
  try {
    const { sent, closes, connection } = connect({ helloTimeoutMs: 5000 });
    await clock.tickAsync(4999);
    assert.deepEqual(closes, []);
    await clock.tickAsync(1);
    assert.deepEqual(sent, [
      { type: "error", code: "protocol", message: "No hello within the time limit" },
    ]);
    assert.deepEqual(closes, [[1008, "no hello"]]);
    connection.closed();
  } finally {
    clock.uninstall();
  }
});

Deno.test("ViewerConnection keeps a socket that said hello in time", async () => {
  const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout"] });
  try {
    const { connection, closes } = connect();
    await clock.tickAsync(9999);
    connection.message(HELLO);
    await clock.tickAsync(60_000);
    assert.deepEqual(closes, []);
    assert.equal(clock.countTimers(), 0);
    connection.closed();
  } finally {
    clock.uninstall();
  }
});

Deno.test("ViewerConnection welcomes, joins the session and leaves it on close", () => {
  const { connection, sent, session, released } = connect();
  connection.message(HELLO);
  assert.deepEqual(sent, [
    { type: "welcome", protocol: 1, peer: connection.peer, version: "9.9.9", iceServers: [] },
  ]);
  assert.deepEqual(session.calls, [["join", connection.peer]]);
  connection.message(HELLO);
  assert.deepEqual(sent[1], { type: "error", code: "protocol", message: "Already said hello" });
  connection.closed();
  connection.closed();
  assert.deepEqual(session.calls, [["join", connection.peer], ["leave", connection.peer]]);
  assert.equal(released(), 1);
});

Deno.test("ViewerConnection routes answers and candidates to the session under its peer id", () => {
  const { connection, session } = connect();
  connection.message(HELLO);
  connection.message(JSON.stringify({ type: "answer", sdp: "v=0 a" }));
  connection.message(JSON.stringify({ type: "ice", candidate: "candidate:1", sdpMLineIndex: 0 }));
  assert.deepEqual(session.calls.slice(1), [
    ["answer", connection.peer, "v=0 a"],
    ["ice", connection.peer, "candidate:1", 0],
  ]);
  connection.closed();
  connection.message(JSON.stringify({ type: "answer", sdp: "v=0 late" }));
  assert.equal(session.calls.length, 4, "nothing after close");
});

Deno.test("ViewerConnection passes the session's messages and data-channel bytes through", () => {
  const { connection, session, sent, data } = connect();
  connection.message(HELLO);
  const viewer = session.viewers.get(connection.peer)!;
  viewer.send({ type: "status", state: "starting" });
  viewer.onData("input", new Uint8Array([9, 1]));
  assert.deepEqual(sent.slice(1), [{ type: "status", state: "starting" }]);
  assert.deepEqual(data, [["input", [9, 1]]]);
  connection.closed();
  viewer.send({ type: "status", state: "streaming" });
  assert.equal(sent.length, 2, "nothing is written to a closed socket");
});

Deno.test("ViewerConnection sends the ICE servers in welcome and renewed ones until it closes", () => {
  const iceServers = new FakeIceServers();
  const { connection, sent } = connect({ iceServers });
  connection.message(HELLO);
  assert.deepEqual(sent[0], {
    type: "welcome",
    protocol: 1,
    peer: connection.peer,
    version: "9.9.9",
    iceServers: [{ urls: "stun:s:3478" }],
  });
  const turn = { urls: "turn:t:3478", username: "1700000000:u", credential: "c" };
  iceServers.renew({ iceServers: [turn] });
  assert.deepEqual(sent[1], { type: "ice-servers", iceServers: [turn] });
  connection.closed();
  assert.equal(iceServers.listeners.size, 0);
});

Deno.test("ViewerConnection forwards ICE-restart requests, one per second at most", async () => {
  const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  try {
    const { connection, session } = connect();
    connection.message(HELLO);
    const restart = JSON.stringify({ type: "ice-restart" });
    connection.message(restart);
    connection.message(restart);
    await clock.tickAsync(999);
    connection.message(restart);
    await clock.tickAsync(1);
    connection.message(restart);
    assert.deepEqual(session.calls.slice(1), [
      ["ice-restart", connection.peer],
      ["ice-restart", connection.peer],
    ]);
    connection.closed();
  } finally {
    clock.uninstall();
  }
});

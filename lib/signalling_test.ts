import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import type { Session, Viewer } from "./session.ts";
import { ViewerConnection, type ViewerConnectionOptions } from "./signalling.ts";
import type { ClientStats } from "./protocol/stats.ts";
import {
  MAX_SIGNALLING_MESSAGE,
  parseServerMessage,
  type ServerMessage,
  SIGNALLING_LIMITS,
} from "./protocol/signalling.ts";
import type { LiveSettingsChange } from "./protocol/live_settings.ts";
import type { RtcConfiguration } from "./turn/rtc_configuration.ts";
import { fakeTime } from "../test/fixtures/fake_time.ts";

/** A session that records every call made on it. */
class RecordingSession implements Session {
  readonly calls: unknown[][] = [];
  readonly viewers = new Map<string, Viewer>();
  full = false;
  get viewerCount(): number {
    return this.viewers.size;
  }
  join(viewer: Viewer): boolean {
    this.calls.push(["join", viewer.id]);
    this.viewers.set(viewer.id, viewer);
    return true;
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
  settings(id: string, change: LiveSettingsChange): void {
    this.calls.push(["settings", id, change]);
  }

  setEncoder(id: string, encoder: string): void {
    this.calls.push(["encoder", id, encoder]);
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

function connect(
  options: Pick<ViewerConnectionOptions, "helloTimeoutMs" | "monitor"> & {
    unsent?: () => number;
    iceServers?: FakeIceServers;
  } = {},
) {
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
  assert.equal(connection.stats.rejected, 5);
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

Deno.test("ViewerConnection passes live settings to the session and refuses bad ones", () => {
  const { connection, session, sent } = connect();
  connection.message(HELLO);
  connection.message(JSON.stringify({ type: "settings", videoBitrate: 2500, audio: false }));
  connection.message(JSON.stringify({ type: "settings", framerate: 0 }));
  assert.deepEqual(session.calls.slice(1), [
    ["settings", connection.peer, { videoBitrate: 2500, audio: false }],
  ]);
  assert.deepEqual(sent.at(-1), {
    type: "error",
    code: "bad-message",
    message: 'Cannot parse "settings" message: "framerate" must be an integer 1-240',
  });
  connection.closed();
});

Deno.test("ViewerConnection passes the browser's stats on, at most one per 500 ms", async () => {
  const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  try {
    const got: [string, ClientStats][] = [];
    const { connection, sent } = connect({
      monitor: { clientStats: (peer, stats) => got.push([peer, stats]) },
    });
    const stats = { framesDecoded: 30, framesDropped: 0, fps: 30, latencyMs: 25.5 };
    const frame = JSON.stringify({ type: "stats", stats: { ...stats, extra: "dropped" } });
    connection.message(frame);
    assert.deepEqual(sent, [
      { type: "error", code: "protocol", message: 'Send "hello" before "stats"' },
    ]);
    connection.message(HELLO);
    connection.message(frame);
    connection.message(frame); // too soon: dropped without a word
    await clock.tickAsync(500);
    connection.message(frame);
    connection.message(JSON.stringify({ type: "stats", stats: { ...stats, fps: -1 } }));
    assert.deepEqual(got, [[connection.peer, stats], [connection.peer, stats]]);
    assert.deepEqual(sent.at(-1), {
      type: "error",
      code: "bad-message",
      message: 'Cannot parse "stats" message: "stats.fps" must be a number 0-1000',
    });
    connection.closed();
  } finally {
    clock.uninstall();
  }
});

const ICE = JSON.stringify({ type: "ice", candidate: "candidate:1", sdpMLineIndex: 0 });

/** The sum the stats must add up to. */
function accounted(stats: ViewerConnection["stats"]): number {
  return stats.accepted + stats.rejected + stats.limited + stats.tooBig + stats.ignored;
}

Deno.test("ViewerConnection closes the socket with 1009 on the first frame over the size limit", () => {
  const { connection, sent, closes, session } = connect();
  connection.message(HELLO);
  connection.message("x".repeat(MAX_SIGNALLING_MESSAGE)); // at the limit: parsed (and malformed)
  connection.message(`"${"x".repeat(MAX_SIGNALLING_MESSAGE)}"`);
  connection.message(ICE); // after the close: ignored
  connection.message(new Uint8Array(MAX_SIGNALLING_MESSAGE + 1));
  assert.deepEqual(sent.slice(1), [
    { type: "error", code: "bad-message", message: "Cannot parse message: not JSON" },
    {
      type: "error",
      code: "too-big",
      message: `Message of ${
        MAX_SIGNALLING_MESSAGE + 2
      } is over the limit of ${MAX_SIGNALLING_MESSAGE}`,
    },
  ]);
  assert.deepEqual(closes, [[1009, "message too big"]]);
  assert.deepEqual(session.calls, [["join", connection.peer]], "the ice frame was not routed");
  assert.deepEqual(connection.stats, {
    received: 5,
    accepted: 1,
    rejected: 1,
    limited: 0,
    tooBig: 1,
    ignored: 2,
  });
  connection.closed();
});

Deno.test("ViewerConnection drops frames over the rate limit and replies at most once a second", () => {
  using time = fakeTime();
  const { connection, sent, closes, session } = connect();
  const { burst, ratePerSecond } = SIGNALLING_LIMITS;
  connection.message(HELLO);
  for (let i = 0; i < burst + 50; i++) connection.message(ICE);
  const errors = () => sent.filter((m) => m.type === "error");
  assert.deepEqual(errors(), [
    {
      type: "error",
      code: "rate-limited",
      message: `Over ${ratePerSecond} messages a second: 1 dropped`,
    },
  ]);
  assert.equal(session.calls.length, burst, "hello and burst - 1 candidates got through");
  assert.equal(connection.stats.limited, 51);
  time.tick(999);
  connection.message(ICE);
  assert.equal(errors().length, 1, "no second reply within the second");
  time.tick(1);
  for (let i = 0; i < ratePerSecond + 1; i++) connection.message(ICE);
  assert.equal(session.calls.length, burst + ratePerSecond, "one second's worth more");
  assert.equal(errors().length, 2);
  assert.deepEqual(closes, []);
  assert.equal(accounted(connection.stats), connection.stats.received);
  connection.closed();
});

Deno.test("ViewerConnection closes a connection that keeps flooding with 1008", () => {
  using time = fakeTime();
  const { connection, closes } = connect();
  const { burst, abuseBurst, abusePerSecond, ratePerSecond } = SIGNALLING_LIMITS;
  connection.message(HELLO);
  for (let i = 0; i < burst - 1; i++) connection.message(ICE);
  // A steady flood at the tolerated excess stays open, a minute long.
  for (let second = 0; second < 60; second++) {
    time.tick(1000);
    for (let i = 0; i < ratePerSecond + abusePerSecond; i++) connection.message(ICE);
  }
  assert.deepEqual(closes, []);
  assert.equal(connection.stats.limited, 60 * abusePerSecond);
  // Then a second's worth, and abuseBurst over it: the next frame closes.
  time.tick(1000);
  let frames = 0;
  while (closes.length === 0 && frames < 10_000) {
    connection.message(ICE);
    frames++;
  }
  assert.equal(frames, ratePerSecond + abuseBurst + 1);
  assert.deepEqual(closes, [[1008, "too many messages"]]);
  connection.message(ICE);
  assert.equal(connection.stats.ignored, 1);
  assert.equal(accounted(connection.stats), connection.stats.received);
  connection.closed();
});

Deno.test("ViewerConnection refuses a viewer with full and 1013 when the session is full", () => {
  const { connection, sent, closes, session } = connect();
  session.full = true;
  connection.message(HELLO);
  assert.deepEqual(sent, [
    { type: "error", code: "full", message: "The server is full: 0 viewers are watching" },
  ]);
  assert.deepEqual(closes, [[1013, "server full"]]);
  connection.closed();
  assert.deepEqual(session.calls, [], "never joined, never left");
});

Deno.test("ViewerConnection closes a socket whose browser leaves MAX_UNSENT_BYTES unread", () => {
  let unsent = 0;
  const { connection, sent, closes } = connect({ unsent: () => unsent });
  connection.message(HELLO);
  unsent = (1 << 20) + 1;
  connection.message("nope");
  assert.equal(sent.length, 1, "only the welcome was written");
  assert.deepEqual(closes, [[1008, "not reading"]]);
  connection.closed();
});

Deno.test("ViewerConnection hands the session what the browser decodes and its encoder requests", () => {
  const { session, connection } = connect();
  const codecs = [{ mimeType: "video/VP8" }, { mimeType: "video/AV1" }];
  connection.message(JSON.stringify({ type: "hello", protocol: 1, codecs }));
  assert.deepEqual(session.viewers.get(connection.peer)?.codecs, codecs);
  connection.message(JSON.stringify({ type: "encoder", encoder: "vp9enc" }));
  assert.deepEqual(session.calls.at(-1), ["encoder", connection.peer, "vp9enc"]);
  connection.closed();
});

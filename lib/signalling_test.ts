import assert from "node:assert/strict";
import { MediaSession } from "./session.ts";
import { ViewerConnection } from "./signalling.ts";
import { parseServerMessage, type ServerMessage } from "./protocol/signalling.ts";
import { TEST_START } from "../test/fixtures.ts";

function connect(session: MediaSession) {
  const sent: ServerMessage[] = [];
  const closes: [number, string][] = [];
  const data: [string, Uint8Array][] = [];
  let released = 0;
  const connection = new ViewerConnection({
    session,
    version: "9.9.9",
    iceServers: [{ urls: "stun:stun.example.org" }],
    sendText: (text) => sent.push(parseServerMessage(text)),
    close: (code, reason) => closes.push([code, reason]),
    channels: () => ({ data: (c, b) => data.push([c, b]), close: () => released++ }),
    helloTimeoutMs: 200,
  });
  return { connection, sent, closes, data, released: () => released };
}

Deno.test("ViewerConnection answers malformed frames with bad-message and stays open", () => {
  const session = new MediaSession({ start: TEST_START, standby: false });
  const { connection, sent, closes } = connect(session);
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
  connection.closed();
});

Deno.test("ViewerConnection requires hello with a supported protocol first", () => {
  const session = new MediaSession({ start: TEST_START, standby: false });
  const { connection, sent } = connect(session);
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
  assert.equal(session.viewerCount, 0);
  connection.closed();
});

Deno.test("ViewerConnection closes a socket that never says hello", async () => {
  const session = new MediaSession({ start: TEST_START, standby: false });
  const { sent, closes, connection } = connect(session);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(sent, [
    { type: "error", code: "protocol", message: "No hello within the time limit" },
  ]);
  assert.deepEqual(closes, [[1008, "no hello"]]);
  connection.closed();
});

Deno.test("ViewerConnection welcomes, joins the session and leaves it on close", async () => {
  const session = new MediaSession({ start: TEST_START, standby: false });
  try {
    const { connection, sent, released } = connect(session);
    connection.message(JSON.stringify({ type: "hello", protocol: 1 }));
    assert.deepEqual(sent.slice(0, 2), [
      {
        type: "welcome",
        protocol: 1,
        peer: connection.peer,
        version: "9.9.9",
        iceServers: [{ urls: "stun:stun.example.org" }],
      },
      { type: "status", state: "starting" },
    ]);
    assert.equal(session.viewerCount, 1);
    connection.message(JSON.stringify({ type: "hello", protocol: 1 }));
    assert.deepEqual(sent[2], { type: "error", code: "protocol", message: "Already said hello" });
    connection.closed();
    assert.equal(session.viewerCount, 0);
    assert.equal(released(), 1);
  } finally {
    await session.close();
  }
});

/** The signalling messages of roles and control (docs/PROTOCOL.md, "Roles and control"). */

import assert from "node:assert/strict";
import { parseClientMessage, parseServerMessage } from "./signalling.ts";

Deno.test("parseClientMessage() reads hello with a name, control-request, control-release and name", () => {
  assert.deepEqual(parseClientMessage('{"type":"hello","protocol":1,"name":"Ada"}'), {
    type: "hello",
    protocol: 1,
    name: "Ada",
  });
  assert.deepEqual(parseClientMessage('{"type":"control-request"}'), { type: "control-request" });
  assert.deepEqual(parseClientMessage('{"type":"control-release"}'), { type: "control-release" });
  assert.deepEqual(parseClientMessage('{"type":"name","name":"Bob"}'), {
    type: "name",
    name: "Bob",
  });
});

Deno.test("parseClientMessage() refuses a name that is not a string or far too long", () => {
  assert.throws(() => parseClientMessage('{"type":"name","name":5}'), {
    name: "RangeError",
    message: 'Cannot parse "name" message: "name" must be a string',
  });
  assert.throws(
    () => parseClientMessage(JSON.stringify({ type: "hello", protocol: 1, name: "x".repeat(257) })),
    {
      name: "RangeError",
      message: 'Cannot parse "hello" message: "name" is longer than 256 characters',
    },
  );
});

Deno.test("parseServerMessage() reads control with and without a controller, and forbidden", () => {
  const view = {
    type: "control",
    you: { peer: "p2", role: "view" },
    controller: { peer: "p1", name: "Ada" },
  };
  assert.deepEqual(parseServerMessage(JSON.stringify(view)), view);
  const free = { type: "control", you: { peer: "p1", role: "full" }, controller: null };
  assert.deepEqual(parseServerMessage(JSON.stringify(free)), free);
  assert.deepEqual(
    parseServerMessage('{"type":"error","code":"forbidden","message":"View-only"}'),
    { type: "error", code: "forbidden", message: "View-only" },
  );
});

Deno.test("parseServerMessage() refuses a control message without a valid role or controller", () => {
  for (
    const text of [
      '{"type":"control","you":{"peer":"p1","role":"admin"},"controller":null}',
      '{"type":"control","controller":null}',
      '{"type":"control","you":{"peer":"p1","role":"full"},"controller":5}',
      '{"type":"control","you":{"peer":"p1","role":"full"}}',
      '{"type":"control","you":{"peer":"p1","role":"full"},"controller":{"peer":"p2"}}',
    ]
  ) {
    assert.throws(() => parseServerMessage(text), RangeError, text);
  }
});

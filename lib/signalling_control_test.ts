/** ViewerConnection with roles and a Control: `control` messages and hand-over requests. */

import assert from "node:assert/strict";
import type { Session, Viewer } from "./session.ts";
import { ViewerConnection } from "./signalling.ts";
import { parseServerMessage, type ServerMessage } from "./protocol/signalling.ts";
import type { Role } from "./protocol/control.ts";
import { Control } from "./roles/control.ts";
import { fakeTime } from "../test/fixtures/fake_time.ts";

/** A session that accepts everyone and does nothing. */
function quietSession(changes: unknown[] = []): Session {
  const viewers = new Map<string, Viewer>();
  return {
    get viewerCount() {
      return viewers.size;
    },
    full: false,
    join: (viewer) => {
      viewers.set(viewer.id, viewer);
      return true;
    },
    leave: (id) => void viewers.delete(id),
    answer: () => {},
    ice: () => {},
    iceRestart: () => {},
    settings: (id, change) => void changes.push({ id, change }),
  };
}

/** A connected viewer (hello sent) and the control messages it received. */
function viewer(session: Session, control: Control, role: Role, name?: string) {
  const sent: ServerMessage[] = [];
  const connection = new ViewerConnection({
    session,
    version: "1",
    sendText: (text) => sent.push(parseServerMessage(text)),
    close: () => {},
    role,
    control,
  });
  connection.message(JSON.stringify({ type: "hello", protocol: 1, ...(name ? { name } : {}) }));
  const controls = () => sent.filter((m) => m.type === "control");
  return { connection, sent, controls, peer: connection.peer };
}

Deno.test("ViewerConnection sends control after welcome, with the viewer's role", () => {
  const session = quietSession();
  const control = new Control();
  const a = viewer(session, control, "full");
  const v = viewer(session, control, "view");
  assert.deepEqual(a.sent.map((m) => m.type), ["welcome", "control"]);
  assert.deepEqual(a.controls(), [{
    type: "control",
    you: { peer: a.peer, role: "full" },
    controller: null,
  }]);
  assert.deepEqual(v.controls().at(-1), {
    type: "control",
    you: { peer: v.peer, role: "view" },
    controller: null,
  });
  a.connection.closed();
  v.connection.closed();
});

Deno.test("ViewerConnection hands control over on control-request and tells every viewer", () => {
  using _time = fakeTime();
  const session = quietSession();
  const control = new Control();
  const a = viewer(session, control, "full", "Ada");
  const b = viewer(session, control, "full");
  const v = viewer(session, control, "view");
  a.connection.message('{"type":"control-request"}');
  const ada = { peer: a.peer, name: "Ada" };
  for (const x of [a, b, v]) assert.deepEqual(x.controls().at(-1)?.controller, ada);
  b.connection.message('{"type":"name","name":"Bob"}');
  b.connection.message('{"type":"control-request"}');
  const bob = { peer: b.peer, name: "Bob" };
  for (const x of [a, b, v]) assert.deepEqual(x.controls().at(-1)?.controller, bob);
  // A view-only viewer is refused, and nothing changes.
  v.connection.message('{"type":"control-request"}');
  assert.deepEqual(v.sent.at(-1), {
    type: "error",
    code: "forbidden",
    message: "This login is view-only: it cannot take control",
  });
  assert.equal(control.controller?.peer, b.peer);
  // The controller gives control up.
  b.connection.message('{"type":"control-release"}');
  for (const x of [a, b, v]) assert.equal(x.controls().at(-1)?.controller, null);
  a.connection.closed();
  b.connection.closed();
  v.connection.closed();
});

Deno.test("ViewerConnection.closed() frees the control its viewer held", () => {
  const session = quietSession();
  const control = new Control();
  const a = viewer(session, control, "full");
  const b = viewer(session, control, "full");
  a.connection.message('{"type":"control-request"}');
  assert.equal(control.controller?.peer, a.peer);
  a.connection.closed();
  assert.equal(control.controller, undefined);
  assert.deepEqual(b.controls().at(-1)?.controller, null);
  assert.equal(control.roleOf(a.peer), undefined);
  b.connection.closed();
});

Deno.test("ViewerConnection without a Control ignores control requests", () => {
  const sent: ServerMessage[] = [];
  const connection = new ViewerConnection({
    session: quietSession(),
    version: "1",
    sendText: (text) => sent.push(parseServerMessage(text)),
    close: () => {},
  });
  connection.message('{"type":"hello","protocol":1}');
  connection.message('{"type":"control-request"}');
  connection.message('{"type":"name","name":"x"}');
  assert.deepEqual(sent.map((m) => m.type), ["welcome"]);
  assert.equal(connection.stats.accepted, 3);
  connection.closed();
});

Deno.test("ViewerConnection refuses live settings from a view-only login", () => {
  const changes: unknown[] = [];
  const session = quietSession(changes);
  const control = new Control();
  const full = viewer(session, control, "full");
  const view = viewer(session, control, "view");
  view.connection.message('{"type":"settings","videoBitrate":500}');
  assert.equal(changes.length, 0);
  assert.equal(view.sent.at(-1)?.type, "error");
  full.connection.message('{"type":"settings","videoBitrate":500}');
  assert.equal(changes.length, 1);
  full.connection.closed();
  view.connection.closed();
});

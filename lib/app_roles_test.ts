/** createApp() with a view-only password: the login's role reaches the socket and the token. */

import assert from "node:assert/strict";
import { createApp } from "./app.ts";
import { Control } from "./roles/control.ts";
import type { Session } from "./session.ts";
import { signallingProtocols } from "./protocol/page_token.ts";
import type { ServerMessage } from "./protocol/signalling.ts";

const AUTH = { username: "ada", password: "full-pass", viewOnlyPassword: "view-pass" };
const FULL = `Basic ${btoa("ada:full-pass")}`;
const VIEW = `Basic ${btoa("ada:view-pass")}`;

const SESSION: Session = {
  viewerCount: 0,
  full: false,
  join: () => true,
  leave: () => {},
  answer: () => {},
  ice: () => {},
  iceRestart: () => {},
  settings: () => {},
};

/** Deno's WebSocket takes headers (the DOM typings do not know it). */
const DenoWebSocket = WebSocket as unknown as new (
  url: string,
  options: { protocols?: string[]; headers?: Record<string, string> },
) => WebSocket;

async function withServer(fn: (host: string, control: Control) => Promise<void>) {
  const control = new Control();
  const app = createApp({
    session: SESSION,
    version: "1",
    webRoot: "/nonexistent",
    auth: AUTH,
    control,
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  try {
    await fn(`127.0.0.1:${server.addr.port}`, control);
  } finally {
    await server.shutdown();
  }
}

async function token(host: string, authorization: string): Promise<string> {
  const res = await fetch(`http://${host}/ws-token`, { headers: { Authorization: authorization } });
  return (await res.json()).token;
}

/** Opens /ws with `authorization` and a token fetched with `tokenAuthorization`. */
async function open(host: string, authorization: string, tokenAuthorization = authorization) {
  const ws = new DenoWebSocket(`ws://${host}/ws`, {
    protocols: signallingProtocols(await token(host, tokenAuthorization)),
    headers: { Authorization: authorization, Origin: `http://${host}` },
  });
  const messages: ServerMessage[] = [];
  const controlled = Promise.withResolvers<ServerMessage>();
  ws.onmessage = (e) => {
    const message = JSON.parse(e.data) as ServerMessage;
    messages.push(message);
    if (message.type === "control") controlled.resolve(message);
  };
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = (e) => reject(new Error((e as ErrorEvent).message));
  });
  ws.send(JSON.stringify({ type: "hello", protocol: 1 }));
  return { ws, messages, control: controlled.promise };
}

async function close(ws: WebSocket): Promise<void> {
  const closed = new Promise((resolve) => ws.onclose = resolve);
  ws.close();
  await closed;
}

Deno.test("createApp() gives each socket the role of the password it logged in with", async () => {
  await withServer(async (host, control) => {
    const full = await open(host, FULL);
    const view = await open(host, VIEW);
    const [f, v] = await Promise.all([full.control, view.control]);
    assert.equal(f.type === "control" && f.you.role, "full");
    assert.equal(v.type === "control" && v.you.role, "view");
    const viewPeer = v.type === "control" ? v.you.peer : "";
    assert.equal(control.roleOf(viewPeer), "view");
    // The view-only socket asks for control: refused.
    const refused = Promise.withResolvers<void>();
    view.ws.addEventListener("message", (e) => {
      if (JSON.parse(e.data).code === "forbidden") refused.resolve();
    });
    view.ws.send(JSON.stringify({ type: "control-request" }));
    await refused.promise;
    assert.equal(control.controller, undefined);
    await close(full.ws);
    await close(view.ws);
  });
});

Deno.test("createApp() refuses a socket whose page token was issued to another role", async () => {
  await withServer(async (host) => {
    await assert.rejects(open(host, FULL, VIEW), /403/);
    await assert.rejects(open(host, VIEW, FULL), /403/);
  });
});

Deno.test("createApp() serves the page to the view-only password, refuses a wrong one", async () => {
  const app = createApp({ session: SESSION, version: "1", webRoot: "/nonexistent", auth: AUTH });
  const view = await app.request("/ws-token", { headers: { Authorization: VIEW } });
  assert.equal(view.status, 200);
  await view.body?.cancel();
  const wrong = await app.request("/ws-token", {
    headers: { Authorization: `Basic ${btoa("ada:view-passX")}` },
  });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  // The view-only password with another user name is no login either.
  const other = await app.request("/ws-token", {
    headers: { Authorization: `Basic ${btoa("bob:view-pass")}` },
  });
  assert.equal(other.status, 401);
  await other.body?.cancel();
});

/**
 * The refusals whose behaviour is the socket's: a real `Deno.serve` socket
 * and a real WebSocket client, a recording session behind them.
 */

import assert from "node:assert/strict";
import { createApp } from "./app.ts";
import type { Session, Viewer } from "./session.ts";
import { MAX_SIGNALLING_MESSAGE } from "./protocol/signalling.ts";
import { signallingProtocols } from "./protocol/page_token.ts";

/** A session that admits `seats` viewers. */
function session(seats: number): Session & { viewers: Viewer[] } {
  const viewers: Viewer[] = [];
  return {
    viewers,
    get viewerCount() {
      return viewers.length;
    },
    get full() {
      return viewers.length >= seats;
    },
    join(viewer) {
      viewers.push(viewer);
      return true;
    },
    leave(id) {
      viewers.splice(viewers.findIndex((v) => v.id === id), 1);
    },
    answer() {},
    ice() {},
    iceRestart() {},
    settings() {},
  };
}

/** Opens /ws, says hello, and collects what comes back until the socket closes. */
async function visit(port: number, then: (ws: WebSocket) => void = () => {}) {
  // The page's way in: a page token, offered as a subprotocol, and the page's own origin.
  const { token } = await (await fetch(`http://127.0.0.1:${port}/ws-token`)).json();
  const DenoWebSocket = WebSocket as unknown as new (
    url: string,
    init: { protocols: string[]; headers: Record<string, string> },
  ) => WebSocket;
  const ws = new DenoWebSocket(`ws://127.0.0.1:${port}/ws`, {
    protocols: signallingProtocols(token),
    headers: { Origin: `http://127.0.0.1:${port}` },
  });
  const received: { type: string; code?: string; message?: string }[] = [];
  const closed = new Promise<CloseEvent>((resolve) => ws.onclose = resolve);
  ws.onmessage = (e) => received.push(JSON.parse(e.data));
  await new Promise((resolve) => ws.onopen = resolve);
  ws.send(JSON.stringify({ type: "hello", protocol: 1 }));
  then(ws);
  return { ws, received, closed };
}

async function withServer(seats: number, fn: (port: number) => Promise<void>): Promise<void> {
  const app = createApp({ session: session(seats), version: "1.2.3", webRoot: "/nonexistent" });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  try {
    await fn(server.addr.port);
  } finally {
    await server.shutdown();
  }
}

Deno.test("createApp() refuses a viewer over the limit with full, then closes 1013", async () => {
  await withServer(1, async (port) => {
    const first = await visit(port);
    const second = await visit(port);
    const event = await second.closed;
    assert.deepEqual([event.code, event.reason], [1013, "server full"]);
    assert.deepEqual(second.received, [
      { type: "error", code: "full", message: "The server is full: 1 viewer is watching" },
    ]);
    assert.deepEqual(first.received.map((m) => m.type), ["welcome"]);
    first.ws.close();
    await first.closed;
  });
});

Deno.test("createApp() answers a frame over the size limit with too-big, then closes 1009", async () => {
  await withServer(1, async (port) => {
    const big = "x".repeat(MAX_SIGNALLING_MESSAGE + 1);
    const visitor = await visit(port, (ws) => {
      ws.send(big);
      ws.send(JSON.stringify({ type: "ice", candidate: "", sdpMLineIndex: 0 }));
    });
    const event = await visitor.closed;
    assert.deepEqual([event.code, event.reason], [1009, "message too big"]);
    assert.deepEqual(visitor.received.slice(1), [{
      type: "error",
      code: "too-big",
      message: `Message of ${big.length} is over the limit of ${MAX_SIGNALLING_MESSAGE}`,
    }]);
  });
});

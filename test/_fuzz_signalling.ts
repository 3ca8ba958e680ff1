/**
 * The signalling half of the fuzz test: hostile frames on real WebSockets to
 * a running server, and what the clients saw come back.
 *
 * - Paced connections send {@linkcode PACED_FRAMES} frames each, inside the
 *   rate limit's burst, then a sentinel whose reply says every earlier reply
 *   is in; one in eight says `hello` first and waits for its offer.
 * - Flooding connections send 2000 frames at once: the server drops what is
 *   over the rate limit, says `rate-limited` and closes them (1008); the
 *   client may see neither, its socket reset while it still sends.
 * - Oversized frames (text and binary) get `too-big` and a 1009 close.
 * - Raw connections send what no WebSocket API can (invalid UTF-8 in a text
 *   frame, a half frame, a 2^40-byte length, reserved bits, an unknown
 *   opcode, a continuation without a start): Deno's server drops them.
 *
 * @module
 */

import { CloseCode, SIGNALLING_LIMITS } from "../lib/protocol/signalling.ts";
import { AUTH, type TestServer } from "./_harness.ts";
import { signallingProtocols } from "../lib/protocol/page_token.ts";
import { type Fuzz, signallingFrame } from "./_fuzz_messages.ts";
import { openRawWebSocket, rawFrame, WsOp } from "./fixtures/raw_websocket.ts";

/** Frames each paced connection sends, the sentinel included: inside the burst. */
export const PACED_FRAMES = 190;

/** What the clients sent and saw. */
export interface SignallingFuzzResult {
  /** Frames sent on connections the clients closed themselves. */
  pacedSent: number;
  /** Replies `bad-message` or `protocol` those connections got. */
  pacedErrors: number;
  /** Paced connections, and raw ones the server upgraded. */
  pacedConnections: number;
  rawConnections: number;
  /** Frames sent by flooding and oversized connections (the server closed them). */
  otherSent: number;
  /**
   * Whether each flooding connection was closed (by the server: its close
   * frame may be lost to a reset while the client still sends).
   */
  floodClosed: boolean[];
  /** Close codes and first error code of the oversized connections. */
  tooBig: [number, string][];
  /** Raw connections the server dropped (of those that were not half frames). */
  rawDropped: number;
}

interface Client {
  ws: WebSocket;
  replies: { type: string; code?: string; message?: string }[];
  closed: Promise<number>;
  /** Resolves once a reply matches `predicate`; false after `timeoutMs`. */
  until(
    predicate: (reply: Client["replies"][number]) => boolean,
    timeoutMs: number,
  ): Promise<boolean>;
}

/** The headers of a page's own upgrade: credentials, its origin and a fresh page token. */
async function headers(server: TestServer): Promise<Record<string, string>> {
  const authorization = `Basic ${btoa(`${AUTH.username}:${AUTH.password}`)}`;
  const res = await fetch(`${server.url}ws-token`, { headers: { Authorization: authorization } });
  if (!res.ok) throw new Error(`ws-token: HTTP ${res.status}`);
  const { token } = await res.json() as { token: string };
  return {
    Authorization: authorization,
    Origin: new URL(server.url).origin,
    "Sec-WebSocket-Protocol": signallingProtocols(token).join(", "),
  };
}

/** Deno's WebSocket, which takes handshake headers (the DOM's type does not say so). */
const DenoWebSocket = WebSocket as unknown as new (
  url: string,
  options: { protocols: string[]; headers: Record<string, string> },
) => WebSocket;

async function connect(server: TestServer): Promise<Client> {
  const ws = new DenoWebSocket(`${server.url.replace(/^http/, "ws")}ws`, {
    ...await (async () => {
      // The subprotocols go through the API (which checks the server's choice), the rest as headers.
      const { "Sec-WebSocket-Protocol": protocols, ...rest } = await headers(server);
      return { protocols: protocols!.split(", "), headers: rest };
    })(),
  });
  const replies: Client["replies"] = [];
  const waiters = new Set<() => void>();
  ws.onmessage = (e) => {
    replies.push(JSON.parse(e.data as string));
    for (const waiter of waiters) waiter();
  };
  const closed = new Promise<number>((resolve) => ws.onclose = (e) => resolve(e.code));
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error("WebSocket did not open"));
  });
  ws.onerror = () => {};
  return {
    ws,
    replies,
    closed,
    until(predicate, timeoutMs) {
      if (replies.some(predicate)) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          resolve(false);
        }, timeoutMs);
        const check = () => {
          if (!replies.some(predicate)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(true);
        };
        waiters.add(check);
      });
    },
  };
}

/** Runs every kind of connection against `server`; resolves once all are closed. */
export async function fuzzSignalling(
  server: TestServer,
  f: Fuzz,
  connections: number,
): Promise<SignallingFuzzResult> {
  const frames = Array.from(
    { length: connections },
    () => Array.from({ length: PACED_FRAMES - 1 }, () => signallingFrame(f)),
  );
  const floods = Array.from(
    { length: 3 },
    () =>
      Array.from(
        { length: 2000 },
        (_, i) => i % 2 ? signallingFrame(f) : '{"type":"ice","candidate":"","sdpMLineIndex":0}',
      ),
  );
  const [paced, flooded, oversized, raw] = await Promise.all([
    Promise.all(frames.map((list, i) => pacedConnection(server, list, i))),
    Promise.all(floods.map((list) => floodConnection(server, list))),
    Promise.all(
      ["x".repeat(70_000), new Uint8Array(100_000), `"${"y".repeat(2 << 20)}"`].map((big) =>
        oversizedConnection(server, big)
      ),
    ),
    rawConnections(server),
  ]);
  return {
    pacedSent: paced.reduce((n, p) => n + p.sent, 0),
    pacedErrors: paced.reduce((n, p) => n + p.errors, 0),
    pacedConnections: paced.length,
    rawConnections: raw.upgraded,
    otherSent: floods.length * 2000 + oversized.length * 6,
    floodClosed: flooded.map((c) => c.code !== -1),
    tooBig: oversized,
    rawDropped: raw.dropped,
  };
}

type Frame = string | Uint8Array<ArrayBuffer>;

async function pacedConnection(server: TestServer, frames: Frame[], i: number) {
  const client = await connect(server);
  let sent = 0;
  if (i % 8 === 0) {
    // A viewer that joins: its answers and candidates reach the helper once it has an offer.
    client.ws.send(JSON.stringify({ type: "hello", protocol: 1 }));
    sent++;
    await client.until((r) => r.type === "offer", 20_000);
  }
  for (const frame of frames.slice(sent)) {
    client.ws.send(frame);
    sent++;
  }
  const sentinel = `sentinel-${i}`;
  client.ws.send(JSON.stringify({ type: sentinel }));
  sent++;
  const answered = await client.until((r) => r.message?.includes(`"${sentinel}"`) ?? false, 20_000);
  if (!answered) {
    const last = JSON.stringify(client.replies.slice(-3)).slice(0, 500);
    const code = await Promise.race([client.closed, Promise.resolve("open")]);
    throw new Error(`paced connection ${i} (${code}): no reply to its sentinel; last ${last}`);
  }
  client.ws.close();
  await client.closed;
  const errors =
    client.replies.filter((r) =>
      r.type === "error" && (r.code === "bad-message" || r.code === "protocol")
    ).length;
  return { sent, errors };
}

async function floodConnection(server: TestServer, frames: Frame[]) {
  const client = await connect(server);
  for (const frame of frames) client.ws.send(frame);
  const code = await Promise.race([
    client.closed,
    new Promise<number>((r) => setTimeout(() => r(-1), 15_000)),
  ]);
  if (code === -1) client.ws.close();
  // Its replies (a `rate-limited` error) may be lost with the reset: the server's log tells.
  return { code };
}

async function oversizedConnection(
  server: TestServer,
  big: string | Uint8Array<ArrayBuffer>,
): Promise<[number, string]> {
  const client = await connect(server);
  for (let i = 0; i < 5; i++) client.ws.send(`{"type":"warm-up-${i}"}`);
  client.ws.send(big);
  const code = await Promise.race([
    client.closed,
    new Promise<number>((r) => setTimeout(() => r(-1), 15_000)),
  ]);
  if (code === -1) client.ws.close();
  const error = client.replies.find((r) => r.type === "error" && r.code !== "bad-message");
  return [code, error?.code ?? ""];
}

/** Frames Deno's WebSocket server must refuse by itself; each on a connection of its own. */
async function rawConnections(server: TestServer) {
  const text = (s: string) => new TextEncoder().encode(s);
  const hostile: { frame: Uint8Array; half?: boolean }[] = [
    { frame: rawFrame(WsOp.Text, Uint8Array.of(0x7b, 0xc3, 0x28, 0xff, 0xfe, 0x7d)) },
    { frame: rawFrame(WsOp.Text, text('{"type":"hel'), { declaredLength: 1000 }), half: true },
    { frame: rawFrame(WsOp.Binary, new Uint8Array(8), { declaredLength: 2 ** 40 }) },
    { frame: rawFrame(WsOp.Text, text("{}"), { rsv: 7 }) },
    { frame: rawFrame(3, text("{}")) },
    { frame: rawFrame(WsOp.Continuation, text('"type":"hello"}')) },
  ];
  let upgraded = 0;
  let dropped = 0;
  await Promise.all(hostile.map(async ({ frame, half }) => {
    const raw = await openRawWebSocket(`${server.url}ws`, await headers(server));
    if (raw.status.includes(" 101 ")) upgraded++;
    await raw.write(frame);
    if (half) raw.close(); // the rest never comes
    else if (await raw.closedByServer(10_000)) dropped++;
    raw.close();
  }));
  return { upgraded, dropped };
}

/** What the fuzz test expects. */
export const EXPECTED = {
  tooBig: CloseCode.TooBig,
  /** Frames a flooding connection gets through before it is closed, at most. */
  floodPassed: SIGNALLING_LIMITS.burst + SIGNALLING_LIMITS.abuseBurst + 1,
} as const;

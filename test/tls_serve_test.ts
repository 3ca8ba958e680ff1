/**
 * `listen()` with TLS on real sockets: the certificate is replaced on disk
 * and served without a restart, open connections carry on, a bad pair is
 * refused while the old one stays, the handler sees the real client, and
 * the loopback port behind the TLS front answers nobody else.
 *
 * @module
 */

import assert from "node:assert/strict";
import { pollUntil } from "../lib/poll.ts";
import { listen } from "../lib/serve.ts";
import { makeTestCertificate, servedBy } from "./fixtures/test_ca.ts";

/** Echoes the client address; `/ws` echoes WebSocket messages. */
function handler(request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>): Response {
  if (request.headers.get("upgrade") === "websocket") {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = (e) => socket.send(`echo ${e.data}`);
    return response;
  }
  return new Response(`${info.remoteAddr.hostname}:${info.remoteAddr.port}`);
}

/** Replaces `path` by rename, as certificate tools do. */
async function replace(path: string, from: string): Promise<void> {
  await Deno.copyFile(from, `${path}.new`);
  await Deno.rename(`${path}.new`, path);
}

/** One raw HTTP/1.1 GET over TLS; returns the body and the client's local port. */
async function rawGet(port: number, caPem: string): Promise<{ body: string; localPort: number }> {
  const conn = await Deno.connectTls({ hostname: "127.0.0.1", port, caCerts: [caPem] });
  try {
    await conn.write(
      new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    );
    const text = await new Response(conn.readable).text();
    return { body: text.slice(text.indexOf("\r\n\r\n") + 4), localPort: conn.localAddr.port };
  } catch (error) {
    conn.close();
    throw error;
  }
}

Deno.test("listen() with TLS reloads the certificate in place and keeps open connections", async () => {
  const dir = await Deno.makeTempDir({ prefix: "skerry-tls-" });
  const a = await makeTestCertificate(dir, "a");
  const b = await makeTestCertificate(dir, "b");
  const cert = `${dir}/cert.pem`;
  const key = `${dir}/key.pem`;
  await Deno.copyFile(a.certPath, cert);
  await Deno.copyFile(a.keyPath, key);
  const reloads: (Error | undefined)[] = [];
  const server = await listen(handler, {
    hostname: "127.0.0.1",
    port: 0,
    tls: { cert, key },
    reloadDebounceMs: 100,
    onReload: (error) => reloads.push(error),
  });
  const clientA = Deno.createHttpClient({ caCerts: [a.caPem] });
  const clientB = Deno.createHttpClient({ caCerts: [b.caPem] });
  const cas = { a: a.caPem, b: b.caPem };
  try {
    assert.deepEqual(await servedBy(server.port, cas), ["a"]);

    // The handler sees the client itself, not the loopback hop.
    const got = await rawGet(server.port, a.caPem);
    assert.equal(got.body, `127.0.0.1:${got.localPort}`);

    // A WebSocket opened now must outlive the reload.
    const DenoWebSocket = WebSocket as unknown as new (
      url: string,
      init: { client: Deno.HttpClient },
    ) => WebSocket;
    const ws = new DenoWebSocket(`wss://127.0.0.1:${server.port}/ws`, { client: clientA });
    const messages: string[] = [];
    ws.onmessage = (e) => messages.push(e.data);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    ws.send("one");
    await pollUntil(() => messages.includes("echo one"), { what: "echo one", timeoutMs: 5000 });

    // A key that does not match: refused, the old pair stays.
    await replace(cert, b.certPath);
    await pollUntil(() => reloads.length >= 1, { what: "a reload attempt", timeoutMs: 10_000 });
    assert.match(String(reloads[0]?.message), /KeyMismatch|not be consistent/);
    assert.deepEqual(await servedBy(server.port, cas), ["a"]);

    // The matching key arrives: the new certificate is served, same process.
    await replace(key, b.keyPath);
    await pollUntil(() => reloads.at(-1) === undefined && reloads.length >= 2, {
      what: "a successful reload",
      timeoutMs: 10_000,
    });
    assert.deepEqual(await servedBy(server.port, cas), ["b"]);
    const res = await fetch(
      `https://127.0.0.1:${server.port}/`,
      { client: clientB } as RequestInit,
    );
    assert.equal(res.status, 200);
    await res.body?.cancel();

    // The WebSocket from before the reload still works.
    ws.send("two");
    await pollUntil(() => messages.includes("echo two"), { what: "echo two", timeoutMs: 5000 });
    const closed = new Promise((resolve) => ws.onclose = resolve);
    ws.close();
    await closed;

    // The loopback port behind the TLS front answers nobody else.
    const stranger = await fetch(`http://127.0.0.1:${server.loopbackPort}/`);
    assert.equal(stranger.status, 403);
    await stranger.body?.cancel();
  } finally {
    clientA.close();
    clientB.close();
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("listen() refuses a certificate and key that do not match, naming the files", async () => {
  const dir = await Deno.makeTempDir({ prefix: "skerry-tls-" });
  try {
    const a = await makeTestCertificate(dir, "a");
    const b = await makeTestCertificate(dir, "b");
    await assert.rejects(
      listen(handler, {
        hostname: "127.0.0.1",
        port: 0,
        tls: { cert: a.certPath, key: b.keyPath },
      }),
      new RegExp(
        `^Error: Cannot serve HTTPS with --https-cert ${a.certPath} and --https-key ${b.keyPath}: `,
      ),
    );
    await assert.rejects(
      listen(handler, {
        hostname: "127.0.0.1",
        port: 0,
        tls: { cert: `${dir}/none.pem`, key: b.keyPath },
      }),
      new RegExp(`^Error: Cannot read --https-cert ${dir}/none.pem: `),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("listen() serves one PEM file holding both the certificate and its key", async () => {
  const dir = await Deno.makeTempDir({ prefix: "skerry-tls-" });
  try {
    const a = await makeTestCertificate(dir, "a");
    const both = `${dir}/both.pem`;
    await Deno.writeTextFile(
      both,
      (await Deno.readTextFile(a.certPath)) + (await Deno.readTextFile(a.keyPath)),
    );
    const server = await listen(handler, {
      hostname: "127.0.0.1",
      port: 0,
      tls: { cert: both, key: both },
    });
    try {
      assert.deepEqual(await servedBy(server.port, { a: a.caPem }), ["a"]);
    } finally {
      await server.shutdown();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("listen() with TLS on a taken port throws AddrInUse and leaves nothing open", async () => {
  const dir = await Deno.makeTempDir({ prefix: "skerry-tls-" });
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const a = await makeTestCertificate(dir, "a");
    await assert.rejects(
      listen(handler, {
        hostname: "127.0.0.1",
        port: taken.addr.port,
        tls: { cert: a.certPath, key: a.keyPath },
      }),
      Deno.errors.AddrInUse,
    );
  } finally {
    taken.close();
    await Deno.remove(dir, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { createApp } from "./app.ts";
import type { Session } from "./session.ts";

/** The routes tested here never reach the media session. */
const NO_SESSION: Session = {
  join: () => assert.fail("join"),
  leave: () => assert.fail("leave"),
  answer: () => assert.fail("answer"),
  ice: () => assert.fail("ice"),
  iceRestart: () => assert.fail("iceRestart"),
};

const AUTH = { username: "ada", password: "s3cret-pass" };
const basic = (user: string, pass: string) => ({
  Authorization: `Basic ${btoa(`${user}:${pass}`)}`,
});

async function withApp(
  fn: (app: ReturnType<typeof createApp>, webRoot: string) => Promise<void>,
  auth: typeof AUTH | null = AUTH,
) {
  const webRoot = await Deno.makeTempDir();
  await Deno.writeTextFile(`${webRoot}/index.html`, "<!doctype html><title>t</title>");
  await Deno.writeTextFile(`${webRoot}/app.js`, "console.log(1)");
  const app = createApp({
    session: NO_SESSION,
    version: "0",
    webRoot,
    ...(auth ? { auth } : {}),
  });
  try {
    await fn(app, webRoot);
  } finally {
    await Deno.remove(webRoot, { recursive: true });
  }
}

Deno.test("createApp() serves /healthz without credentials", async () => {
  await withApp(async (app) => {
    const res = await app.request("/healthz");
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "ok");
  });
});

Deno.test("createApp() demands Basic auth on the page, assets and the WebSocket", async () => {
  await withApp(async (app) => {
    for (const path of ["/", "/index.html", "/app.js", "/ws", "/nope"]) {
      const res = await app.request(path);
      assert.equal(res.status, 401, path);
      assert.equal(res.headers.get("WWW-Authenticate"), 'Basic realm="Skerry"', path);
      await res.body?.cancel();
    }
    const wrong = await app.request("/", { headers: basic("ada", "guess") });
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
  });
});

Deno.test("createApp() serves the client with credentials, with security headers", async () => {
  await withApp(async (app) => {
    const res = await app.request("/", { headers: basic(AUTH.username, AUTH.password) });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "<!doctype html><title>t</title>");
    assert.equal(res.headers.get("Cache-Control"), "no-cache");
    assert.equal(res.headers.get("X-Content-Type-Options"), "nosniff");
    assert.match(res.headers.get("Content-Security-Policy") ?? "", /connect-src 'self' ws: wss:/);
    const js = await app.request("/app.js", { headers: basic(AUTH.username, AUTH.password) });
    assert.match(js.headers.get("Content-Type") ?? "", /javascript/);
    await js.body?.cancel();
    const missing = await app.request("/missing.txt", {
      headers: basic(AUTH.username, AUTH.password),
    });
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
  });
});

Deno.test("createApp() serves the web root whatever the current directory", async () => {
  await withApp(async (app) => {
    const cwd = Deno.cwd();
    Deno.chdir("/tmp");
    try {
      const res = await app.request("/index.html");
      assert.equal(res.status, 200);
      await res.body?.cancel();
    } finally {
      Deno.chdir(cwd);
    }
  }, null);
});

Deno.test("createApp() refuses a plain GET on /ws", async () => {
  await withApp(async (app) => {
    const res = await app.request("/ws", { headers: basic(AUTH.username, AUTH.password) });
    assert.notEqual(res.status, 200);
    await res.body?.cancel();
  });
});

Deno.test("createApp() joins a viewer to the session over /ws and makes it leave on close", async () => {
  const calls: string[] = [];
  const left = Promise.withResolvers<void>();
  const session: Session = {
    join: (viewer) => {
      calls.push(`join ${viewer.id}`);
      viewer.send({ type: "status", state: "starting" });
    },
    leave: (id) => {
      calls.push(`leave ${id}`);
      left.resolve();
    },
    answer: (id, sdp) => calls.push(`answer ${id} ${sdp}`),
    ice: () => {},
    iceRestart: () => {},
  };
  const app = createApp({ session, version: "1.2.3", webRoot: "/nonexistent" });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  try {
    const ws = new WebSocket(`ws://127.0.0.1:${server.addr.port}/ws`);
    const received: { type: string; state?: string }[] = [];
    const starting = Promise.withResolvers<void>();
    ws.onmessage = (e) => {
      received.push(JSON.parse(e.data));
      if (received.length === 2) starting.resolve();
    };
    await new Promise((resolve) => ws.onopen = resolve);
    ws.send(JSON.stringify({ type: "hello", protocol: 1 }));
    await starting.promise;
    ws.send(JSON.stringify({ type: "answer", sdp: "v=0" }));
    const peer = (received[0] as { peer?: string }).peer;
    assert.deepEqual(received.map((m) => m.type), ["welcome", "status"]);
    const closed = new Promise((resolve) => ws.onclose = resolve);
    ws.close();
    await Promise.all([closed, left.promise]);
    assert.deepEqual(calls, [`join ${peer}`, `answer ${peer} v=0`, `leave ${peer}`]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("createApp() answers /turn with the browser's RTC configuration, behind auth, never cached", async () => {
  const config = {
    iceServers: [{
      urls: ["turn:t:3478?transport=udp"],
      username: "1700000000:u",
      credential: "c",
    }],
  };
  const app = createApp({
    session: NO_SESSION,
    version: "0",
    webRoot: "/nonexistent",
    auth: AUTH,
    iceServers: { current: config, subscribe: () => () => {} },
  });
  const anonymous = await app.request("/turn");
  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();
  const res = await app.request("/turn", { headers: basic(AUTH.username, AUTH.password) });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("Cache-Control"), "no-store");
  assert.equal(res.headers.get("X-Content-Type-Options"), "nosniff");
  assert.deepEqual(await res.json(), config);
  const none = createApp({ session: NO_SESSION, version: "0", webRoot: "/nonexistent" });
  assert.deepEqual(await (await none.request("/turn")).json(), { iceServers: [] });
});

import assert from "node:assert/strict";
import { createApp } from "./app.ts";
import type { Session } from "./session.ts";

/** The routes tested here never reach the media session. */
const NO_SESSION: Session = {
  viewerCount: 0,
  full: false,
  join: () => assert.fail("join"),
  leave: () => assert.fail("leave"),
  answer: () => assert.fail("answer"),
  ice: () => assert.fail("ice"),
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
    viewerCount: 0,
    full: false,
    join: (viewer) => {
      calls.push(`join ${viewer.id}`);
      viewer.send({ type: "status", state: "starting" });
      return true;
    },
    leave: (id) => {
      calls.push(`leave ${id}`);
      left.resolve();
    },
    answer: (id, sdp) => calls.push(`answer ${id} ${sdp}`),
    ice: () => {},
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

Deno.test("createApp() answers /health and /healthz without credentials", async () => {
  await withApp(async (app) => {
    const health = await app.request("/health");
    assert.equal(health.status, 200);
    assert.equal(await health.text(), "OK");
    const healthz = await app.request("/healthz");
    assert.equal(await healthz.text(), "ok");
  });
});

Deno.test("createApp() serves /metrics in Prometheus text format, with credentials only", async () => {
  const app = createApp({
    session: NO_SESSION,
    version: "0",
    webRoot: "/nonexistent",
    auth: AUTH,
    metrics: { render: () => "# TYPE x gauge\nx 1\n" },
  });
  const anonymous = await app.request("/metrics");
  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();
  const res = await app.request("/metrics", { headers: basic(AUTH.username, AUTH.password) });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  assert.equal(await res.text(), "# TYPE x gauge\nx 1\n");
});

Deno.test("createApp() serves the PWA manifest, service worker and icons without credentials", async () => {
  const app = createApp({
    session: NO_SESSION,
    version: "0",
    webRoot: "/nonexistent",
    auth: AUTH,
    pwa: { name: "Desk <1>", shortName: "desk", startUrl: "/index.html" },
  });
  const manifest = await app.request("/manifest.webmanifest");
  assert.equal(manifest.status, 200);
  assert.equal(manifest.headers.get("Content-Type"), "application/manifest+json");
  const body = await manifest.json();
  assert.equal(body.name, "Desk <1>");
  assert.equal(body.short_name, "desk");
  assert.equal(body.start_url, "/index.html");
  const sw = await app.request("/sw.js");
  assert.match(sw.headers.get("Content-Type") ?? "", /^text\/javascript/);
  assert.match(await sw.text(), /addEventListener\("fetch"/);
  const icon = await app.request("/icon-192.png");
  assert.equal(icon.headers.get("Content-Type"), "image/png");
  assert.deepEqual([...new Uint8Array(await icon.arrayBuffer()).subarray(1, 4)], [
    0x50,
    0x4e,
    0x47,
  ]);
  const page = await app.request("/");
  assert.equal(page.status, 401, "the page itself still needs credentials");
  await page.body?.cancel();
});

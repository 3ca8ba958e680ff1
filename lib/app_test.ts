import assert from "node:assert/strict";
import { type AppDeps, createApp } from "./app.ts";
import { configure, getTextFormatter, reset } from "@logtape/logtape";
import { LoginLimiter } from "./login_limiter.ts";
import { CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY } from "./security_headers.ts";
import type { Session } from "./session.ts";
import { signallingProtocols } from "./protocol/page_token.ts";

/** The routes tested here never reach the media session. */
const NO_SESSION: Session = {
  viewerCount: 0,
  full: false,
  join: () => assert.fail("join"),
  leave: () => assert.fail("leave"),
  answer: () => assert.fail("answer"),
  ice: () => assert.fail("ice"),
  iceRestart: () => assert.fail("iceRestart"),
  settings: () => assert.fail("settings"),
};

const AUTH = { username: "ada", password: "s3cret-pass" };
const basic = (user: string, pass: string) => ({
  Authorization: `Basic ${btoa(`${user}:${pass}`)}`,
});

async function withApp(
  fn: (app: ReturnType<typeof createApp>, webRoot: string) => Promise<void>,
  auth: typeof AUTH | null = AUTH,
  extra: Partial<AppDeps> = {},
) {
  const webRoot = await Deno.makeTempDir();
  await Deno.writeTextFile(`${webRoot}/index.html`, "<!doctype html><title>t</title>");
  await Deno.writeTextFile(`${webRoot}/app.js`, "console.log(1)");
  await Deno.writeTextFile(`${webRoot}/app.js.map`, "{}");
  await Deno.writeTextFile(`${webRoot}/.hidden`, "secret");
  await Deno.mkdir(`${webRoot}/.git`);
  await Deno.writeTextFile(`${webRoot}/.git/config`, "secret");
  const app = createApp({
    session: NO_SESSION,
    version: "0",
    webRoot,
    ...(auth ? { auth } : {}),
    ...extra,
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

/** What Deno.serve passes as the second argument: the client's address. */
const from = (hostname: string) => ({ remoteAddr: { transport: "tcp", hostname, port: 40000 } });
const ok = (c: typeof AUTH = AUTH) => ({ headers: basic(c.username, c.password) });

Deno.test("createApp() sets the security headers on every answer, HSTS only over HTTPS", async () => {
  await withApp(async (app) => {
    for (
      const [path, init, status] of [
        ["/", ok(), 200],
        ["/healthz", {}, 200],
        ["/", {}, 401],
        ["/nope", ok(), 404],
      ] as const
    ) {
      const res = await app.request(path, init);
      assert.equal(res.status, status, path);
      assert.equal(
        res.headers.get("Content-Security-Policy"),
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; " +
          "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; " +
          "form-action 'none'; frame-ancestors 'none'",
      );
      assert.equal(res.headers.get("Content-Security-Policy"), CONTENT_SECURITY_POLICY);
      assert.equal(res.headers.get("Permissions-Policy"), PERMISSIONS_POLICY);
      assert.equal(res.headers.get("X-Frame-Options"), "DENY");
      assert.equal(res.headers.get("Referrer-Policy"), "no-referrer");
      assert.equal(res.headers.get("X-Content-Type-Options"), "nosniff");
      assert.equal(res.headers.get("Cross-Origin-Resource-Policy"), "same-origin");
      assert.equal(res.headers.get("Cross-Origin-Opener-Policy"), "same-origin");
      assert.equal(res.headers.get("Strict-Transport-Security"), null, path);
      await res.body?.cancel();
    }
  });
  await withApp(
    async (app) => {
      const res = await app.request("/", ok());
      assert.equal(res.headers.get("Strict-Transport-Security"), "max-age=31536000");
      await res.body?.cancel();
    },
    AUTH,
    { https: true },
  );
});

Deno.test("createApp() answers /healthz with ok and nothing else", async () => {
  await withApp(async (app) => {
    const res = await app.request("/healthz", { headers: basic("ada", "wrong") });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "ok");
    assert.equal(res.headers.get("Server"), null);
    assert.equal(res.headers.get("X-Powered-By"), null);
    assert.equal(res.headers.get("WWW-Authenticate"), null);
  });
});

Deno.test("createApp() never serves source maps or dot files from the web root", async () => {
  await withApp(async (app) => {
    for (
      const path of [
        "/app.js.map",
        "/APP.JS.MAP",
        "/.hidden",
        "/.git/config",
        "/%2ehidden",
        "/%2Egit/config",
        "/x/../.hidden",
      ]
    ) {
      const res = await app.request(path, ok());
      assert.equal(res.status, 404, path);
      assert.equal(await res.text(), "Not found", path);
    }
    const js = await app.request("/app.js", ok());
    assert.equal(js.status, 200);
    await js.body?.cancel();
  });
});

Deno.test("createApp() answers 429 after 5 wrong passwords from one address, and logs no password", async () => {
  let now = 1_000_000;
  const limiter = new LoginLimiter({ now: () => now });
  const lines: string[] = [];
  const format = getTextFormatter({ value: "bare" });
  await configure({
    reset: true,
    sinks: { memory: (record) => lines.push(format(record)) },
    loggers: [
      { category: ["skerry"], lowestLevel: "debug", sinks: ["memory"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["memory"] },
    ],
  });
  await withApp(
    async (app) => {
      const wrong = { username: "ada", password: "guess-1" };
      // No credentials at all is how every browser starts: not a failure.
      for (let i = 0; i < 10; i++) {
        const res = await app.fetch(new Request("http://x/"), from("192.0.2.1"));
        assert.equal(res.status, 401);
      }
      for (let i = 1; i <= 5; i++) {
        const res = await app.fetch(new Request("http://x/", ok(wrong)), from("192.0.2.1"));
        assert.equal(res.status, 401, `failure ${i}`);
      }
      const blocked = await app.fetch(new Request("http://x/", ok()), from("192.0.2.1"));
      assert.equal(blocked.status, 429);
      assert.equal(blocked.headers.get("Retry-After"), "300");
      assert.equal(blocked.headers.get("WWW-Authenticate"), null);
      // The ws-token and /ws are behind the same lock.
      const token = await app.fetch(new Request("http://x/ws-token", ok()), from("192.0.2.1"));
      assert.equal(token.status, 429);
      // Another address is not affected.
      const other = await app.fetch(new Request("http://x/", ok()), from("192.0.2.2"));
      assert.equal(other.status, 200);
      await other.body?.cancel();
      now += 300_000;
      const later = await app.fetch(new Request("http://x/", ok()), from("192.0.2.1"));
      assert.equal(later.status, 200);
      await later.body?.cancel();
    },
    AUTH,
    { loginLimiter: limiter },
  ).finally(() => reset());
  const failures = lines.filter((l) => l.includes("Failed login from 192.0.2.1"));
  assert.equal(failures.length, 5, lines.join(""));
  assert.match(failures[4]!, /refusing it for 300 s/);
  assert.ok(!lines.join("").includes("guess-1"), "the log holds no tried password");
});

Deno.test("createApp() counts failed logins per X-Forwarded-For client behind a trusted proxy", async () => {
  const limiter = new LoginLimiter();
  await withApp(
    async (app) => {
      const wrong = (xff: string) =>
        new Request("http://x/", {
          headers: { ...basic("ada", "guess"), "X-Forwarded-For": xff },
        });
      for (let i = 0; i < 5; i++) await app.fetch(wrong("203.0.113.5"), from("127.0.0.1"));
      const attacker = await app.fetch(wrong("203.0.113.5"), from("127.0.0.1"));
      assert.equal(attacker.status, 429);
      const user = new Request("http://x/", {
        headers: { ...ok().headers, "X-Forwarded-For": "198.51.100.8" },
      });
      const res = await app.fetch(user, from("127.0.0.1"));
      assert.equal(res.status, 200);
      await res.body?.cancel();
    },
    AUTH,
    { loginLimiter: limiter, trustedProxies: ["127.0.0.1"] },
  );
});

Deno.test("createApp() hands out page tokens to its own page only, never cached", async () => {
  await withApp(async (app) => {
    const res = await app.request("/ws-token", ok());
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("Cache-Control"), "no-store");
    assert.match((await res.json()).token, /^[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
    for (const site of ["cross-site", "same-site"]) {
      const refused = await app.request("/ws-token", {
        headers: { ...ok().headers, "Sec-Fetch-Site": site },
      });
      assert.equal(refused.status, 403, site);
      await refused.body?.cancel();
    }
    const same = await app.request("/ws-token", {
      headers: { ...ok().headers, "Sec-Fetch-Site": "same-origin" },
    });
    assert.equal(same.status, 200);
    await same.body?.cancel();
  });
});

/** A server on a free port for the WebSocket tests; `fn` gets its base URL. */
async function withServer(session: Session, fn: (base: string) => Promise<void>) {
  const app = createApp({ session, version: "1.2.3", webRoot: "/nonexistent" });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  try {
    await fn(`127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

/** Deno's WebSocket takes headers (the DOM typings do not know it). */
const DenoWebSocket = WebSocket as unknown as new (
  url: string,
  options: { protocols?: string[]; headers?: Record<string, string> },
) => WebSocket;

/** Opens `/ws` like a page of `origin`; resolves with the socket or rejects when refused. */
async function openSocket(
  host: string,
  options: { origin?: string; token?: string | null },
): Promise<WebSocket> {
  const token = options.token === undefined
    ? (await (await fetch(`http://${host}/ws-token`)).json()).token
    : options.token;
  const ws = new DenoWebSocket(`ws://${host}/ws`, {
    ...(token !== null ? { protocols: signallingProtocols(token) } : {}),
    ...(options.origin ? { headers: { Origin: options.origin } } : {}),
  });
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = (e) => reject(new Error((e as ErrorEvent).message));
  });
  return ws;
}

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
    iceRestart: () => {},
    settings: () => {},
  };
  await withServer(session, async (host) => {
    const ws = await openSocket(host, { origin: `http://${host}` });
    assert.equal(ws.protocol, "skerry");
    const received: { type: string; state?: string }[] = [];
    const starting = Promise.withResolvers<void>();
    ws.onmessage = (e) => {
      received.push(JSON.parse(e.data));
      if (received.length === 2) starting.resolve();
    };
    ws.send(JSON.stringify({ type: "hello", protocol: 1 }));
    await starting.promise;
    ws.send(JSON.stringify({ type: "answer", sdp: "v=0" }));
    const peer = (received[0] as { peer?: string }).peer;
    assert.deepEqual(received.map((m) => m.type), ["welcome", "status"]);
    const closed = new Promise((resolve) => ws.onclose = resolve);
    ws.close();
    await Promise.all([closed, left.promise]);
    assert.deepEqual(calls, [`join ${peer}`, `answer ${peer} v=0`, `leave ${peer}`]);
  });
});

Deno.test("createApp() refuses /ws from a foreign origin or without a valid page token", async () => {
  const session: Session = { ...NO_SESSION, join: () => true, leave: () => {} };
  await withServer(session, async (host) => {
    for (
      const [what, options] of [
        ["foreign origin", { origin: "https://evil.example" }],
        ["same host, other port", { origin: "http://127.0.0.1:1" }],
        ["no token", { origin: `http://${host}`, token: null }],
        ["forged token", { origin: `http://${host}`, token: "zzzzzz.AAAA" }],
        ["no origin, no token", { token: null }],
      ] as const
    ) {
      await assert.rejects(openSocket(host, options), /403/, what);
    }
    // Not a browser (no Origin), with a token: accepted.
    const ws = await openSocket(host, {});
    ws.close();
  });
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

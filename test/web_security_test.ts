/**
 * The web server's locks, on a real server process and real sockets: the
 * Origin check and the page token on `/ws`, the failed-login limit per
 * client address, and what the web root never serves.
 *
 * @module
 */

import assert from "node:assert/strict";
import { startXvfb } from "../lib/display.ts";
import { CONTENT_SECURITY_POLICY } from "../lib/security_headers.ts";
import { AUTH, signallingSocket, startServer, waitFor } from "./_harness.ts";

const basic = (password: string) => ({
  Authorization: `Basic ${btoa(`${AUTH.username}:${password}`)}`,
});

/** GET `url` with `headers`; returns the status and the body. */
async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

Deno.test({
  name: "skerry's web server refuses foreign pages, missing tokens, guessers and hidden files",
  async fn(t) {
    const display = await startXvfb({ width: 320, height: 240 });
    // A web root with what must never be served next to what must.
    const webRoot = await Deno.makeTempDir({ prefix: "skerry-webroot-" });
    await Deno.writeTextFile(`${webRoot}/index.html`, "<!doctype html><title>t</title>");
    await Deno.writeTextFile(`${webRoot}/app.js`, "export {};\n//# sourceMappingURL=app.js.map");
    await Deno.writeTextFile(`${webRoot}/app.js.map`, '{"sources":["secret.ts"]}');
    await Deno.writeTextFile(`${webRoot}/.hidden`, "secret");
    // Listening on :: takes IPv4 (as ::ffff:127.0.0.1) and ::1: two client addresses.
    const server = await startServer({
      display,
      args: ["--addr=::", `--web-root=${webRoot}`],
    });
    const own = `http://127.0.0.1:${server.port}`;
    const viaV6 = `http://[::1]:${server.port}/`;
    try {
      await t.step(
        "a WebSocket with valid credentials from https://evil.example gets 403",
        async () => {
          await assert.rejects(
            signallingSocket(server, { origin: "https://evil.example" }),
            /403/,
          );
          await waitFor(
            "the refusal in the log",
            () =>
              server.stderr.some((l) =>
                l.includes("Refused a WebSocket from origin https://evil.example at 127.0.0.1")
              ),
            5000,
          );
        },
      );

      await t.step("from the page's own origin, with the page token, it opens", async () => {
        const ws = await signallingSocket(server, { origin: own });
        assert.equal(ws.protocol, "skerry");
        const welcome = new Promise<{ type: string }>((resolve) => {
          ws.onmessage = (e) => resolve(JSON.parse(e.data));
        });
        ws.send(JSON.stringify({ type: "hello", protocol: 1 }));
        assert.equal((await welcome).type, "welcome");
        const closed = new Promise((resolve) => ws.onclose = resolve);
        ws.close();
        await closed;
      });

      await t.step("without the page token, or with a forged one, it gets 403", async () => {
        await assert.rejects(signallingSocket(server, { origin: own, token: null }), /403/);
        await assert.rejects(
          signallingSocket(server, {
            origin: own,
            token: "zzzzzzz.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
          }),
          /403/,
        );
      });

      await t.step("source maps and dot files are 404; the CSP is exact", async () => {
        for (const path of ["app.js.map", ".hidden", "%2ehidden"]) {
          const res = await get(`${server.url}${path}`, basic(AUTH.password));
          assert.equal(res.status, 404, path);
          assert.equal(res.body, "Not found", path);
        }
        const page = await get(server.url, basic(AUTH.password));
        assert.equal(page.status, 200);
        assert.equal(page.headers.get("Content-Security-Policy"), CONTENT_SECURITY_POLICY);
        assert.equal(
          page.headers.get("Content-Security-Policy"),
          "default-src 'self'; connect-src 'self'; img-src 'self' data:; " +
            "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; " +
            "form-action 'none'; frame-ancestors 'none'",
        );
        assert.equal(page.headers.get("Strict-Transport-Security"), null);
        const health = await get(`${server.url}healthz`);
        assert.equal(health.status, 200);
        assert.equal(health.body, "ok");
      });

      await t.step(
        "the 6th wrong password from one address gets 429; another address logs in",
        async () => {
          for (let i = 1; i <= 5; i++) {
            const res = await get(server.url, basic(`wrong-guess-${i}`));
            assert.equal(res.status, 401, `guess ${i}`);
          }
          const sixth = await get(server.url, basic("wrong-guess-6"));
          assert.equal(sixth.status, 429);
          assert.equal(sixth.headers.get("Retry-After"), "300");
          // Blocked means blocked: the right password from that address too.
          assert.equal((await get(server.url, basic(AUTH.password))).status, 429);
          const other = await get(viaV6, basic(AUTH.password));
          assert.equal(other.status, 200);
          const failures = server.stderr.filter((l) => l.includes("Failed login from 127.0.0.1"));
          assert.equal(failures.length, 5, server.stderr.slice(-10).join("\n"));
          assert.ok(
            !server.stderr.some((l) => l.includes("wrong-guess")),
            "no tried password in the log",
          );
        },
      );
    } finally {
      const status = await server.stop();
      await display.stop();
      await Deno.remove(webRoot, { recursive: true });
      assert.equal(status.code, 0, server.stderr.slice(-10).join("\n"));
    }
  },
});

/**
 * `--enable-https` end to end: a real server with a certificate made by the
 * test, headless Chromium loading the page over https: and streaming with
 * signalling over wss:, then the certificate files replaced on disk and the
 * new certificate served by the same process while the stream goes on.
 *
 * @module
 */

import assert from "node:assert/strict";
import { startXvfb } from "../lib/display.ts";
import { pollUntil } from "../lib/poll.ts";
import { SNAKEOIL } from "../lib/tls_files.ts";
import {
  AUTH,
  launchBrowser,
  ROOT,
  signallingSocket,
  startServer,
  videoStats,
} from "./_harness.ts";
import { makeTestCertificate, servedBy } from "./fixtures/test_ca.ts";

Deno.test({
  name: "skerry over HTTPS: Chromium streams over wss:, the certificate is reloaded in place",
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "skerry-https-" });
    const a = await makeTestCertificate(dir, "a");
    const b = await makeTestCertificate(dir, "b");
    const cert = `${dir}/cert.pem`;
    const key = `${dir}/key.pem`;
    await Deno.copyFile(a.certPath, cert);
    await Deno.copyFile(a.keyPath, key);
    const display = await startXvfb({ width: 320, height: 240 });
    const server = await startServer({
      display,
      args: ["--enable-https", `--https-cert=${cert}`, `--https-key=${key}`],
    });
    const browser = await launchBrowser(server.url, { ignoreHttpsErrors: true });
    const cas = { a: a.caPem, b: b.caPem };
    try {
      assert.equal(server.url, `https://127.0.0.1:${server.port}/`);

      // Remember the URL of every WebSocket the page opens.
      await browser.context.addInitScript(() => {
        const w = window as unknown as { __sockets: string[] };
        w.__sockets = [];
        const Native = WebSocket;
        globalThis.WebSocket = class extends Native {
          constructor(url: string | URL, protocols?: string | string[]) {
            super(url, protocols);
            w.__sockets.push(String(url));
          }
        };
      });
      // What Chromium says about our headers (an unknown Permissions-Policy feature, a CSP refusal).
      const complaints: string[] = [];
      browser.context.on("console", (message) => {
        if (/Permissions-Policy|Content.Security.Policy|Refused to/i.test(message.text())) {
          complaints.push(message.text());
        }
      });
      const page = await browser.open(server.url);

      await t.step("the page loads over https: and streams with signalling over wss:", async () => {
        assert.equal(await page.evaluate(() => location.protocol), "https:");
        const stats = await pollUntil(async () => {
          const s = await videoStats(page);
          return s.framesDecoded >= 30 ? s : null;
        }, { what: "30 decoded frames", timeoutMs: 20_000 });
        assert.equal(stats.frameWidth, 320);
        const sockets = await page.evaluate(() =>
          (window as unknown as { __sockets: string[] }).__sockets
        );
        assert.deepEqual(sockets, [`wss://127.0.0.1:${server.port}/ws`]);
        // connect-src 'self' let the page open its own wss: URL, and nothing was refused.
        assert.deepEqual(complaints, []);
        const client = Deno.createHttpClient({ caCerts: [a.caPem] });
        try {
          const res = await fetch(server.url, {
            headers: { Authorization: `Basic ${btoa(`${AUTH.username}:${AUTH.password}`)}` },
            client,
          } as RequestInit);
          assert.equal(res.status, 200);
          assert.equal(res.headers.get("Strict-Transport-Security"), "max-age=31536000");
          await res.body?.cancel();
        } finally {
          client.close();
        }
      });

      await t.step(
        "new files on disk: the new certificate is served, nobody restarted",
        async () => {
          assert.deepEqual(await servedBy(server.port, cas), ["a"]);
          const before = await videoStats(page);
          // Write both files in place (as `cp` over them would).
          await Deno.writeTextFile(key, await Deno.readTextFile(b.keyPath));
          await Deno.writeTextFile(cert, await Deno.readTextFile(b.certPath));
          await pollUntil(async () => (await servedBy(server.port, cas)).join() === "b", {
            what: "the new certificate",
            timeoutMs: 15_000,
          });
          assert.ok(server.alive(), "the server process is the same");
          assert.ok(server.stderr.some((l) => l.includes("Reloaded the TLS certificate")));
          // The page kept its peer connection (no reconnect) and frames keep coming.
          const after = await pollUntil(async () => {
            const s = await videoStats(page);
            return s.framesDecoded >= before.framesDecoded + 30 ? s : null;
          }, { what: "30 more frames", timeoutMs: 10_000 });
          assert.equal(after.connections, before.connections);
          // A new wss: client that trusts only the new CA gets in.
          const client = Deno.createHttpClient({ caCerts: [b.caPem] });
          try {
            const ws = await signallingSocket(server, {
              origin: `https://127.0.0.1:${server.port}`,
              client,
            });
            ws.close();
          } finally {
            client.close();
          }
        },
      );
    } finally {
      await browser.close();
      const status = await server.stop();
      await display.stop();
      await Deno.remove(dir, { recursive: true });
      assert.equal(status.code, 0, server.stderr.slice(-10).join("\n"));
    }
  },
});

Deno.test("skerry --enable-https without a certificate uses the snake-oil pair or says why not", async () => {
  const readable = (path: string) => {
    try {
      Deno.openSync(path).close();
      return true;
    } catch {
      return false;
    }
  };
  if (readable(SNAKEOIL.cert) && readable(SNAKEOIL.key)) {
    const display = await startXvfb({ width: 320, height: 240 });
    const server = await startServer({ display, args: ["--enable-https"] });
    try {
      assert.match(server.url, /^https:/);
    } finally {
      await server.stop();
      await display.stop();
    }
    return;
  }
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--allow-all", `${ROOT}cli.ts`, "serve", "--port=0", "--enable-https"],
    env: { DISPLAY: ":4243", SKERRY_BASIC_AUTH_PASSWORD: "x-y-z-secret" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 1);
  assert.equal(
    stderr,
    "skerry: --enable-https needs --https-cert and --https-key " +
      "(Debian's /etc/ssl/private/ssl-cert-snakeoil.key is not readable here)\n",
  );
});

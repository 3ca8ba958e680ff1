/**
 * docs/PROXY.md for real: nginx runs the documented configuration (only the
 * addresses and certificate paths swapped for the test's), terminates TLS
 * under the /desktop/ prefix in front of a real Skerry, and headless
 * Chromium streams through it. Needs nginx (tools/setup --test installs it).
 *
 * @module
 */

import assert from "node:assert/strict";
import { startXvfb } from "../lib/display.ts";
import { pollUntil } from "../lib/poll.ts";
import { stopProcess } from "../lib/process.ts";
import { readLines } from "../lib/read_lines.ts";
import { launchBrowser, ROOT, startServer, videoStats } from "./_harness.ts";
import { makeTestCertificate } from "./fixtures/test_ca.ts";

const NGINX = "/usr/sbin/nginx";
const hasNginx = (() => {
  try {
    return Deno.statSync(NGINX).isFile;
  } catch {
    return false;
  }
})();

/** A port nothing listens on right now. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

/** The documented server block, pointed at this test's addresses and files. */
async function documentedConfig(options: {
  listen: number;
  skerry: number;
  cert: string;
  key: string;
}): Promise<string> {
  const doc = await Deno.readTextFile(`${ROOT}docs/PROXY.md`);
  const block = /```nginx\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(block, "docs/PROXY.md has an nginx block");
  const swaps: [RegExp, string][] = [
    [/listen 443 ssl;/, `listen 127.0.0.1:${options.listen} ssl;`],
    [/ssl_certificate\s+\S+;/, `ssl_certificate ${options.cert};`],
    [/ssl_certificate_key\s+\S+;/, `ssl_certificate_key ${options.key};`],
    [/proxy_pass http:\/\/127\.0\.0\.1:8080\/;/, `proxy_pass http://127.0.0.1:${options.skerry}/;`],
  ];
  let config = block;
  for (const [pattern, replacement] of swaps) {
    assert.match(config, pattern);
    config = config.replace(pattern, replacement);
  }
  return config;
}

Deno.test({
  name: "nginx with docs/PROXY.md's configuration serves Skerry under /desktop/ over https and wss",
  ignore: !hasNginx,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "skerry-nginx-" });
    const ca = await makeTestCertificate(dir, "proxy");
    const port = freePort();
    const display = await startXvfb({ width: 320, height: 240 });
    const server = await startServer({
      display,
      args: ["--trusted-proxies=127.0.0.1"],
    });
    const site = await documentedConfig({
      listen: port,
      skerry: server.port,
      cert: ca.certPath,
      key: ca.keyPath,
    }).catch(async (error) => {
      await server.stop();
      await display.stop();
      throw error;
    });
    await Deno.writeTextFile(
      `${dir}/nginx.conf`,
      [
        "daemon off;",
        "master_process off;",
        `pid ${dir}/nginx.pid;`,
        "error_log stderr warn;",
        "events {}",
        "http {",
        "  access_log off;",
        ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) =>
          `  ${t}_temp_path ${dir}/${t};`
        ),
        site,
        "}",
      ].join("\n"),
    );
    const nginx = new Deno.Command(NGINX, {
      args: ["-p", dir, "-c", `${dir}/nginx.conf`],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const nginxLog: string[] = [];
    const logDone = (async () => {
      for await (const line of readLines(nginx.stderr)) nginxLog.push(line);
    })();
    const base = `https://127.0.0.1:${port}`;
    const browser = await launchBrowser(base, { ignoreHttpsErrors: true });
    try {
      await pollUntil(async () => {
        try {
          (await Deno.connect({ hostname: "127.0.0.1", port })).close();
          return true;
        } catch {
          return false;
        }
      }, { what: "nginx listening", timeoutMs: 10_000 });
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
      // Without the slash: the documented redirect adds it.
      const page = await browser.open(`${base}/desktop`);
      assert.equal(page.url(), `${base}/desktop/`);
      const stats = await pollUntil(async () => {
        const s = await videoStats(page);
        return s.framesDecoded >= 30 ? s : null;
      }, { what: "30 decoded frames through nginx", timeoutMs: 20_000 });
      assert.equal(stats.frameWidth, 320);
      const sockets = await page.evaluate(() =>
        (window as unknown as { __sockets: string[] }).__sockets
      );
      assert.deepEqual(sockets, [`wss://127.0.0.1:${port}/desktop/ws`]);
      assert.ok(
        !server.stderr.some((l) => l.includes("Refused a WebSocket")),
        server.stderr.filter((l) => l.includes("Refused")).join("\n"),
      );
    } finally {
      await browser.close();
      await stopProcess(nginx, { graceMs: 3000 });
      await logDone;
      const status = await server.stop();
      await display.stop();
      await Deno.remove(dir, { recursive: true });
      assert.equal(status.code, 0, server.stderr.slice(-10).join("\n"));
      assert.ok(!nginxLog.some((l) => /\[(emerg|alert|crit)\]/.test(l)), nginxLog.join("\n"));
    }
  },
});

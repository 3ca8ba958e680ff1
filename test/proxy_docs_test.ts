/**
 * What docs/PROXY.md claims about the nginx set-up, checked against the
 * code: under the documented prefix, the URLs the client builds reach
 * Skerry's routes once nginx strips the prefix, the documented headers make
 * the Origin check accept the page, and the page asks for nothing by an
 * absolute path.
 *
 * @module
 */

import assert from "node:assert/strict";
import { pageTokenUrl, signallingUrl } from "../client/lib/connection.ts";
import { checkOrigin } from "../lib/origin.ts";
import { ROOT } from "./_harness.ts";

/** The nginx configuration block of docs/PROXY.md. */
async function documentedNginx(): Promise<string> {
  const doc = await Deno.readTextFile(`${ROOT}docs/PROXY.md`);
  const block = /```nginx\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(block, "docs/PROXY.md has an nginx block");
  return block;
}

/** nginx's rule for `location PREFIX { proxy_pass http://upstream/; }`: the prefix becomes "/". */
function proxied(path: string, prefix: string): string | undefined {
  return path.startsWith(prefix) ? `/${path.slice(prefix.length)}` : undefined;
}

Deno.test("docs/PROXY.md: the client's URLs under the nginx prefix reach /ws-token and /ws", async () => {
  const nginx = await documentedNginx();
  const prefix = /location (\/[^ ]*\/) \{/.exec(nginx)?.[1];
  assert.equal(prefix, "/desktop/");
  // The upstream URI is "/": nginx replaces the matched prefix by it.
  assert.match(nginx, /proxy_pass http:\/\/127\.0\.0\.1:8080\/;/);
  assert.match(nginx, /location = \/desktop \{\s*return 301 \/desktop\/;/);

  const page = { protocol: "https:", host: "desk.example.com", pathname: "/desktop/" };
  const ws = signallingUrl(page);
  assert.equal(ws, "wss://desk.example.com/desktop/ws");
  const token = pageTokenUrl(ws);
  assert.equal(token, "https://desk.example.com/desktop/ws-token");
  assert.equal(proxied(new URL(ws).pathname, prefix), "/ws");
  assert.equal(proxied(new URL(token).pathname, prefix), "/ws-token");
  // The same from a page URL with a file name, and at the root.
  assert.equal(signallingUrl({ ...page, pathname: "/desktop/index.html" }), ws);
  assert.equal(
    signallingUrl({ protocol: "http:", host: "h:8080", pathname: "/" }),
    "ws://h:8080/ws",
  );
  assert.equal(pageTokenUrl("ws://h:8080/ws"), "http://h:8080/ws-token");

  // The page's own assets are relative too.
  const html = await Deno.readTextFile(`${ROOT}client/index.html`);
  const refs = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
  assert.ok(refs.length >= 2, refs.join());
  for (const ref of refs.filter((r) => !r.startsWith("data:"))) {
    const url = new URL(ref, "https://desk.example.com/desktop/");
    assert.ok(proxied(url.pathname, prefix), `${ref} stays under the prefix`);
  }
});

Deno.test("docs/PROXY.md: the documented headers make Skerry accept the page's WebSocket", async () => {
  const nginx = await documentedNginx();
  for (
    const line of [
      "proxy_http_version 1.1;",
      "proxy_set_header Upgrade $http_upgrade;",
      "proxy_set_header Connection $connection_upgrade;",
      "proxy_set_header Host $http_host;",
      "proxy_set_header X-Forwarded-Proto $scheme;",
      "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    ]
  ) {
    assert.ok(nginx.includes(line), line);
  }
  // What Skerry receives for the page at https://desk.example.com/desktop/ ...
  const request = { host: "desk.example.com", forwardedProto: "https", https: false };
  assert.equal(checkOrigin({ ...request, origin: "https://desk.example.com" }, []), "same");
  // ... and on a non-default port, where $http_host keeps the port.
  const port = { ...request, host: "desk.example.com:8443" };
  assert.equal(checkOrigin({ ...port, origin: "https://desk.example.com:8443" }, []), "same");
  // With nginx's default Host (the upstream's) it would refuse, as the doc warns...
  const upstream = { ...request, host: "127.0.0.1:8080" };
  assert.equal(checkOrigin({ ...upstream, origin: "https://desk.example.com" }, []), "refused");
  // ... unless the origin is listed.
  assert.equal(
    checkOrigin({ ...upstream, origin: "https://desk.example.com" }, ["https://desk.example.com"]),
    "allowed",
  );
});

import assert from "node:assert/strict";
import { Hono } from "hono";
import { clientAddress, clientAddressOf } from "./client_address.ts";

Deno.test("clientAddress() is the peer unless the peer is a trusted proxy", () => {
  assert.equal(clientAddress("192.0.2.7", undefined, []), "192.0.2.7");
  assert.equal(clientAddress("192.0.2.7", "203.0.113.9", []), "192.0.2.7");
  assert.equal(clientAddress("192.0.2.7", "203.0.113.9", ["127.0.0.1"]), "192.0.2.7");
  assert.equal(clientAddress("::ffff:192.0.2.7", undefined, []), "192.0.2.7");
});

Deno.test("clientAddress() behind trusted proxies takes the last untrusted X-Forwarded-For hop", () => {
  const proxies = ["127.0.0.1", "10.0.0.2"];
  assert.equal(clientAddress("127.0.0.1", "203.0.113.9", proxies), "203.0.113.9");
  // The client wrote the first entry itself: ignored.
  assert.equal(clientAddress("127.0.0.1", "1.1.1.1, 203.0.113.9", proxies), "203.0.113.9");
  // Two proxies in a row.
  assert.equal(
    clientAddress("127.0.0.1", "1.1.1.1, 203.0.113.9, 10.0.0.2", proxies),
    "203.0.113.9",
  );
  assert.equal(clientAddress("::ffff:127.0.0.1", "2001:DB8::1", proxies), "2001:db8::1");
  // No header, or nothing usable: the proxy itself.
  assert.equal(clientAddress("127.0.0.1", undefined, proxies), "127.0.0.1");
  assert.equal(clientAddress("127.0.0.1", "unknown", proxies), "127.0.0.1");
  assert.equal(clientAddress("127.0.0.1", "10.0.0.2", proxies), "10.0.0.2");
});

Deno.test("clientAddressOf() reads Deno.serve's connection info, 'unknown' without it", async () => {
  const app = new Hono();
  const addressOf = clientAddressOf([]);
  app.get("/", (c) => c.text(addressOf(c)));
  const info = { remoteAddr: { transport: "tcp", hostname: "198.51.100.4", port: 5555 } };
  const res = await app.fetch(new Request("http://x/"), info);
  assert.equal(await res.text(), "198.51.100.4");
  assert.equal(await (await app.request("/")).text(), "unknown");
});

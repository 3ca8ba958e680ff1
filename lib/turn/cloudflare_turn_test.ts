import assert from "node:assert/strict";
import { fetchCloudflareTurn } from "./cloudflare_turn.ts";

/** A local stand-in for Cloudflare's TURN API (the real one is unreachable here). */
async function withCloudflare(
  answer: (request: Request, body: unknown) => Response,
  fn: (
    baseUrl: string,
    requests: { method: string; path: string; auth: string | null; body: unknown }[],
  ) => Promise<void>,
) {
  const requests: { method: string; path: string; auth: string | null; body: unknown }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const body = await request.json().catch(() => null);
    requests.push({
      method: request.method,
      path: new URL(request.url).pathname,
      auth: request.headers.get("authorization"),
      body,
    });
    return answer(request, body);
  });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, requests);
  } finally {
    await server.shutdown();
  }
}

const TURN = {
  urls: ["stun:stun.cloudflare.com:3478", "turn:turn.cloudflare.com:3478?transport=udp"],
  username: "cf-user",
  credential: "cf-pass",
};

Deno.test("fetchCloudflareTurn() POSTs the lifetime with the bearer token to the key's endpoint", async () => {
  await withCloudflare(() => Response.json({ iceServers: TURN }), async (baseUrl, requests) => {
    const grant = await fetchCloudflareTurn("key-1", "tok-1", { baseUrl, ttlS: 600, nowMs: 1000 });
    assert.deepEqual(grant, { config: { iceServers: [TURN] }, expiresAtMs: 601_000 });
    assert.deepEqual(requests, [{
      method: "POST",
      path: "/v1/turn/keys/key-1/credentials/generate",
      auth: "Bearer tok-1",
      body: { ttl: 600 },
    }]);
  });
});

Deno.test("fetchCloudflareTurn() takes the newer API's list of servers too", async () => {
  const list = [{ urls: "stun:stun.cloudflare.com:3478" }, TURN];
  await withCloudflare(() => Response.json({ iceServers: list }), async (baseUrl) => {
    const grant = await fetchCloudflareTurn("k", "t", { baseUrl, nowMs: 0 });
    assert.deepEqual(grant.config.iceServers, list);
    assert.equal(grant.expiresAtMs, 86400_000);
  });
});

Deno.test("fetchCloudflareTurn() reports an HTTP error without the token", async () => {
  await withCloudflare(() => new Response("denied", { status: 401 }), async (baseUrl) => {
    await assert.rejects(fetchCloudflareTurn("k", "secret-token", { baseUrl }), (error: Error) => {
      assert.equal(error.message, "Cloudflare TURN answered HTTP 401");
      return true;
    });
  });
  await withCloudflare(() => new Response("<html>"), async (baseUrl) => {
    await assert.rejects(fetchCloudflareTurn("k", "t", { baseUrl }), {
      message: "Cloudflare TURN answered something that is not JSON",
    });
  });
});

import assert from "node:assert/strict";
import { describeUrl, fetchTurnRest } from "./turn_rest.ts";

/** Serves `answer` on a free port; records each request's headers. */
async function withService(
  answer: (request: Request) => Response,
  fn: (url: string, seen: Headers[]) => Promise<void>,
) {
  const seen: Headers[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    seen.push(request.headers);
    return answer(request);
  });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}/turn`, seen);
  } finally {
    await server.shutdown();
  }
}

const CONFIG = {
  lifetimeDuration: "600s",
  iceServers: [{ urls: ["turn:t:3478?transport=tcp"], username: "1:u", credential: "c" }],
};

Deno.test("fetchTurnRest() sends user, protocol and TLS in the configured headers", async () => {
  await withService(() => Response.json(CONFIG), async (url, seen) => {
    const grant = await fetchTurnRest(url, {
      username: "skerry:host",
      protocol: "tcp",
      tls: true,
      headers: { username: "x-user", protocol: "x-proto", tls: "x-tls" },
      nowMs: 5000,
    });
    assert.deepEqual(grant, { config: { iceServers: CONFIG.iceServers }, expiresAtMs: 605_000 });
    assert.equal(seen[0]!.get("x-user"), "skerry-host");
    assert.equal(seen[0]!.get("x-proto"), "tcp");
    assert.equal(seen[0]!.get("x-tls"), "true");
  });
});

Deno.test("fetchTurnRest() uses selkies-gstreamer's header names by default", async () => {
  await withService(() => Response.json(CONFIG), async (url, seen) => {
    await fetchTurnRest(url, { username: "u", protocol: "udp", tls: false });
    assert.equal(seen[0]!.get("x-auth-user"), "u");
    assert.equal(seen[0]!.get("x-turn-protocol"), "udp");
    assert.equal(seen[0]!.get("x-turn-tls"), "false");
  });
});

Deno.test("fetchTurnRest() says what went wrong without the URL's query or user info", async () => {
  const options = { username: "u", protocol: "udp" as const, tls: false };
  await withService(() => new Response("no", { status: 403 }), async (url) => {
    await assert.rejects(fetchTurnRest(`${url}?token=s3cret`, options), {
      message: `The TURN REST service ${url} answered HTTP 403`,
    });
  });
  await withService(() => new Response(""), async (url) => {
    await assert.rejects(fetchTurnRest(url, options), {
      message: `The TURN REST service ${url} answered nothing`,
    });
  });
  await withService(() => new Response("{}"), async (url) => {
    await assert.rejects(fetchTurnRest(url, options), {
      message:
        `Cannot read RTC configuration from the TURN REST service ${url}: "iceServers" must be an array`,
    });
  });
});

Deno.test("describeUrl() drops user info and query", () => {
  assert.equal(
    describeUrl("https://me:pw@turn.example.com:8443/api?key=1"),
    "https://turn.example.com:8443/api",
  );
  assert.equal(describeUrl("not a url"), "(bad URL)");
});

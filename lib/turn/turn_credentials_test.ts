import assert from "node:assert/strict";
import { TURN_CREDENTIAL_LIFETIME_S, turnCredentials } from "./turn_credentials.ts";

// Vectors cross-checked with openssl:
//   printf '%s' "1700000000:skerry-test" | openssl dgst -sha1 -hmac north-sea-secret -binary | base64
Deno.test("turnCredentials() matches coturn's use-auth-secret HMAC for a known vector", async () => {
  const nowMs = (1700000000 - TURN_CREDENTIAL_LIFETIME_S) * 1000 + 999;
  assert.deepEqual(await turnCredentials("north-sea-secret", "skerry-test", { nowMs }), {
    username: "1700000000:skerry-test",
    credential: "kfsWgLe7YQ5DwKq5nLE2ns5TiDs=",
    expiresAtMs: 1700000000_000,
  });
});

Deno.test("turnCredentials() signs UTF-8, keeps / and spaces, and honours the lifetime", async () => {
  //   printf '%s' "1700086400:p/1 é" | openssl dgst -sha1 -hmac 's3cr=t' -binary | base64
  const nowMs = 1700000000_000;
  assert.deepEqual(await turnCredentials("s3cr=t", "p/1 é", { nowMs, lifetimeS: 86400 }), {
    username: "1700086400:p/1 é",
    credential: "iOSuOCrTSiqe+oEJwnzcVbayeG0=",
    expiresAtMs: 1700086400_000,
  });
});

Deno.test("turnCredentials() turns ':' in the user into '-' (coturn splits at the first ':')", async () => {
  const { username } = await turnCredentials("s", "host:1", { nowMs: 0, lifetimeS: 60 });
  assert.equal(username, "60:host-1");
});

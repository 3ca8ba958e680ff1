import assert from "node:assert/strict";
import { PageTokens } from "./page_token.ts";

Deno.test("PageTokens.verify() accepts a token it issued, until it expires", async () => {
  let now = 1_700_000_000_000;
  const tokens = new PageTokens({ ttlMs: 60_000, now: () => now });
  const token = await tokens.issue();
  assert.match(token, /^[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
  assert.equal(await tokens.verify(token), true);
  now += 59_000;
  assert.equal(await tokens.verify(token), true);
  now += 1_000;
  assert.equal(await tokens.verify(token), false);
});

Deno.test("PageTokens.verify() refuses tokens of another server, altered or malformed", async () => {
  const tokens = new PageTokens();
  const other = new PageTokens();
  const token = await tokens.issue();
  assert.equal(await tokens.verify(await other.issue()), false);
  const [expiry, mac] = token.split(".") as [string, string];
  // A later expiry with the old MAC.
  const later = (parseInt(expiry, 36) + 3600).toString(36);
  assert.equal(await tokens.verify(`${later}.${mac}`), false);
  const flipped = mac.slice(0, 10) + (mac[10] === "A" ? "B" : "A") + mac.slice(11);
  assert.equal(await tokens.verify(`${expiry}.${flipped}`), false);
  for (const bad of [undefined, "", ".", token + "x", `${expiry}.`, "zz.zz", token.toUpperCase()]) {
    assert.equal(await tokens.verify(bad), false, String(bad));
  }
});

Deno.test("PageTokens.verify() accepts a scoped token for its own scope only", async () => {
  const tokens = new PageTokens();
  const full = await tokens.issue("full");
  assert.equal(await tokens.verify(full, "full"), true);
  assert.equal(await tokens.verify(full, "view"), false);
  assert.equal(await tokens.verify(full), false);
  assert.equal(await tokens.verify(await tokens.issue(), "full"), false);
  assert.equal(await tokens.verify(await tokens.issue("view"), "view"), true);
});

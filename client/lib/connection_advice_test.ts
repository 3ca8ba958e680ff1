import assert from "node:assert/strict";
import { connectionAdvice, secondsLeft } from "./connection_advice.ts";

const direct = { relay: false };

Deno.test("connectionAdvice() says nothing while connecting, starting or live", () => {
  for (const phase of ["connecting", "starting", "live"] as const) {
    assert.equal(connectionAdvice({ phase }, direct), undefined, phase);
  }
  assert.equal(connectionAdvice({ phase: "reconnecting", retryInMs: 500 }, direct), undefined);
});

Deno.test("connectionAdvice() for a refused password offers a reload and never retries", () => {
  const advice = connectionAdvice({ phase: "error", reason: "unauthorized" }, direct)!;
  assert.equal(advice.title, "Wrong user name or password");
  assert.deepEqual(advice.actions, ["reload"]);
  assert.equal(advice.retrying, false);
  assert.match(advice.tips[1]!, /^Reload the page and sign in again/);
});

Deno.test("connectionAdvice() for failed ICE offers the relay, unless already on it", () => {
  const state = { phase: "reconnecting" as const, reason: "ice-failed" as const };
  const advice = connectionAdvice(state, direct)!;
  assert.equal(advice.title, "No route to the desktop");
  assert.deepEqual(advice.actions, ["relay", "reconnect"]);
  const relayed = connectionAdvice(state, { relay: true })!;
  assert.equal(relayed.title, "No route to the desktop, even through the relay");
  assert.deepEqual(relayed.actions, ["direct", "reconnect"]);
  assert.match(relayed.tips[1]!, /--turn-host/);
});

Deno.test("connectionAdvice() keeps the server's sentence: full, no codec, media", () => {
  const full = connectionAdvice({
    phase: "reconnecting",
    reason: "full",
    detail: "The server is full: 1 viewer is watching",
    retryInMs: 8000,
  }, direct)!;
  assert.equal(full.detail, "The server is full: 1 viewer is watching");
  assert.equal(full.retrying, true);
  const codec = connectionAdvice({
    phase: "error",
    code: "no-codec",
    detail: "This browser decodes none of the server's video formats",
  }, direct)!;
  assert.equal(codec.title, "No video format in common");
  assert.equal(codec.detail, "This browser decodes none of the server's video formats");
  assert.deepEqual(codec.actions, ["reload"]);
  const media = connectionAdvice({ phase: "error", code: "media", detail: "x" }, direct)!;
  assert.equal(media.title, "The stream could not start");
  assert.deepEqual(media.actions, ["reconnect", "reload"]);
});

Deno.test("connectionAdvice() for a stopped helper counts down to the restart", () => {
  const advice = connectionAdvice({ phase: "restarting", retryInMs: 4000 }, direct)!;
  assert.equal(advice.title, "The stream stopped");
  assert.equal(advice.retrying, true);
});

Deno.test("connectionAdvice() names the origin check and the unreachable server", () => {
  const refused = connectionAdvice({ phase: "reconnecting", reason: "refused" }, direct)!;
  assert.match(refused.tips.join(" "), /--allowed-origins/);
  const forbidden = connectionAdvice({ phase: "error", reason: "forbidden" }, direct)!;
  assert.equal(forbidden.retrying, false);
  const down = connectionAdvice({ phase: "reconnecting", reason: "unreachable" }, direct)!;
  assert.equal(down.title, "The server does not answer");
  const blocked = connectionAdvice({ phase: "reconnecting", reason: "login-blocked" }, direct)!;
  assert.deepEqual(blocked.actions, []);
});

Deno.test("secondsLeft() rounds up and stops at zero", () => {
  assert.equal(secondsLeft(10_000, 6_001), 4);
  assert.equal(secondsLeft(10_000, 6_000), 4);
  assert.equal(secondsLeft(10_000, 9_999), 1);
  assert.equal(secondsLeft(10_000, 12_000), 0);
});

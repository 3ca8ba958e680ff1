import assert from "node:assert/strict";
import { CHANNEL_RATE, ChannelGate, MAX_CHANNEL_MESSAGE } from "./channel_gate.ts";

Deno.test("ChannelGate.admit() drops messages over MAX_CHANNEL_MESSAGE, and text() counts text", () => {
  const gate = new ChannelGate(0);
  assert.equal(gate.admit(MAX_CHANNEL_MESSAGE, 0), "forward");
  assert.equal(gate.admit(MAX_CHANNEL_MESSAGE + 1, 0), "too-big");
  assert.equal(gate.admit(64 * 1024, 0), "too-big");
  assert.equal(gate.text(), "text");
  assert.deepEqual(gate.stats, { forwarded: 1, tooBig: 2, limited: 0, text: 1 });
});

Deno.test("ChannelGate.admit() forwards a burst of CHANNEL_RATE.capacity, then ratePerSecond", () => {
  const gate = new ChannelGate(1000);
  const results = Array.from({ length: CHANNEL_RATE.capacity + 10 }, () => gate.admit(5, 1000));
  assert.equal(results.filter((r) => r === "forward").length, CHANNEL_RATE.capacity);
  assert.equal(results.filter((r) => r === "rate").length, 10);
  assert.equal(gate.admit(5, 1000 + 1000 / CHANNEL_RATE.ratePerSecond), "forward");
  assert.deepEqual(gate.stats, {
    forwarded: CHANNEL_RATE.capacity + 1,
    tooBig: 0,
    limited: 10,
    text: 0,
  });
});

import assert from "node:assert/strict";
import { MicrophoneHolder } from "./microphone_holder.ts";

Deno.test("MicrophoneHolder.sample() gives the microphone to the first viewer sending", () => {
  const holder = new MicrophoneHolder({ releaseMs: 2000 });
  assert.equal(holder.sample("a", 0, 0), null);
  assert.equal(holder.sample("b", 5, 100), "b");
  assert.equal(holder.sample("a", 3, 200), "b");
  assert.equal(holder.sample("b", 50, 1000), "b");
  assert.equal(holder.sample("a", 60, 1000), "b");
});

Deno.test("MicrophoneHolder.sample() passes it on once the holder has been silent for releaseMs", () => {
  const holder = new MicrophoneHolder({ releaseMs: 2000 });
  holder.sample("a", 10, 0);
  holder.sample("b", 10, 500);
  assert.equal(holder.holder, "a");
  assert.equal(holder.sample("a", 10, 2000), "a"); // 2000 ms without a packet: still within
  assert.equal(holder.sample("b", 20, 2001), "b"); // a has been silent 2001 ms
  assert.equal(holder.sample("a", 30, 2100), "b"); // a sends again: b keeps it
});

Deno.test("MicrophoneHolder.sample() drops a silent holder even when nobody else sends", () => {
  const holder = new MicrophoneHolder({ releaseMs: 1000 });
  holder.sample("a", 1, 0);
  assert.equal(holder.sample("a", 1, 1001), null);
  assert.equal(holder.sample("a", 2, 1500), "a");
});

Deno.test("MicrophoneHolder.leave() hands the microphone to the viewer sending longest", () => {
  const holder = new MicrophoneHolder({ releaseMs: 2000 });
  holder.sample("a", 1, 0);
  holder.sample("c", 1, 300);
  holder.sample("b", 1, 200);
  assert.equal(holder.holder, "a");
  assert.equal(holder.leave("a", 400), "b");
  assert.equal(holder.leave("b", 500), "c");
  assert.equal(holder.leave("c", 600), null);
});

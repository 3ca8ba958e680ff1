import assert from "node:assert/strict";
import { IncrReceiver, IncrSender } from "./incr.ts";

Deno.test("IncrSender hands out chunks of the given size, then one empty chunk", () => {
  const sender = new IncrSender(Uint8Array.from({ length: 10 }, (_, i) => i), 4);
  const chunks: number[][] = [];
  while (!sender.finished) chunks.push([...sender.next()]);
  assert.deepEqual(chunks, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], []]);
  assert.throws(() => sender.next(), /the transfer is finished/);
});

Deno.test("IncrSender of an exact multiple ends with the empty chunk", () => {
  const sender = new IncrSender(new Uint8Array(8), 4);
  assert.deepEqual([sender.next().length, sender.next().length, sender.next().length], [4, 4, 0]);
  assert.equal(sender.finished, true);
});

Deno.test("IncrReceiver puts the chunks back together at the empty chunk", () => {
  const receiver = new IncrReceiver(100);
  assert.equal(receiver.push(Uint8Array.of(1, 2)), "more");
  assert.equal(receiver.push(Uint8Array.of(3)), "more");
  assert.deepEqual(receiver.push(new Uint8Array(0)), Uint8Array.of(1, 2, 3));
});

Deno.test("IncrReceiver gives up past its limit", () => {
  const receiver = new IncrReceiver(4);
  assert.equal(receiver.push(new Uint8Array(3)), "more");
  assert.equal(receiver.push(new Uint8Array(2)), "too-big");
});

Deno.test("IncrSender and IncrReceiver round-trip 1 MiB in 64 KiB chunks", () => {
  const data = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 31) & 0xff);
  const sender = new IncrSender(data);
  const receiver = new IncrReceiver(1 << 20);
  let result: Uint8Array | "more" | "too-big" = "more";
  let chunks = 0;
  while (result === "more") {
    result = receiver.push(sender.next());
    chunks++;
  }
  assert.equal(chunks, 17);
  assert.deepEqual(result, data);
});

import assert from "node:assert/strict";
import { SerialQueue } from "./serial_queue.ts";

Deno.test("SerialQueue.run() runs tasks one at a time, in order, even when earlier ones wait", async () => {
  const queue = new SerialQueue();
  const events: string[] = [];
  const gate = Promise.withResolvers<void>();
  let running = 0;
  const task = (name: string, wait?: Promise<void>) => async () => {
    running++;
    assert.equal(running, 1, `${name} overlapped another task`);
    events.push(`${name} start`);
    await wait;
    events.push(`${name} end`);
    running--;
    return name;
  };
  const first = queue.run(task("offer", gate.promise));
  const second = queue.run(task("answer"));
  const third = queue.run(task("remove"));
  assert.equal(queue.size, 3);
  await Promise.resolve();
  assert.deepEqual(events, ["offer start"]);
  gate.resolve();
  assert.deepEqual(await Promise.all([first, second, third]), ["offer", "answer", "remove"]);
  assert.deepEqual(events, [
    "offer start",
    "offer end",
    "answer start",
    "answer end",
    "remove start",
    "remove end",
  ]);
  assert.equal(queue.size, 0);
});

Deno.test("SerialQueue.run() passes a task's error to its caller and goes on with the next", async () => {
  const queue = new SerialQueue();
  const failed = queue.run(() => {
    throw new RangeError("Cannot parse answer SDP");
  });
  const next = queue.run(() => 42);
  await assert.rejects(failed, { name: "RangeError", message: "Cannot parse answer SDP" });
  assert.equal(await next, 42);
  assert.equal(queue.size, 0);
});

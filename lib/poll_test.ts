import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { pollUntil } from "./poll.ts";

function fakeTime() {
  return FakeTimers.install({ toFake: ["setTimeout", "clearTimeout", "Date"] });
}

Deno.test("pollUntil() checks every intervalMs and resolves with the first truthy value", async () => {
  const clock = fakeTime();
  try {
    const checkedAt: number[] = [];
    const result = pollUntil(() => {
      checkedAt.push(Date.now());
      return checkedAt.length === 4 && { found: true };
    }, { what: "the fourth check", intervalMs: 20 });
    await clock.tickAsync(1000);
    assert.deepEqual(await result, { found: true });
    assert.deepEqual(checkedAt, [0, 20, 40, 60]);
  } finally {
    clock.uninstall();
  }
});

Deno.test("pollUntil() rejects after timeoutMs, naming what it waited for", async () => {
  const clock = fakeTime();
  try {
    let checks = 0;
    const result = pollUntil(() => {
      checks++;
      return 0;
    }, { what: "frames", timeoutMs: 250, intervalMs: 100 });
    const rejected = assert.rejects(result, {
      message: "Timed out after 250 ms waiting for frames (last: 0)",
    });
    await clock.tickAsync(250);
    await rejected;
    // At 0, 100, 200 and at the deadline.
    assert.equal(checks, 4);
  } finally {
    clock.uninstall();
  }
});

Deno.test("pollUntil() rethrows what the check throws and stops checking", async () => {
  let checks = 0;
  await assert.rejects(
    pollUntil(() => {
      checks++;
      throw new RangeError("server exited");
    }, { what: "the server" }),
    { name: "RangeError", message: "server exited" },
  );
  assert.equal(checks, 1);
});

Deno.test("pollUntil() awaits an async check", async () => {
  assert.equal(await pollUntil(() => Promise.resolve("ok"), { what: "ok" }), "ok");
});

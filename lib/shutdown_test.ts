import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { describe, Shutdown } from "./shutdown.ts";

function fakeTime() {
  return FakeTimers.install({ toFake: ["setTimeout", "clearTimeout", "Date"] });
}

/** A Shutdown whose exits are recorded instead of ending the test process. */
function recorded(deadlineMs?: number) {
  const exits: number[] = [];
  const events: string[] = [];
  const shutdown = new Shutdown({
    exit: (code) => {
      exits.push(code);
      events.push(`exit ${code}`);
    },
    ...(deadlineMs !== undefined ? { deadlineMs } : {}),
  });
  return { shutdown, exits, events };
}

Deno.test("Shutdown.stop() runs the cleanups last added first, then exits with the code", async () => {
  const { shutdown, events } = recorded();
  shutdown.add("desktop", () => void events.push("desktop"));
  shutdown.add("session", async () => {
    await Promise.resolve();
    events.push("session");
  });
  shutdown.add("server", () => void events.push("server"));
  await shutdown.stop(0);
  assert.deepEqual(events, ["server", "session", "desktop", "exit 0"]);
});

Deno.test("Shutdown.stop() keeps going past a cleanup that throws", async () => {
  const { shutdown, events } = recorded();
  shutdown.add("desktop", () => void events.push("desktop"));
  shutdown.add("broken", () => {
    throw new Error("no");
  });
  await shutdown.stop(1);
  assert.deepEqual(events, ["desktop", "exit 1"]);
});

Deno.test("Shutdown.stop() runs the cleanups once however often it is called", async () => {
  const { shutdown, events } = recorded();
  shutdown.add("desktop", () => void events.push("desktop"));
  const first = shutdown.stop(0);
  assert.equal(shutdown.stopping, true);
  assert.equal(shutdown.stop(1), first);
  await Promise.all([first, shutdown.stop(1)]);
  assert.deepEqual(events, ["desktop", "exit 0"]);
});

Deno.test("Shutdown.stop() exits with 1 at the deadline when a cleanup hangs, not a ms earlier", async () => {
  const clock = fakeTime();
  try {
    const { shutdown, events } = recorded(5000);
    shutdown.add("desktop", () => void events.push("desktop"));
    shutdown.add("stuck", () => new Promise<void>(() => {}));
    void shutdown.stop(0);
    await clock.tickAsync(4999);
    assert.deepEqual(events, []);
    await clock.tickAsync(1);
    assert.deepEqual(events, ["exit 1"]);
    await clock.runAllAsync();
    assert.deepEqual(events, ["exit 1"]);
  } finally {
    clock.uninstall();
  }
});

Deno.test("Shutdown.stop() clears its deadline when the cleanups finish in time", async () => {
  const clock = fakeTime();
  try {
    const { shutdown, exits } = recorded(5000);
    shutdown.add("slow", () => new Promise<void>((resolve) => setTimeout(resolve, 3000)));
    const done = shutdown.stop(0);
    await clock.tickAsync(3000);
    await done;
    assert.deepEqual(exits, [0]);
    assert.equal(clock.countTimers(), 0);
  } finally {
    clock.uninstall();
  }
});

Deno.test("Shutdown.signal() stops on the first signal, waits on the second, exits on the third", async () => {
  const clock = fakeTime();
  try {
    const { shutdown, events } = recorded(5000);
    let cleanups = 0;
    shutdown.add("stuck", () => {
      cleanups++;
      return new Promise<void>(() => {});
    });
    shutdown.signal("SIGTERM");
    await clock.tickAsync(10);
    assert.equal(cleanups, 1);
    shutdown.signal("SIGTERM");
    await clock.tickAsync(10);
    assert.deepEqual(events, []);
    assert.equal(cleanups, 1);
    shutdown.signal("SIGINT");
    assert.deepEqual(events, ["exit 1"]);
    await clock.runAllAsync();
    assert.deepEqual(events, ["exit 1"]);
  } finally {
    clock.uninstall();
  }
});

Deno.test("Shutdown.signal() with SIGHUP stops cleanly with 0", async () => {
  const { shutdown, events } = recorded();
  shutdown.add("desktop", () => void events.push("desktop"));
  shutdown.signal("SIGHUP");
  await shutdown.stop(1);
  assert.deepEqual(events, ["desktop", "exit 0"]);
});

Deno.test("Shutdown.crash() stops with 1, and a crash while stopping does not restart the cleanups", async () => {
  const { shutdown, events } = recorded();
  shutdown.add("desktop", () => void events.push("desktop"));
  shutdown.crash("error", new TypeError("x is undefined"));
  shutdown.crash("rejection", new Error("later"));
  await shutdown.stop(0);
  assert.deepEqual(events, ["desktop", "exit 1"]);
});

Deno.test("describe() gives an error's name, message and first frame on one line", () => {
  const error = new TypeError("x is undefined");
  error.stack = "TypeError: x is undefined\n    at run (file:///cli.ts:12:3)\n    at main";
  assert.equal(describe(error), "TypeError: x is undefined (at run (file:///cli.ts:12:3))");
  assert.equal(describe("text"), "text");
  assert.equal(describe(undefined), "undefined");
});

import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { signalProcess, stopProcess } from "./process.ts";

/** A child process that records signals and exits on the ones it obeys. */
class FakeChild {
  readonly signals: Deno.Signal[] = [];
  readonly #exit = Promise.withResolvers<string>();
  readonly status = this.#exit.promise;
  #exited = false;
  constructor(readonly obeys: Deno.Signal[] = ["SIGTERM"]) {}
  kill(signal: Deno.Signal = "SIGTERM"): void {
    if (this.#exited) throw new TypeError("Child process has already terminated");
    this.signals.push(signal);
    if (signal === "SIGKILL" || this.obeys.includes(signal)) this.exit(`exited on ${signal}`);
  }
  exit(how: string): void {
    this.#exited = true;
    this.#exit.resolve(how);
  }
}

function fakeTime() {
  return FakeTimers.install({ toFake: ["setTimeout", "clearTimeout", "Date"] });
}

Deno.test("stopProcess() sends SIGTERM and resolves with the status of a child that obeys", async () => {
  const clock = fakeTime();
  try {
    const child = new FakeChild();
    assert.equal(await stopProcess(child), "exited on SIGTERM");
    assert.deepEqual(child.signals, ["SIGTERM"]);
    assert.equal(clock.countTimers(), 0);
  } finally {
    clock.uninstall();
  }
});

Deno.test("stopProcess() sends SIGKILL graceMs after asking, not a ms earlier", async () => {
  const clock = fakeTime();
  try {
    const child = new FakeChild([]);
    let kills = 0;
    const status = stopProcess(child, { graceMs: 3000, onKill: () => kills++ });
    await clock.tickAsync(2999);
    assert.deepEqual(child.signals, ["SIGTERM"]);
    assert.equal(kills, 0);
    await clock.tickAsync(1);
    assert.equal(await status, "exited on SIGKILL");
    assert.deepEqual(child.signals, ["SIGTERM", "SIGKILL"]);
    assert.equal(kills, 1);
  } finally {
    clock.uninstall();
  }
});

Deno.test("stopProcess() asks with `ask` instead of SIGTERM", async () => {
  const clock = fakeTime();
  try {
    const child = new FakeChild();
    const status = stopProcess(child, { ask: () => child.exit("said stop"), graceMs: 100 });
    assert.equal(await status, "said stop");
    assert.deepEqual(child.signals, []);
    assert.equal(clock.countTimers(), 0);
  } finally {
    clock.uninstall();
  }
});

Deno.test("stopProcess() resolves for a child that has already exited", async () => {
  const child = new FakeChild();
  child.exit("gone");
  assert.equal(await stopProcess(child), "gone");
  signalProcess(child, "SIGKILL");
  assert.deepEqual(child.signals, []);
});

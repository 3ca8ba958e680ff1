/**
 * HelperProcess with small stand-in programs as the helper: real pipes, real
 * signals, no GStreamer.
 */

import assert from "node:assert/strict";
import { HELPER_HIGH_WATER, HelperProcess } from "../lib/helper_process.ts";
import { pollUntil } from "../lib/poll.ts";
import type { FromHelper, ToHelper } from "../lib/protocol/helper.ts";

Deno.test("HelperProcess delivers the helper's JSON lines and skips anything else on stdout", async () => {
  const messages: FromHelper[] = [];
  const helper = HelperProcess.spawn({ onMessage: (m) => messages.push(m) }, [
    "sh",
    "-c",
    `echo 'a plugin says hi'; echo '{"type":"ready","pid":42}'; echo; echo '{"type":"nope"}'`,
  ]);
  assert.deepEqual(await helper.exited, { code: 0, signal: null });
  assert.deepEqual(messages, [{ type: "ready", pid: 42 }]);
  assert.equal(helper.send({ type: "stop" }), false, "nothing reads its stdin any more");
});

Deno.test("HelperProcess.stop() sends stop and SIGKILLs a helper that ignores it after graceMs", async () => {
  // `sleep` never reads its stdin, so "stop" goes unheard.
  const helper = HelperProcess.spawn({ onMessage: () => {} }, ["sleep", "30"]);
  const started = performance.now();
  assert.deepEqual(await helper.stop(300), { code: 137, signal: "SIGKILL" });
  assert.ok(performance.now() - started >= 300);
});

Deno.test("HelperProcess.stop() returns as soon as a helper obeys stop", async () => {
  // `head -n 1` exits after its first line: the stop message.
  const helper = HelperProcess.spawn({ onMessage: () => {} }, ["head", "-n", "1"]);
  const started = performance.now();
  assert.deepEqual(await helper.stop(10_000), { code: 0, signal: null });
  assert.ok(performance.now() - started < 5000);
  helper.kill();
});

/** A `send` message of about `bytes` bytes on the wire. */
const bulk = (bytes: number): ToHelper => ({
  type: "send",
  peer: "p1",
  channel: "input",
  data: "A".repeat(bytes),
});

/** Resident memory of this process, in bytes. */
const rss = () => Deno.memoryUsage().rss;

Deno.test("HelperProcess refuses writes to a stopped helper above the high-water mark, then kills it", async () => {
  // A real reader (dd drains its stdin), stopped with SIGSTOP after a first message.
  const helper = HelperProcess.spawn({ onMessage: () => {}, stallMs: 1500 }, [
    "dd",
    "of=/dev/null",
    "status=none",
  ]);
  assert.equal(helper.send(bulk(1000)), true);
  await pollUntil(() => helper.queuedBytes === 0, { what: "the first message to be read" });
  Deno.kill(helper.pid, "SIGSTOP");
  const before = rss();
  const message = bulk(64 * 1024);
  let accepted = 0;
  for (let i = 0; i < 20_000; i++) {
    if (helper.send(message)) accepted++;
    if (i % 500 === 0) await new Promise((r) => setTimeout(r, 0)); // let writes progress
  }
  const grown = rss() - before;
  // The pipe takes 64 KiB, the writer HELPER_HIGH_WATER; 1.3 GB were offered.
  assert.ok(accepted <= 2 + HELPER_HIGH_WATER / (64 * 1024), `accepted ${accepted}`);
  assert.equal(helper.stats.refused, 20_000 - accepted);
  assert.ok(helper.queuedBytes <= HELPER_HIGH_WATER + 64 * 1024 + 100, `${helper.queuedBytes}`);
  assert.ok(grown < 64 * 1024 * 1024, `memory grew by ${(grown / 2 ** 20).toFixed(1)} MiB`);
  // Still stopped after stallMs: treated as dead.
  assert.deepEqual(await helper.exited, { code: 137, signal: "SIGKILL" });
  assert.equal(helper.send(bulk(10)), false);
});

Deno.test("HelperProcess keeps a helper that falls behind and catches up before stallMs", async () => {
  const helper = HelperProcess.spawn({ onMessage: () => {}, stallMs: 1500 }, [
    "dd",
    "of=/dev/null",
    "status=none",
  ]);
  Deno.kill(helper.pid, "SIGSTOP");
  while (helper.send(bulk(64 * 1024))) await new Promise((r) => setTimeout(r, 0));
  assert.equal(helper.stats.refused, 1);
  Deno.kill(helper.pid, "SIGCONT");
  await pollUntil(() => helper.queuedBytes === 0, { what: "the helper to catch up" });
  await new Promise((r) => setTimeout(r, 2000)); // past stallMs
  assert.equal(helper.send(bulk(10)), true, "alive and writable");
  assert.deepEqual(await helper.stop(100), { code: 137, signal: "SIGKILL" });
});

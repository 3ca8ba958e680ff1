/**
 * HelperProcess with small stand-in programs as the helper: real pipes, real
 * signals, no GStreamer.
 */

import assert from "node:assert/strict";
import { HelperProcess } from "../lib/helper_process.ts";
import type { FromHelper } from "../lib/protocol/helper.ts";

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

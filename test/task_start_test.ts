/**
 * The README's way to run Skerry, `deno task start`, stops cleanly: with a
 * real viewer streaming from the embedded desktop, SIGTERM to the task makes
 * it exit 0 within 5 s, and every process it started (the Deno server, the
 * helper, the X server, the desktop) is gone.
 */

import assert from "node:assert/strict";
import { readLines } from "../lib/read_lines.ts";
import { pollUntil } from "../lib/poll.ts";
import { AUTH, launchBrowser, ROOT, videoStats, waitFor } from "./_harness.ts";
import { descendants, isRunning } from "./_process_tree.ts";

Deno.test("deno task start: SIGTERM while a viewer streams exits 0 within 5 s and leaves nothing", async () => {
  const env = { ...Deno.env.toObject() };
  delete env.DISPLAY; // the embedded desktop, as on a fresh machine
  const task = new Deno.Command(Deno.execPath(), {
    args: [
      "task",
      "start",
      "--addr=127.0.0.1",
      "--port=0",
      "--ice-address=127.0.0.1",
      "--screen=640x480",
    ],
    cwd: ROOT,
    env: {
      ...env,
      SKERRY_BASIC_AUTH_USER: AUTH.username,
      SKERRY_BASIC_AUTH_PASSWORD: AUTH.password,
    },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr: string[] = [];
  const stderrDone = (async () => {
    for await (const line of readLines(task.stderr)) stderr.push(line);
  })();
  const lines = readLines(task.stdout)[Symbol.asyncIterator]();
  let url = "";
  while (!url) {
    const next = await lines.next();
    if (next.done) throw new Error(`deno task start ended: ${stderr.slice(-5).join(" | ")}`);
    url = /open (http:\/\/[^ ]+\/)/.exec(next.value)?.[1] ?? "";
  }
  const stdoutDone = (async () => {
    for (let n = await lines.next(); !n.done; n = await lines.next()) { /* drain */ }
  })();
  const browser = await launchBrowser(url);
  try {
    const page = await browser.open(url);
    await waitFor("frames", async () => (await videoStats(page)).framesDecoded > 0, 30_000);
    const started = await pollUntil(() => {
      const all = descendants(task.pid);
      const comms = new Set(all.map((p) => p.comm));
      const helperAndServer = all.filter((p) => p.comm === "deno").length >= 2;
      return helperAndServer && (comms.has("Xorg") || comms.has("Xvfb")) && comms.has("icewm")
        ? all
        : undefined;
    }, { what: "the server, its helper and the desktop", timeoutMs: 10_000 });
    const t0 = performance.now();
    task.kill("SIGTERM");
    const status = await task.status;
    const seconds = (performance.now() - t0) / 1000;
    assert.equal(status.code, 0, `exit ${status.code}: ${stderr.slice(-5).join(" | ")}`);
    assert.ok(seconds <= 5, `took ${seconds.toFixed(1)} s to exit`);
    // deno-lint-ignore no-console
    console.log(`stopped in ${seconds.toFixed(2)} s: ${started.map((p) => p.comm).join(", ")}`);
    await pollUntil(() => started.every((p) => !isRunning(p)), {
      what: "every process the task started to end",
      timeoutMs: 3000,
    }).catch(() => {
      const left = started.filter(isRunning).map((p) => p.comm);
      throw new Error(`Left running: ${left.join(", ")}`);
    });
  } finally {
    await browser.close();
    try {
      task.kill("SIGKILL");
    } catch { /* exited */ }
    await task.status;
    await Promise.all([stderrDone, stdoutDone]);
  }
});

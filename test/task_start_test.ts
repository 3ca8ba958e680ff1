/**
 * The README's way to run Skerry, `tools/start`, and `deno task start` for
 * those who use it, stop cleanly: with a real viewer streaming from the
 * embedded desktop, SIGTERM makes the command exit 0 within 5 s, and every
 * process it started (the Deno server, the helper, the X server, the
 * desktop) is gone. `tools/start` leaves no process waiting beside the
 * server (it `exec`s Deno), and the helper runs with its memory settings.
 */

import assert from "node:assert/strict";
import { readLines } from "../lib/read_lines.ts";
import { pollUntil } from "../lib/poll.ts";
import { HELPER_V8_FLAGS } from "../lib/helper_process.ts";
import { AUTH, launchBrowser, ROOT, videoStats, waitFor } from "./_harness.ts";
import { cmdlineOf, descendants, isRunning, type ProcessInfo } from "./_process_tree.ts";

/** What {@linkcode streamAndStop} saw while the viewer streamed. */
interface Started {
  /** The started command's own command line (NUL-separated). */
  self: string;
  /** Every descendant, the helper among them. */
  all: ProcessInfo[];
  /** The server's log so far (the helper's lines in it too). */
  stderr: readonly string[];
}

/** Starts `program args`, streams to one Chromium, runs `whileStreaming`, then SIGTERMs it. */
async function streamAndStop(
  program: string,
  args: string[],
  whileStreaming: (started: Started) => void | Promise<void>,
): Promise<void> {
  const env = { ...Deno.env.toObject() };
  delete env.DISPLAY; // the embedded desktop, as on a fresh machine
  const task = new Deno.Command(program, {
    args: [
      ...args,
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
    if (next.done) throw new Error(`${program} ended: ${stderr.slice(-5).join(" | ")}`);
    url = /open (http:\/\/[^ ]+\/)/.exec(next.value)?.[1] ?? "";
  }
  const stdoutDone = (async () => {
    for (let n = await lines.next(); !n.done; n = await lines.next()) { /* drain */ }
  })();
  const browser = await launchBrowser(url);
  try {
    const page = await browser.open(url);
    await waitFor("frames", async () => (await videoStats(page)).framesDecoded > 0, 30_000);
    const all = await pollUntil(() => {
      const all = descendants(task.pid);
      const comms = new Set(all.map((p) => p.comm));
      const helper = all.some((p) => cmdlineOf(p.pid).endsWith("\0helper\0"));
      return helper && (comms.has("Xorg") || comms.has("Xvfb")) && comms.has("icewm")
        ? all
        : undefined;
    }, { what: "the server, its helper and the desktop", timeoutMs: 10_000 });
    await whileStreaming({ self: cmdlineOf(task.pid), all, stderr });
    const t0 = performance.now();
    task.kill("SIGTERM");
    const status = await task.status;
    const seconds = (performance.now() - t0) / 1000;
    assert.equal(status.code, 0, `exit ${status.code}: ${stderr.slice(-5).join(" | ")}`);
    assert.ok(seconds <= 5, `took ${seconds.toFixed(1)} s to exit`);
    // deno-lint-ignore no-console
    console.log(`stopped in ${seconds.toFixed(2)} s: ${all.map((p) => p.comm).join(", ")}`);
    await pollUntil(() => all.every((p) => !isRunning(p)), {
      what: "every process the command started to end",
      timeoutMs: 3000,
    }).catch(() => {
      const left = all.filter(isRunning).map((p) => p.comm);
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
}

/** The streaming helper among `all` (its command line ends in `helper`). */
function helperOf(all: ProcessInfo[]): ProcessInfo {
  const helper = all.find((p) => cmdlineOf(p.pid).endsWith("\0helper\0"));
  assert.ok(helper, "no helper among the server's children");
  return helper;
}

Deno.test("tools/start (the README's command): the server is the started process itself, hands its start-up pages back, and SIGTERM while a viewer streams exits 0 within 5 s and leaves nothing", async () => {
  await streamAndStop(`${ROOT}tools/start`, ["--log-level=debug"], async (started) => {
    // exec: no shell and no Deno runtime waits beside the server.
    const self = started.self.split("\0");
    assert.equal(self[1], "run", started.self);
    assert.ok(self.includes(`${ROOT}cli.ts`), started.self);
    assert.ok(self.includes("--v8-flags=--max-semi-space-size=1,--lite-mode"), started.self);
    const denos = started.all.filter((p) => p.comm === "deno");
    assert.deepEqual(denos.map((p) => p.pid), [helperOf(started.all).pid]);
    // lib/memory/: both processes read their own mappings and dropped pages, with the
    // permissions they run with (Deno refuses /proc/self to all but --allow-all).
    await pollUntil(() => {
      const released = started.stderr.filter((l) => /Pages released: [1-9]\d* KiB/.test(l));
      return released.some((l) => /Helper \d+:/.test(l)) &&
          released.some((l) => !/Helper \d+:/.test(l)) || null;
    }, { what: "the server and the helper to release pages", timeoutMs: 10_000 });
  });
});

Deno.test("deno task start: SIGTERM while a viewer streams exits 0 within 5 s and leaves nothing; the helper runs with its memory settings", async () => {
  await streamAndStop(Deno.execPath(), ["task", "start"], (started) => {
    const helper = helperOf(started.all);
    const argv = cmdlineOf(helper.pid).split("\0");
    assert.ok(argv.includes(`--v8-flags=${HELPER_V8_FLAGS.join(",")}`), argv.join(" "));
    // helper/memory_settings.ts turned transparent huge pages off for the whole helper.
    const status = Deno.readTextFileSync(`/proc/${helper.pid}/status`);
    assert.match(status, /^THP_enabled:\s+0$/m);
  });
});

/**
 * Skerry never leaves its X server, desktop or helper behind: not when it
 * stops on a signal, not when an uncaught error or rejection stops it, not
 * when it is killed outright (`kill -9`: the children's parent-death signal
 * ends them). Real `skerry demo` servers, real processes, read from /proc.
 */

import assert from "node:assert/strict";
import { pollUntil } from "../lib/poll.ts";
import { startServer, type TestServer } from "./_harness.ts";
import { descendants, environOf, isRunning, type ProcessInfo } from "./_process_tree.ts";

const FIXTURE = new URL("./fixtures/crash_server.ts", import.meta.url).pathname;

/** Waits until `server` runs its whole desktop and the helper; returns every descendant. */
function desktopOf(server: TestServer): Promise<ProcessInfo[]> {
  return pollUntil(() => {
    const all = descendants(server.pid);
    const comms = new Set(all.map((p) => p.comm));
    const ready = ["icewm", "xterm", "xclock", "deno"].every((c) => comms.has(c)) &&
      (comms.has("Xorg") || comms.has("Xvfb"));
    return ready ? all : undefined;
  }, { what: "the desktop's programs and the helper", timeoutMs: 20_000 });
}

/** The X socket of the display `server` streams. */
function socketOf(server: TestServer): string {
  const display = /is streaming :(\d+)/.exec(server.stdout.join("\n"))?.[1];
  assert.ok(display, "no display in the URL line");
  return `/tmp/.X11-unix/X${display}`;
}

const exists = (path: string) => Deno.lstat(path).then(() => true, () => false);

/** Waits until none of `processes` runs and the X socket is gone. */
async function assertNothingLeft(processes: ProcessInfo[], socket: string): Promise<void> {
  await pollUntil(() => processes.every((p) => !isRunning(p)), {
    what: `the end of ${processes.filter(isRunning).map((p) => p.comm).join(", ")}`,
    timeoutMs: 10_000,
  }).catch(() => {
    throw new Error(`Left running: ${processes.filter(isRunning).map((p) => p.comm).join(", ")}`);
  });
  await pollUntil(async () => !await exists(socket), {
    what: `${socket} removed`,
    timeoutMs: 5000,
  });
}

/** The programs Skerry starts itself (the terminal's shell may run short-lived children). */
const LONG_LIVED = ["Xorg", "Xvfb", "icewm", "xterm", "xclock", "deno"];

const count = (lines: string[], text: string) => lines.filter((l) => l.includes(text)).length;

Deno.test("kill -9 of a long-running server leaves no X server, desktop or helper", async () => {
  const server = await startServer({ args: ["--screen=640x480"] });
  const socket = socketOf(server);
  const children = await desktopOf(server);
  const xauthority = environOf(children.find((p) => p.comm === "xterm")!.pid).XAUTHORITY!;
  try {
    // A parent-death signal fires when the *thread* that forked the child ends. Wait until
    // Deno's idle worker threads have ended: the children must outlive them.
    const threads = () =>
      new Set([...Deno.readDirSync(`/proc/${server.pid}/task`)].map((t) => t.name));
    const before = threads();
    await pollUntil(() => {
      const now = threads();
      return [...before].some((tid) => !now.has(tid));
    }, { what: "a worker thread of the server to end", timeoutMs: 60_000, intervalMs: 500 });
    const programs = children.filter((p) => LONG_LIVED.includes(p.comm));
    const gone = programs.filter((p) => !isRunning(p)).map((p) => p.comm);
    assert.deepEqual(gone, [], "children ended with a worker thread");

    const all = descendants(server.pid);
    Deno.kill(server.pid, "SIGKILL");
    assert.equal((await server.status).signal, "SIGKILL");
    await assertNothingLeft(all, socket);
  } finally {
    if (server.alive()) await server.stop();
    // Only the cookie's private directory stays after kill -9: nothing could remove it.
    await Deno.remove(xauthority.slice(0, xauthority.lastIndexOf("/")), { recursive: true })
      .catch(() => {});
  }
});

for (
  const [signal, kind, line] of [
    ["SIGUSR1", "error", "Uncaught error Error: injected error (at "],
    ["SIGUSR2", "rejection", "Uncaught promise rejection Error: injected rejection (at "],
  ] as const
) {
  Deno.test(`an uncaught ${kind} logs one line, stops everything and exits 1`, async () => {
    const server = await startServer({ entry: FIXTURE, args: ["--screen=640x480"] });
    try {
      const socket = socketOf(server);
      const children = await desktopOf(server);
      Deno.kill(server.pid, signal);
      assert.equal((await server.status).code, 1);
      assert.equal(count(server.stderr, line), 1, server.stderr.slice(-8).join("\n"));
      assert.equal(count(server.stderr, "Stopped embedded desktop"), 1);
      await assertNothingLeft(children, socket);
    } finally {
      if (server.alive()) await server.stop();
    }
  });
}

Deno.test("SIGHUP stops everything and exits 0", async () => {
  const server = await startServer({ args: ["--screen=640x480"] });
  try {
    const socket = socketOf(server);
    const children = await desktopOf(server);
    Deno.kill(server.pid, "SIGHUP");
    assert.equal((await server.status).code, 0);
    assert.equal(count(server.stderr, "Received SIGHUP, stopping"), 1);
    assert.equal(count(server.stderr, "Stopped embedded desktop"), 1);
    await assertNothingLeft(children, socket);
  } finally {
    if (server.alive()) await server.stop();
  }
});

Deno.test("a second SIGTERM while a hung program holds up the stop runs no cleanup twice", async () => {
  const server = await startServer({ args: ["--screen=640x480"] });
  try {
    const socket = socketOf(server);
    const children = await desktopOf(server);
    // A desktop program that does not answer: its stop takes the whole grace period (2 s).
    Deno.kill(children.find((p) => p.comm === "xclock")!.pid, "SIGSTOP");
    Deno.kill(server.pid, "SIGTERM");
    await pollUntil(() => count(server.stderr, "Received SIGTERM, stopping") === 1, {
      what: "the first SIGTERM taken",
    });
    Deno.kill(server.pid, "SIGTERM");
    // Exit code 0: the cleanups finished before the 5 s deadline (which exits with 1).
    assert.equal((await server.status).code, 0, server.stderr.slice(-8).join("\n"));
    assert.equal(count(server.stderr, "Received SIGTERM, stopping"), 1);
    assert.equal(count(server.stderr, "Received SIGTERM while stopping"), 1);
    for (const cleanup of ["web server", "media session", "input", "embedded desktop"]) {
      assert.equal(count(server.stderr, `Stopped ${cleanup}`), 1, cleanup);
    }
    await assertNothingLeft(children, socket);
  } finally {
    if (server.alive()) await server.stop();
  }
});

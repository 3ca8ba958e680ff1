/**
 * The README's first command, as a test: `skerry demo` starts its own X
 * server and desktop, streams it to a real Chromium, and leaves nothing
 * behind when it stops. It runs with the exact permission flags of
 * `deno task demo`, so a permission Skerry lacks fails here.
 */

import assert from "node:assert/strict";
import { pollUntil } from "../lib/poll.ts";
import {
  childPids,
  commandLine,
  launchBrowser,
  ROOT,
  startServer,
  videoStats,
} from "./_harness.ts";

const TASKS = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).tasks as Record<
  string,
  { command: string }
>;

/** The permission flags of a `deno run`/`deno compile` command line: `--allow-*`, `--no-prompt`. */
function permissionsOf(command: string): string[] {
  return command.split(" ").filter((word) => /^--(allow|deny)-|^--no-prompt$|^-A$/.test(word));
}

Deno.test("deno task start, demo and compile, tools/start and cli.ts's #! line grant the same narrow permissions", async () => {
  const start = permissionsOf(TASKS.start!.command);
  assert.deepEqual(start, [
    "--allow-net",
    "--allow-env",
    "--allow-read",
    "--allow-write=/tmp,/run/user",
    "--allow-run=setpriv",
    "--allow-ffi",
    "--no-prompt",
  ]);
  assert.deepEqual(permissionsOf(TASKS.demo!.command), start);
  assert.deepEqual(permissionsOf(TASKS.compile!.command), start);
  const shebang = (await Deno.readTextFile(`${ROOT}cli.ts`)).split("\n")[0]!;
  assert.deepEqual(permissionsOf(shebang), start);
  const script = (await Deno.readTextFile(`${ROOT}tools/start`)).replaceAll("\\\n", " ");
  const exec = script.split("\n").find((line) => line.startsWith("exec deno run "))!;
  assert.deepEqual(permissionsOf(exec), start);
});

/** Every descendant of `pid`, with its command line. */
function descendants(pid: number): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const child of childPids(pid)) {
    out.push({ pid: child, cmd: commandLine(child) }, ...descendants(child));
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name: "skerry demo streams an embedded desktop and stops everything it started",
  async fn() {
    const server = await startServer({
      args: ["--screen=1280x720"],
      permissions: permissionsOf(TASKS.demo!.command),
    });
    const browser = await launchBrowser(server.url);
    let started: { pid: number; cmd: string }[] = [];
    try {
      const page = await browser.open(server.url);
      const stats = await pollUntil(async () => {
        const s = await videoStats(page);
        return s.framesDecoded > 30 ? s : null;
      }, { what: "frames of the embedded desktop", timeoutMs: 20_000 });
      assert.equal(stats.frameWidth, 1280);
      assert.equal(stats.frameHeight, 720);
      started = descendants(server.pid);
      const names = started.map((p) => p.cmd.split(" ")[0]!.split("/").pop());
      for (const program of ["icewm", "xterm", "xclock"]) {
        assert.ok(names.includes(program), names.join());
      }
      assert.ok(names.some((n) => n === "Xorg" || n === "Xvfb"), names.join());
      await page.screenshot({
        path: `${Deno.env.get("SKERRY_ARTIFACTS") ?? "/tmp"}/skerry-demo.png`,
      });
      // No permission refused, but the known one: Deno 2.9 refuses /proc/self without
      // --allow-all, so the helper leaves its media threads at nice 0 (thread_priority.ts).
      const refused = server.stderr.filter((l) =>
        /Requires .* access|NotCapable/.test(l) && !l.includes("Cannot lower the priority")
      );
      assert.deepEqual(refused, []);
      // Skerry's own X connection (XTest) holds the cookie too.
      assert.ok(server.stderr.some((l) => l.includes("Input: XTest")), "input disabled");
    } finally {
      await browser.close();
      const status = await server.stop();
      assert.equal(status.code, 0);
    }
    // The terminal's shell exits on the hang-up of its closed terminal, a moment later.
    const left = () => started.filter((p) => alive(p.pid));
    await pollUntil(() => left().length === 0, {
      what: "the last process to exit",
      timeoutMs: 5000,
    })
      .catch(() => {});
    assert.deepEqual(left(), [], "processes left behind");
  },
});

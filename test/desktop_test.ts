/** The embedded desktop on a real X server, with its real programs. */

import assert from "node:assert/strict";
import { startEmbeddedDesktop } from "../lib/desktop.ts";
import { pollUntil } from "../lib/poll.ts";

/** Pids of processes whose environment has DISPLAY=`display`. */
function processesOn(display: string): number[] {
  const out: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const env = Deno.readTextFileSync(`/proc/${entry.name}/environ`).split("\0");
      if (env.includes(`DISPLAY=${display}`)) out.push(Number(entry.name));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

async function visibleWindow(
  display: { env: Record<string, string> },
  name: string,
): Promise<boolean> {
  const out = await new Deno.Command("xdotool", {
    args: ["search", "--onlyvisible", "--name", name],
    env: display.env,
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout).trim() !== "";
}

Deno.test("startEmbeddedDesktop() shows a terminal and a clock, and stop() leaves nothing", async () => {
  const desktop = await startEmbeddedDesktop({ width: 1280, height: 720 });
  try {
    assert.deepEqual(desktop.desktop.programs, ["icewm", "xterm", "xclock"]);
    await pollUntil(
      async () =>
        await visibleWindow(desktop, "Terminal") &&
        await visibleWindow(desktop, "xclock"),
      { what: "the terminal and the clock" },
    );
    assert.ok(processesOn(desktop.name).length >= 3);
  } finally {
    await desktop.stop();
  }
  // The terminal's shell exits on the hang-up of its closed terminal, a moment later.
  await pollUntil(() => processesOn(desktop.name).length === 0, {
    what: `no process left on ${desktop.name}`,
    timeoutMs: 5000,
  });
});

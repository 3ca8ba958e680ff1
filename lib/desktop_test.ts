import assert from "node:assert/strict";
import { layout, onPath, startEmbeddedDesktop } from "./desktop.ts";

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

async function visibleWindow(display: string, name: string): Promise<boolean> {
  const out = await new Deno.Command("xdotool", {
    args: ["search", "--onlyvisible", "--name", name],
    env: { DISPLAY: display },
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout).trim() !== "";
}

Deno.test("layout() keeps the terminal and the clock apart on small and large screens", () => {
  assert.deepEqual(layout(1280, 720), { terminal: "96x23+40+48", clock: "182x182-40+48" });
  assert.deepEqual(layout(640, 480), { terminal: "48x15+40+48", clock: "120x120-40+48" });
  assert.deepEqual(layout(3840, 2160), { terminal: "120x40+40+48", clock: "220x220-40+48" });
});

Deno.test("onPath() finds executables on PATH only", () => {
  assert.equal(onPath("sh", "/usr/bin:/bin"), true);
  assert.equal(onPath("no-such-program-here", "/usr/bin:/bin"), false);
});

Deno.test("startEmbeddedDesktop() shows a terminal and a clock, and stop() leaves nothing", async () => {
  const desktop = await startEmbeddedDesktop({ width: 1280, height: 720 });
  try {
    assert.deepEqual(desktop.desktop.programs, ["icewm", "xterm", "xclock"]);
    const deadline = Date.now() + 10_000;
    while (
      !(await visibleWindow(desktop.name, "Terminal") &&
        await visibleWindow(desktop.name, "xclock"))
    ) {
      assert.ok(Date.now() < deadline, "terminal and clock never appeared");
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(processesOn(desktop.name).length >= 3);
  } finally {
    await desktop.stop();
  }
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(processesOn(desktop.name), []);
});

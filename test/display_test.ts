/**
 * Real X servers: Xvfb, and Xorg with the dummy driver when running as root.
 * The pure parts of lib/display.ts are tested in lib/display_test.ts.
 */

import assert from "node:assert/strict";
import {
  freeDisplayNumber,
  setScreenSize,
  startVirtualDisplay,
  startXorgDummy,
  startXvfb,
  type VirtualDisplay,
} from "../lib/display.ts";

async function screenSize(display: string): Promise<string> {
  const out = await new Deno.Command("xdpyinfo", { args: ["-display", display], stdout: "piped" })
    .output();
  return /dimensions:\s+(\d+x\d+) pixels/.exec(new TextDecoder().decode(out.stdout))?.[1] ?? "none";
}

async function assertStopped(display: VirtualDisplay): Promise<void> {
  await display.stop();
  const n = Number(display.name.slice(1));
  assert.equal(freeDisplayNumber(n), n, "socket or lock file left behind");
}

const isRoot = Deno.uid() === 0;

Deno.test("freeDisplayNumber() skips numbers with a socket or a lock file", async () => {
  const display = await startXvfb({ width: 320, height: 240 });
  try {
    const n = Number(display.name.slice(1));
    assert.notEqual(freeDisplayNumber(n), n);
    assert.ok(freeDisplayNumber(n) > n);
  } finally {
    await assertStopped(display);
  }
});

Deno.test("startXvfb() gives the exact size, refuses to resize, and cleans up", async () => {
  const display = await startXvfb({ width: 1024, height: 768 });
  try {
    assert.equal(display.backend, "xvfb");
    assert.equal(await screenSize(display.name), "1024x768");
    await assert.rejects(() => setScreenSize(display, 800, 600), {
      message: `Cannot resize ${display.name}: Xvfb screens have a fixed size`,
    });
  } finally {
    await assertStopped(display);
  }
});

Deno.test({
  name: "startXorgDummy() starts at the exact size and setScreenSize() resizes it",
  ignore: !isRoot,
  async fn() {
    for (const [w, h] of [[1280, 720], [1920, 1080]] as const) {
      const display = await startXorgDummy({ width: w, height: h });
      try {
        assert.equal(display.backend, "xorg");
        assert.equal(await screenSize(display.name), `${w}x${h}`);
        if (w === 1280) {
          await setScreenSize(display, 1024, 768);
          assert.equal(await screenSize(display.name), "1024x768");
          await setScreenSize(display, 1920, 1080);
          assert.equal(await screenSize(display.name), "1920x1080");
          await setScreenSize(display, 1024, 768); // a mode added before
          assert.equal(await screenSize(display.name), "1024x768");
        }
      } finally {
        await assertStopped(display);
      }
    }
  },
});

Deno.test("startVirtualDisplay() falls back to Xvfb when Xorg fails", async () => {
  const display = await startVirtualDisplay({ width: 640, height: 480, xorg: "false" });
  try {
    assert.equal(display.backend, "xvfb");
    assert.equal(await screenSize(display.name), "640x480");
  } finally {
    await assertStopped(display);
  }
});

Deno.test("startXorgDummy() reports why Xorg would not start", async () => {
  await assert.rejects(
    () => startXorgDummy({ xorg: "false" }),
    (error: Error) => /^X server for :\d+ exited: /.test(error.message),
  );
});

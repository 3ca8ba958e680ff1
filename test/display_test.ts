/**
 * Real X servers: Xvfb, and Xorg with the dummy driver when running as root.
 * The pure parts of lib/display.ts are tested in lib/display_test.ts.
 */

import assert from "node:assert/strict";
import { openX11 } from "../ffi/x11.ts";
import {
  freeDisplayNumber,
  setScreenSize,
  startVirtualDisplay,
  startXorgDummy,
  startXvfb,
  type VirtualDisplay,
} from "../lib/display.ts";

async function screenSize(display: VirtualDisplay): Promise<string> {
  const out = await new Deno.Command("xdpyinfo", { env: display.env, stdout: "piped" }).output();
  return /dimensions:\s+(\d+x\d+) pixels/.exec(new TextDecoder().decode(out.stdout))?.[1] ?? "none";
}

async function assertStopped(display: VirtualDisplay): Promise<void> {
  await display.stop();
  const n = Number(display.name.slice(1));
  assert.equal(freeDisplayNumber(n), n, "socket or lock file left behind");
  await assert.rejects(() => Deno.stat(display.authority), Deno.errors.NotFound);
}

/** Runs xdpyinfo on `display` with exactly `env` (and PATH); resolves with its exit code and stderr. */
async function xdpyinfo(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const out = await new Deno.Command("xdpyinfo", {
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin", ...env },
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/**
 * Asserts that `display` admits a client with its cookie only: not one
 * without (no XAUTHORITY, an empty one, a wrong cookie), not over TCP or the
 * abstract socket (which it does not open), and that the cookie's file is
 * 0600 in a 0700 directory and readable by xauth(1).
 */
async function assertCookieOnly(display: VirtualDisplay): Promise<void> {
  const DISPLAY = display.name;
  assert.equal((await xdpyinfo(display.env)).code, 0);
  for (const env of [{ DISPLAY }, { DISPLAY, XAUTHORITY: "/dev/null" }]) {
    const refused = await xdpyinfo(env);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Authorization required|unable to open display/);
  }
  assert.throws(() => openX11(display.name, { cookie: new Uint8Array(16) }), {
    message: new RegExp(`Cannot open X display "${display.name}"`),
  });
  openX11(display.name, display).close();

  const n = display.name.slice(1);
  const sockets = await Deno.readTextFile("/proc/net/unix");
  assert.match(sockets, new RegExp(` /tmp/\\.X11-unix/X${n}\n`));
  assert.doesNotMatch(sockets, new RegExp(`@/tmp/\\.X11-unix/X${n}\n`), "abstract socket open");
  assert.equal((await Deno.stat(display.authority)).mode! & 0o777, 0o600);
  const dir = display.authority.slice(0, display.authority.lastIndexOf("/"));
  assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
  const listed = new TextDecoder().decode(
    (await new Deno.Command("xauth", { args: ["-f", display.authority, "list"] }).output()).stdout,
  );
  const hex = Array.from(display.cookie, (b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal(listed.trim(), `#ffff##:${n}  MIT-MAGIC-COOKIE-1  ${hex}`);
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
    assert.equal(await screenSize(display), "1024x768");
    await assertCookieOnly(display);
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
        assert.equal(await screenSize(display), `${w}x${h}`);
        if (w === 1280) {
          await assertCookieOnly(display);
          await setScreenSize(display, 1024, 768);
          assert.equal(await screenSize(display), "1024x768");
          await setScreenSize(display, 1920, 1080);
          assert.equal(await screenSize(display), "1920x1080");
          await setScreenSize(display, 1024, 768); // a mode added before
          assert.equal(await screenSize(display), "1024x768");
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
    assert.equal(await screenSize(display), "640x480");
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

Deno.test("displays started at once on the same number each get a server of their own", async () => {
  // All three see the same number free; two must notice the socket is not theirs and move on.
  const first = freeDisplayNumber(300);
  const displays = await Promise.all([1, 2, 3].map(() => startXvfb({ firstDisplay: first })));
  try {
    assert.equal(new Set(displays.map((d) => d.name)).size, 3);
    // Each display's own cookie opens it: none is someone else's server.
    for (const display of displays) assert.notEqual(await screenSize(display), "none");
  } finally {
    await Promise.all(displays.map((d) => d.stop()));
  }
});

/**
 * What a remote desktop user, or another local user, can learn from Skerry's
 * processes: a real `skerry demo` (Xorg or Xvfb, IceWM, xterm, xclock, the
 * helper) started with a generated password and TURN secrets in its
 * environment. Nothing secret may be in any child's environment or in any
 * command line; the password goes to a 0600 file; the embedded X server
 * admits only Skerry's own clients.
 */

import assert from "node:assert/strict";
import { pollUntil } from "../lib/poll.ts";
import { AUTH, startServer } from "./_harness.ts";
import { cmdlineOf, descendants, environOf, type ProcessInfo } from "./_process_tree.ts";

const TURN_SECRET = "turn-shared-secret-5d1f0c";
const TURN_PASSWORD = "turn-password-88a1e2";
const OTHER_SECRET = "db-password-3c9b77";

/** Runs xdpyinfo with exactly `env` (and PATH); resolves with its exit code and stderr. */
async function xdpyinfo(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const out = await new Deno.Command("xdpyinfo", {
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin", ...env },
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("skerry demo keeps its secrets from every child and admits only its own X clients", async (t) => {
  const runtime = await Deno.makeTempDir();
  const server = await startServer({
    args: ["--screen=800x600"],
    env: {
      // Empty: a password is generated.
      SKERRY_BASIC_AUTH_PASSWORD: "",
      XDG_RUNTIME_DIR: runtime,
      SKERRY_TURN_SHARED_SECRET: TURN_SECRET,
      SELKIES_TURN_PASSWORD: TURN_PASSWORD,
      DB_PASSWORD: OTHER_SECRET,
    },
  });
  let children: ProcessInfo[] = [];
  let xauthority = "";
  try {
    const passwordPath = `${runtime}/skerry/password`;
    let password = "";

    await t.step(
      "the generated password goes to a 0600 file, not to stdout or the log",
      async () => {
        const line = await pollUntil(() => server.stdout.find((l) => l.includes("password")), {
          what: "the credentials line",
        });
        assert.equal(
          line,
          `  user: ${AUTH.username}   password: generated, in ${passwordPath} (set --basic-auth-password-file to choose one)`,
        );
        password = (await Deno.readTextFile(passwordPath)).trim();
        assert.equal(password.length, 20);
        assert.equal((await Deno.stat(passwordPath)).mode! & 0o777, 0o600);
        assert.equal((await Deno.stat(`${runtime}/skerry`)).mode! & 0o777, 0o700);
        const get = (pw: string) =>
          fetch(server.url, {
            headers: { authorization: `Basic ${btoa(`${AUTH.username}:${pw}`)}` },
          })
            .then(async (r) => (await r.body?.cancel(), r.status));
        assert.equal(await get(password), 200);
        assert.equal(await get("wrong"), 401);
        assert.ok(!server.stdout.join("\n").includes(password), "password on stdout");
        assert.ok(!server.stderr.join("\n").includes(password), "password in the log");
      },
    );

    await t.step("no child's environment or command line holds a secret", async () => {
      // Wait for the whole desktop and the standby helper.
      children = await pollUntil(() => {
        const all = descendants(server.pid);
        const comms = new Set(all.map((p) => p.comm));
        const ready = ["icewm", "xterm", "xclock", "deno"].every((c) => comms.has(c)) &&
          (comms.has("Xorg") || comms.has("Xvfb"));
        return ready ? all : undefined;
      }, { what: "the desktop's programs and the helper", timeoutMs: 20_000 });
      const secrets = [password, TURN_SECRET, TURN_PASSWORD, OTHER_SECRET];
      assert.ok(secrets.every((secret) => secret.length >= 16));
      for (const child of children) {
        const environ = environOf(child.pid);
        // The terminal's shell may run short-lived commands; Skerry's own programs stay.
        if (["Xorg", "Xvfb", "icewm", "xterm", "xclock", "deno"].includes(child.comm)) {
          assert.ok(environ.PATH, `${child.comm}'s environment is unreadable or empty`);
        }
        const text = `${Object.entries(environ).join("\n")}\n${cmdlineOf(child.pid)}`;
        for (const secret of secrets) {
          assert.ok(!text.includes(secret), `${child.comm} sees a secret`);
        }
        const names = Object.keys(environ).filter((n) =>
          /^(SKERRY|SELKIES|TURN)_|PASSWORD/.test(n)
        );
        assert.deepEqual(names, [], `${child.comm} inherits ${names}`);
      }
      // Skerry itself got the secrets through its environment: none is on its command line.
      for (const secret of secrets) assert.ok(!cmdlineOf(server.pid).includes(secret));
    });

    await t.step("the terminal has the display and its cookie, and the user's identity", () => {
      const xterm = children.find((p) => p.comm === "xterm")!;
      const env = environOf(xterm.pid);
      assert.match(env.DISPLAY ?? "", /^:\d+$/);
      assert.match(env.XAUTHORITY ?? "", /\/skerry-x-[^/]+\/Xauthority$/);
      xauthority = env.XAUTHORITY!;
      assert.equal(env.HOME, Deno.env.get("HOME"));
      assert.equal(env.PATH, Deno.env.get("PATH"));
      const helper = children.find((p) => p.comm === "deno")!;
      assert.equal(environOf(helper.pid).XAUTHORITY, env.XAUTHORITY);
    });

    await t.step("the embedded X server refuses a client without the cookie", async () => {
      const env = environOf(children.find((p) => p.comm === "xterm")!.pid);
      const DISPLAY = env.DISPLAY!;
      assert.equal((await xdpyinfo({ DISPLAY, XAUTHORITY: env.XAUTHORITY! })).code, 0);
      for (const without of [{ DISPLAY }, { DISPLAY, XAUTHORITY: "/dev/null" }]) {
        const refused = await xdpyinfo(without);
        assert.notEqual(refused.code, 0);
        assert.match(refused.stderr, /Authorization required/);
      }
      // Nor does it listen on the abstract socket any process in this network namespace reaches.
      const sockets = await Deno.readTextFile("/proc/net/unix");
      assert.doesNotMatch(sockets, new RegExp(`@/tmp/\\.X11-unix/X${DISPLAY.slice(1)}\n`));
      assert.match(sockets, new RegExp(` /tmp/\\.X11-unix/X${DISPLAY.slice(1)}\n`));
    });
  } finally {
    const status = await server.stop();
    assert.equal(status.code, 0);
    // Stopping removed the password file and the cookie.
    await assert.rejects(() => Deno.stat(`${runtime}/skerry/password`), Deno.errors.NotFound);
    if (xauthority) await assert.rejects(() => Deno.stat(xauthority), Deno.errors.NotFound);
    await Deno.remove(runtime, { recursive: true });
  }
});

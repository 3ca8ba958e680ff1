/**
 * The systemd unit example, checked with systemd's own tools (no systemd
 * runs here): `systemd-analyze verify` accepts it, `systemd-analyze
 * security` rates its sandbox (exposure at most 2.0 of 10), and what it
 * passes to Skerry agrees with Skerry: the Deno permissions of
 * `deno task start` and variables from the option table.
 */

import assert from "node:assert/strict";
import { OPTIONS } from "../lib/config.ts";
import { ROOT } from "./_harness.ts";

const UNIT = `${ROOT}deploy/systemd/skerry.service`;
const text = Deno.readTextFileSync(UNIT);

/** Every value of `key=` in the unit, in order. */
function settings(key: string): string[] {
  return [...text.matchAll(new RegExp(`^${key}=(.*)$`, "gm"))].map((m) => m[1]!);
}

async function analyze(args: string[]): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command("systemd-analyze", { args, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder();
  return { code: out.code, output: text.decode(out.stdout) + text.decode(out.stderr) };
}

Deno.test("systemd-analyze verifies the unit and rates its sandbox at most 2.0", async () => {
  const verify = await analyze(["verify", UNIT]);
  assert.equal(verify.code, 0, verify.output);
  assert.equal(verify.output.trim(), "");
  // --offline appeared in systemd 250 (Debian 12 has 252).
  const version = Number(/systemd (\d+)/.exec((await analyze(["--version"])).output)?.[1]);
  if (version >= 250) {
    const security = await analyze(["security", "--offline=true", "--threshold=20", UNIT]);
    assert.equal(security.code, 0, security.output);
    const exposure = Number(
      /Overall exposure level for [^:]+: ([\d.]+)/.exec(security.output)?.[1],
    );
    assert.ok(exposure <= 2.0, `exposure ${exposure}:\n${security.output}`);
  }
});

Deno.test("the unit runs cli.ts with deno task start's permissions and known variables", () => {
  const tasks = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks;
  const allow = (command: string) => command.split(" ").filter((a) => a.startsWith("--allow-"));
  const [execStart] = settings("ExecStart");
  assert.deepEqual(allow(execStart!), allow(tasks.start.command));
  assert.match(execStart!, / \/opt\/skerry\/cli\.ts$/);

  const names = new Set(OPTIONS.flatMap((o) => o.secret ? [o.env, `${o.env}_FILE`] : [o.env]));
  const skerryVariables = settings("Environment").map((e) => e.split("=")[0]!)
    .filter((name) => name.startsWith("SKERRY_"));
  assert.deepEqual(skerryVariables, ["SKERRY_BASIC_AUTH_PASSWORD_FILE"]);
  for (const name of skerryVariables) assert.ok(names.has(name), `${name} is not a Skerry option`);
  // The password file comes from the credential the unit loads.
  assert.deepEqual(settings("LoadCredential"), ["password:/etc/skerry/password"]);
  assert.ok(settings("Environment").includes("SKERRY_BASIC_AUTH_PASSWORD_FILE=%d/password"));
});

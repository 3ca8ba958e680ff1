/**
 * Runs the test suite with `deno test` and ends with one line,
 * `N passed, N failed`, for CI. Extra arguments go to `deno test`.
 *
 * `--unit` runs only the unit tests (everything outside `test/` and `bench/`)
 * the way a machine without X or GStreamer would: no `DISPLAY`, and neither
 * subprocesses nor native libraries allowed.
 *
 * @module
 */

const root = new URL("../", import.meta.url).pathname;
const unit = Deno.args.includes("--unit");
const args = Deno.args.filter((a) => a !== "--unit");
const env = Deno.env.toObject();
if (unit) delete env.DISPLAY;
const child = new Deno.Command(Deno.execPath(), {
  args: [
    "test",
    "--no-prompt",
    ...(unit
      ? [
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--allow-net",
        "--allow-sys",
        "--deny-run",
        "--deny-ffi",
        "--ignore=test/,bench/",
      ]
      : ["--allow-all"]),
    ...args,
  ],
  cwd: root,
  env,
  clearEnv: true,
  stdout: "piped",
  stderr: "inherit",
}).spawn();

// Copy the output through while keeping its last lines for the summary.
const decoder = new TextDecoder();
let tail = "";
for await (const chunk of child.stdout) {
  await Deno.stdout.write(chunk);
  tail = (tail + decoder.decode(chunk, { stream: true })).slice(-4096);
}
const status = await child.status;
// deno test ends with e.g. "ok | 41 passed (9 steps) | 0 failed (35s)".
// deno-lint-ignore no-control-regex
const plain = tail.replace(/\x1b\[[0-9;]*m/g, "");
const summary = [...plain.matchAll(/(\d+) passed.*?\| (\d+) failed/g)].pop();
const passed = Number(summary?.[1] ?? 0);
let failed = Number(summary?.[2] ?? 0);
if (!status.success && failed === 0) failed = 1; // a crash or type error before any test ran
// deno-lint-ignore no-console
console.log(`\n${passed} passed, ${failed} failed`);
Deno.exit(status.success ? 0 : 1);

import assert from "node:assert/strict";
import { parentDeathArgv } from "./child_command.ts";

Deno.test("parentDeathArgv() runs the program under setpriv with the signal's short name", () => {
  assert.deepEqual(parentDeathArgv("xterm", ["-T", "Terminal"]), [
    "setpriv",
    "--pdeathsig",
    "KILL",
    "--",
    "xterm",
    "-T",
    "Terminal",
  ]);
  assert.deepEqual(parentDeathArgv("Xvfb", [":20"], "SIGTERM"), [
    "setpriv",
    "--pdeathsig",
    "TERM",
    "--",
    "Xvfb",
    ":20",
  ]);
});

Deno.test("parentDeathArgv() keeps arguments that look like setpriv's own options after --", () => {
  assert.deepEqual(parentDeathArgv("prog", ["--pdeathsig", "0"]).slice(3), [
    "--",
    "prog",
    "--pdeathsig",
    "0",
  ]);
});

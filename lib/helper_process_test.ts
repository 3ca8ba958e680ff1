import assert from "node:assert/strict";
import { HELPER_V8_FLAGS, helperArgv } from "./helper_process.ts";

Deno.test("helperArgv() runs cli.ts helper from a checkout with the helper's V8 flags and narrow permissions", () => {
  assert.deepEqual(
    helperArgv({ standalone: false, execPath: "/usr/bin/deno", root: "/opt/skerry/" }),
    [
      "/usr/bin/deno",
      "run",
      "--quiet",
      "--no-prompt",
      "--v8-flags=--max-semi-space-size=1",
      "--allow-ffi",
      "--allow-read=/proc",
      "--config=/opt/skerry/deno.json",
      "/opt/skerry/cli.ts",
      "helper",
    ],
  );
  assert.deepEqual(HELPER_V8_FLAGS, ["--max-semi-space-size=1"]);
});

Deno.test("helperArgv() runs the compiled binary itself, whose V8 flags were compiled in", () => {
  assert.deepEqual(
    helperArgv({ standalone: true, execPath: "/usr/local/bin/skerry", root: "/ignored/" }),
    ["/usr/local/bin/skerry", "helper"],
  );
});

Deno.test("deno.json's compile task builds the binary with the helper's V8 flags", async () => {
  const tasks = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)))
    .tasks as Record<string, { command: string }>;
  const flags = /--v8-flags=(\S+)/.exec(tasks.compile!.command)?.[1]?.split(",");
  assert.deepEqual(flags, [...HELPER_V8_FLAGS]);
});

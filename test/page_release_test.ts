/**
 * lib/memory/page_release.ts on the real kernel: a Deno process hands its
 * binary's read-only pages back, and keeps working (what it needs again is
 * mapped again from the page cache).
 */

import assert from "node:assert/strict";
import { run } from "./_harness.ts";

Deno.test("releasePages() drops a process's read-only file pages, and the process keeps working", async () => {
  // With the helper's permissions; run() throws with the child's stderr when it fails.
  const report = JSON.parse(
    await run(Deno.execPath(), [
      "run",
      "--no-prompt",
      "--allow-ffi",
      "--allow-read=/proc",
      new URL("./fixtures/page_release_child.ts", import.meta.url).pathname,
    ]),
  );
  // A started Deno has tens of MB of its binary resident; much of it is not used again at once.
  assert.ok(report.before > 10_000, `${report.before} KiB resident before`);
  assert.ok(report.after < report.before / 2, `${report.after} of ${report.before} KiB after`);
  assert.ok(report.result.fileKiB > 10_000, JSON.stringify(report.result));
  // The work after it got the code and data it needed back, and computed what it should.
  const work = Array.from({ length: 1000 }, (_, i) => i * i).join(",");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(work));
  assert.equal(report.text, `1.234.567,534${new Uint8Array(digest)[0]}`);
  assert.ok(report.again > report.after, JSON.stringify(report));
});

import assert from "node:assert/strict";
import { pollUntil } from "./poll.ts";
import { watchFiles } from "./watch_files.ts";

Deno.test("watchFiles() calls back after a file is rewritten or replaced by a rename", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/cert.pem`;
  await Deno.writeTextFile(path, "one");
  let calls = 0;
  const watch = watchFiles([path], () => {
    calls++;
  }, { debounceMs: 20, pollMs: 3_600_000 });
  try {
    await Deno.writeTextFile(path, "two");
    await pollUntil(() => calls >= 1, { what: "a call after a write", timeoutMs: 5000 });
    const before = calls;
    await Deno.writeTextFile(`${path}.new`, "three");
    await Deno.rename(`${path}.new`, path);
    await pollUntil(() => calls > before, { what: "a call after a rename", timeoutMs: 5000 });
  } finally {
    watch.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("watchFiles() polls what it cannot watch, and says so", async () => {
  const errors: string[] = [];
  let calls = 0;
  const watch = watchFiles(["/nonexistent-skerry-dir/cert.pem"], () => {
    calls++;
  }, { debounceMs: 1, pollMs: 10, onWatchError: (path) => errors.push(path) });
  try {
    assert.deepEqual(errors, ["/nonexistent-skerry-dir"]);
    await pollUntil(() => calls >= 2, { what: "two polls", timeoutMs: 5000 });
  } finally {
    watch.close();
  }
});

Deno.test("watchFiles() never overlaps its callback", async () => {
  let running = 0;
  let most = 0;
  let calls = 0;
  const watch = watchFiles(["/nonexistent-skerry-dir/x"], async () => {
    running++;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, 30));
    running--;
    calls++;
  }, { debounceMs: 1, pollMs: 5 });
  try {
    await pollUntil(() => calls >= 3, { what: "three calls", timeoutMs: 5000 });
    assert.equal(most, 1);
  } finally {
    watch.close();
    await pollUntil(() => running === 0, { what: "the last call to end", timeoutMs: 5000 });
  }
});

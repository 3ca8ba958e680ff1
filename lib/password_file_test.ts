import assert from "node:assert/strict";
import { runtimePasswordDir, writePasswordFile } from "./password_file.ts";

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];
const mode = async (path: string) => (await Deno.stat(path)).mode! & 0o777;
const gone = (path: string) => Deno.stat(path).then(() => false, () => true);

Deno.test("runtimePasswordDir() uses an absolute XDG_RUNTIME_DIR only", () => {
  assert.equal(
    runtimePasswordDir(envOf({ XDG_RUNTIME_DIR: "/run/user/1000/" })),
    "/run/user/1000/skerry",
  );
  assert.equal(runtimePasswordDir(envOf({ XDG_RUNTIME_DIR: "relative" })), undefined);
  assert.equal(runtimePasswordDir(envOf({})), undefined);
});

Deno.test("writePasswordFile() writes $XDG_RUNTIME_DIR/skerry/password, 0600 in 0700, and removes it", async () => {
  const runtime = await Deno.makeTempDir();
  try {
    // An old, too open file from an earlier run must not keep its mode.
    await Deno.mkdir(`${runtime}/skerry`, { mode: 0o755 });
    await Deno.writeTextFile(`${runtime}/skerry/password`, "old", { mode: 0o644 });
    const file = await writePasswordFile("s3cret", envOf({ XDG_RUNTIME_DIR: runtime }));
    assert.equal(file.path, `${runtime}/skerry/password`);
    assert.equal(await Deno.readTextFile(file.path), "s3cret\n");
    assert.equal(await mode(file.path), 0o600);
    assert.equal(await mode(`${runtime}/skerry`), 0o700);
    await file.remove();
    assert.equal(await gone(file.path), true);
  } finally {
    await Deno.remove(runtime, { recursive: true });
  }
});

Deno.test("writePasswordFile() falls back to a private temporary directory", async () => {
  const notADir = await Deno.makeTempFile();
  try {
    for (const env of [envOf({}), envOf({ XDG_RUNTIME_DIR: notADir })]) {
      const file = await writePasswordFile("s3cret", env);
      const dir = file.path.slice(0, file.path.lastIndexOf("/"));
      assert.match(file.path, /\/skerry-[^/]+\/password$/);
      assert.equal(await Deno.readTextFile(file.path), "s3cret\n");
      assert.equal(await mode(file.path), 0o600);
      assert.equal(await mode(dir), 0o700);
      await file.remove();
      assert.equal(await gone(dir), true);
    }
  } finally {
    await Deno.remove(notADir);
  }
});

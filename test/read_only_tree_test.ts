/**
 * What a compiled binary, a package or a container relies on: Skerry finds
 * every file it reads from `import.meta`, never from the working directory,
 * and writes nothing into its own tree at run time (`deno compile` cannot
 * fetch its runtime here, so this is how its paths are tested).
 *
 * A copy of the checkout without write bits is run from an empty working
 * directory; where the machine allows a mount namespace, both are also
 * mounted read-only (which stops root too). Chromium must see frames, and
 * the copy and the directory must be unchanged afterwards.
 */

import assert from "node:assert/strict";
import { pollUntil } from "../lib/poll.ts";
import { launchBrowser, ROOT, startServer, videoStats } from "./_harness.ts";

/** Every entry under `dir` with its size, mode and modification time. */
function snapshot(dir: string, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of Deno.readDirSync(`${dir}/${prefix}`)) {
    const path = `${prefix}${entry.name}`;
    const info = Deno.lstatSync(`${dir}/${path}`);
    out.set(path, `${info.size} ${info.mode?.toString(8)} ${info.mtime?.getTime()}`);
    if (entry.isDirectory) {
      for (const [p, v] of snapshot(dir, `${path}/`)) out.set(p, v);
    }
  }
  return out;
}

/** Paths added, removed or changed between two snapshots. */
function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((p) => before.get(p) !== after.get(p)).sort();
}

async function run(program: string, args: string[]): Promise<boolean> {
  const out = await new Deno.Command(program, { args, stdout: "null", stderr: "null" }).output();
  return out.success;
}

Deno.test({
  name: "skerry streams from a read-only copy of its tree, run from another directory",
  async fn() {
    const top = await Deno.makeTempDir({ prefix: "skerry-read-only-" });
    const tree = `${top}/tree`;
    const cwd = `${top}/elsewhere`;
    try {
      assert.ok(await run("cp", ["-a", ROOT, tree]), "copying the checkout failed");
      await Deno.mkdir(cwd);
      assert.ok(await run("chmod", ["-R", "a-w", top]));
      const before = snapshot(top);

      // A read-only bind mount of the copy and the directory, in a mount namespace of its own.
      const readOnly = [
        "unshare",
        "--mount",
        "sh",
        "-c",
        'mount --bind -o ro "$0" "$0" && exec "$@"',
      ];
      const mounts = await run(readOnly[0]!, [...readOnly.slice(1), top, "true"]);
      const server = await startServer({
        entry: `${tree}/cli.ts`,
        cwd,
        ...(mounts ? { wrap: [...readOnly, top] } : {}),
        args: ["--screen=640x480"],
      });
      const browser = await launchBrowser(server.url);
      try {
        const page = await browser.open(server.url);
        const stats = await pollUntil(async () => {
          const s = await videoStats(page);
          return s.framesDecoded > 0 ? s : null;
        }, { what: "a first frame from the read-only tree", timeoutMs: 20_000 });
        assert.equal(`${stats.frameWidth}x${stats.frameHeight}`, "640x480");
      } finally {
        await browser.close();
        const status = await server.stop();
        assert.equal(status.code, 0, server.stderr.slice(-5).join("\n"));
      }
      assert.deepEqual(changes(before, snapshot(top)), [], "files written into the tree");
    } finally {
      await run("chmod", ["-R", "u+w", top]);
      await Deno.remove(top, { recursive: true });
    }
  },
});

/**
 * Another revision of Skerry, checked out beside this one so a benchmark can
 * run both: a detached `git worktree` in a temporary folder, its npm
 * packages (this checkout's `node_modules` linked when the lock files match,
 * else `deno install`) and its client bundle built; and what its command
 * line accepts ({@linkcode cliFlags}), since an older revision rejects newer
 * flags.
 *
 * @module
 */

import { ROOT } from "../test/_harness.ts";
import { parseHelpFlags } from "./_help_flags.ts";

/** A checkout of another revision. */
export interface BaselineCheckout {
  /** Its root folder, with a trailing slash (its `cli.ts` is `${root}cli.ts`). */
  root: string;
  /** The commit it is at (short hash). */
  commit: string;
  /** Removes the worktree (nothing when it was given, not made). */
  remove(): Promise<void>;
}

async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return new TextDecoder().decode(out.stdout).trim();
}

async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    return (await Deno.readTextFile(a)) === (await Deno.readTextFile(b));
  } catch {
    return false;
  }
}

/**
 * Checks out `rev` into a temporary worktree and builds it; or, given `dir`,
 * uses that checkout as it is (and leaves it in place).
 */
export async function baselineCheckout(rev: string, dir?: string): Promise<BaselineCheckout> {
  if (dir !== undefined) {
    const root = dir.endsWith("/") ? dir : `${dir}/`;
    const commit = await run("git", ["rev-parse", "--short", "HEAD"], root);
    return { root, commit, remove: async () => {} };
  }
  const commit = await run("git", ["rev-parse", "--short", `${rev}^{commit}`], ROOT);
  const root = `${await Deno.makeTempDir({ prefix: `skerry-baseline-${commit}-` })}/`;
  const remove = async () => {
    await run("git", ["worktree", "remove", "--force", root], ROOT).catch(() => {});
    await Deno.remove(root, { recursive: true }).catch(() => {});
  };
  try {
    await run("git", ["worktree", "add", "--detach", root, commit], ROOT);
    if (await sameFile(`${ROOT}deno.lock`, `${root}deno.lock`)) {
      await Deno.symlink(`${ROOT}node_modules`, `${root}node_modules`);
    } else {
      await run(Deno.execPath(), ["install", "--quiet"], root);
    }
    await run(Deno.execPath(), ["task", "build"], root);
    return { root, commit, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/**
 * The flags `${root}cli.ts serve` accepts, read from its `--help`: each name
 * (without `--`) and its default ("" when the help gives none).
 */
export async function cliFlags(root: string): Promise<Map<string, string>> {
  const help = await run(Deno.execPath(), [
    "run",
    "--quiet",
    "--allow-all",
    `${root}cli.ts`,
    "--help",
  ], root);
  return parseHelpFlags(help);
}

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

import { ROOT, run } from "../test/_harness.ts";
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

/** `program args` run in folder `cwd`: its stdout, trimmed. */
async function runIn(cwd: string, program: string, args: string[]): Promise<string> {
  return (await run(program, args, undefined, cwd)).trim();
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
    const commit = await runIn(root, "git", ["rev-parse", "--short", "HEAD"]);
    return { root, commit, remove: async () => {} };
  }
  const commit = await runIn(ROOT, "git", ["rev-parse", "--short", `${rev}^{commit}`]);
  const root = `${await Deno.makeTempDir({ prefix: `skerry-baseline-${commit}-` })}/`;
  const remove = async () => {
    await runIn(ROOT, "git", ["worktree", "remove", "--force", root]).catch(() => {});
    await Deno.remove(root, { recursive: true }).catch(() => {});
  };
  try {
    await runIn(ROOT, "git", ["worktree", "add", "--detach", root, commit]);
    if (await sameFile(`${ROOT}deno.lock`, `${root}deno.lock`)) {
      await Deno.symlink(`${ROOT}node_modules`, `${root}node_modules`);
    } else {
      await runIn(root, Deno.execPath(), ["install", "--quiet"]);
    }
    await runIn(root, Deno.execPath(), ["task", "build"]);
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
  const help = await runIn(root, Deno.execPath(), [
    "run",
    "--quiet",
    "--allow-all",
    `${root}cli.ts`,
    "--help",
  ]);
  return parseHelpFlags(help);
}

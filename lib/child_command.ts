/**
 * The one way Skerry builds a child process: an allow-listed environment
 * (child_env.ts) and a parent-death signal, so the X server, the desktop's
 * programs and the helper end when Skerry ends, even by `kill -9`.
 *
 * The signal comes from `setpriv --pdeathsig` (util-linux), which sets
 * prctl(PR_SET_PDEATHSIG) and execs the program. Linux sends it when the
 * *thread* that forked the child exits; Deno spawns from the main JS thread,
 * which lives as long as the process (test/process_safety_test.ts checks
 * that a child outlives Deno's short-lived worker threads).
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { childEnv, type ChildRole } from "./child_env.ts";

const log = getLogger(["skerry", "process"]);

/** Options of {@linkcode childCommand}. */
export interface ChildCommandOptions {
  /** Arguments. Default none. */
  args?: string[];
  /** Which allow-list the environment follows. */
  role: ChildRole;
  /** Variables set over the inherited ones (DISPLAY, XAUTHORITY …). Default none. */
  env?: Record<string, string>;
  /**
   * Signal the child gets when Skerry dies without stopping it. Default
   * SIGKILL; SIGTERM for an X server, so it removes its socket and lock file.
   */
  onParentDeath?: "SIGKILL" | "SIGTERM";
  /** Working directory. Default Skerry's. */
  cwd?: string;
  stdin?: "piped" | "inherit" | "null";
  stdout?: "piped" | "inherit" | "null";
  stderr?: "piped" | "inherit" | "null";
}

/**
 * The argv that runs `program` with `args` under a parent-death signal:
 * `setpriv --pdeathsig KILL -- program args…`.
 */
export function parentDeathArgv(
  program: string,
  args: readonly string[],
  signal: "SIGKILL" | "SIGTERM" = "SIGKILL",
): string[] {
  return ["setpriv", "--pdeathsig", signal.slice(3), "--", program, ...args];
}

let setprivFound: boolean | undefined;

/** Whether setpriv is on PATH (checked once; warns once when it is not). */
function haveSetpriv(): boolean {
  if (setprivFound !== undefined) return setprivFound;
  setprivFound = (Deno.env.get("PATH") ?? "").split(":").some((dir) => {
    try {
      return dir !== "" && Deno.statSync(`${dir}/setpriv`).isFile;
    } catch {
      return false;
    }
  });
  if (!setprivFound) {
    log.warn(
      "setpriv (util-linux) is not installed: Skerry's children may outlive it if it is killed",
    );
  }
  return setprivFound;
}

/**
 * A `Deno.Command` for `program` with an allow-listed environment
 * (`clearEnv`) and, when setpriv is installed, a parent-death signal.
 */
export function childCommand(program: string, options: ChildCommandOptions): Deno.Command {
  const args = options.args ?? [];
  const [command, ...argv] = haveSetpriv()
    ? parentDeathArgv(program, args, options.onParentDeath)
    : [program, ...args];
  return new Deno.Command(command!, {
    args: argv,
    clearEnv: true,
    env: childEnv(options.role, Deno.env.toObject(), options.env),
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    stdin: options.stdin ?? "null",
    stdout: options.stdout ?? "null",
    stderr: options.stderr ?? "null",
  });
}

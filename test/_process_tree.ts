/**
 * Reading the process tree from /proc: a server's descendants, whether one
 * still runs, what is in its environment and command line. For the tests
 * that check what Skerry's children see and that none outlives it.
 *
 * @module
 */

/** A process, identified by pid and start time (pids are reused). */
export interface ProcessInfo {
  pid: number;
  /** Start time in clock ticks after boot (field 22 of /proc/PID/stat). */
  start: string;
  /** The executable's name, e.g. "Xorg", "xterm", "deno". */
  comm: string;
}

/** Fields of /proc/PID/stat after the command name: state, ppid, …; undefined if gone. */
function statOf(pid: number): { comm: string; fields: string[] } | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const close = stat.lastIndexOf(")");
    return {
      comm: stat.slice(stat.indexOf("(") + 1, close),
      fields: stat.slice(close + 2).split(" "),
    };
  } catch {
    return undefined;
  }
}

/** Every descendant of `pid` (children, their children …), found in one pass over /proc. */
export function descendants(pid: number): ProcessInfo[] {
  const byParent = new Map<number, ProcessInfo[]>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const stat = statOf(Number(entry.name));
    if (!stat || stat.fields[0] === "Z") continue;
    const ppid = Number(stat.fields[1]);
    const info = { pid: Number(entry.name), start: stat.fields[19]!, comm: stat.comm };
    byParent.set(ppid, [...byParent.get(ppid) ?? [], info]);
  }
  const out: ProcessInfo[] = [];
  const visit = (parent: number) => {
    for (const child of byParent.get(parent) ?? []) {
      out.push(child);
      visit(child.pid);
    }
  };
  visit(pid);
  return out;
}

/** Whether `process` still runs (not gone, not a zombie, not a new process on its pid). */
export function isRunning(process: ProcessInfo): boolean {
  const stat = statOf(process.pid);
  return stat !== undefined && stat.fields[0] !== "Z" && stat.fields[19] === process.start;
}

/** The environment of `pid` ({} if gone). */
export function environOf(pid: number): Record<string, string> {
  try {
    const text = Deno.readTextFileSync(`/proc/${pid}/environ`);
    return Object.fromEntries(
      text.split("\0").filter(Boolean).map((
        kv,
      ) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
    );
  } catch {
    return {};
  }
}

/** The raw command line of `pid`, NUL-separated ("" if gone). */
export function cmdlineOf(pid: number): string {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`);
  } catch {
    return "";
  }
}

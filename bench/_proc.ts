/**
 * Process and statistics helpers for the benchmarks: CPU ticks, RSS and PSS from
 * /proc, medians and percentiles.
 *
 * @module
 */

import { childPids, commandLine } from "../test/_harness.ts";

/** Kernel clock ticks per second (USER_HZ; 100 on every Linux we target). */
export const TICKS_PER_SECOND = 100;

/** utime + stime of `pid`, in ticks; 0 when the process is gone. */
export function cpuTicks(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** utime + stime of each thread of `pid`, in ticks, by "name/tid"; empty when the process is gone. */
export function threadTicks(pid: number | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (pid === undefined) return out;
  try {
    for (const entry of Deno.readDirSync(`/proc/${pid}/task`)) {
      const stat = Deno.readTextFileSync(`/proc/${pid}/task/${entry.name}/stat`);
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(`${name}/${entry.name}`, Number(fields[11]) + Number(fields[12]));
    }
  } catch {
    // gone meanwhile: what was read so far
  }
  return out;
}

/** The threads that used CPU between two {@linkcode threadTicks} readings, busiest first: "name/tid ticks". */
export function busiestThreads(
  before: Map<string, number>,
  after: Map<string, number>,
): string[] {
  return [...after]
    .map(([name, t]) => [name, t - (before.get(name) ?? 0)] as const)
    .filter(([, t]) => t > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, t]) => `${name} ${t}`);
}

/** Resident memory of `pid`, in KiB; 0 when the process is gone. */
export function rssKiB(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Proportional set size of `pid` (shared pages split among their users), in KiB; 0 when gone. */
export function pssKiB(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const rollup = Deno.readTextFileSync(`/proc/${pid}/smaps_rollup`);
    return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The pid of the helper child of server `pid`, if one runs. */
export function findHelper(pid: number): number | undefined {
  return childPids(pid).find((p) => commandLine(p).includes(" helper"));
}

/** Median of `values` (NaN when empty). */
export function median(values: number[]): number {
  return percentile(values, 50);
}

/** The `p`th percentile (nearest rank) of `values` (NaN when empty). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

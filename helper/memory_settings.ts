/**
 * The helper's process-wide memory settings, applied once before GStreamer
 * loads (helper/main.ts). docs/MEMORY.md has the measurements.
 *
 * @module
 */

import { libc } from "../ffi/libc.ts";

/** prctl option that turns transparent huge pages off for this process (linux/prctl.h). */
const PR_SET_THP_DISABLE = 41;

/**
 * Turns transparent huge pages off for this process: libx264 asks for them
 * (madvise) for each frame buffer, and a 1.6 MB 720p frame then holds a
 * whole 2 MB page. Call before GStreamer allocates. Returns whether it took
 * effect; never throws (a refusal only costs memory).
 */
export function turnOffHugePages(): boolean {
  if (Deno.build.os !== "linux") return false;
  try {
    return libc().prctl(PR_SET_THP_DISABLE, 1n, 0n, 0n, 0n) === 0;
  } catch {
    return false;
  }
}

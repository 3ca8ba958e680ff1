/**
 * The helper's process-wide memory settings, applied once before GStreamer
 * loads (helper/main.ts). Each cuts resident memory the helper would
 * otherwise hold for nothing; docs/MEMORY.md has the measurements.
 *
 * @module
 */

import { libc } from "../ffi/libc.ts";

/** prctl option that turns transparent huge pages off for this process (linux/prctl.h). */
const PR_SET_THP_DISABLE = 41;
/** mallopt parameter: the most malloc arenas (glibc malloc.h). */
const M_ARENA_MAX = -8;
/**
 * Most glibc malloc arenas for the helper. glibc gives threads up to eight
 * arenas per core, and each GStreamer, webrtcbin and Deno thread that
 * allocates keeps its own partly used one; two suffice for a handful of
 * streaming threads.
 */
export const HELPER_ARENA_MAX = 2;

/** What {@linkcode applyHelperMemorySettings} managed to set. */
export interface HelperMemorySettings {
  /** Transparent huge pages are off for this process. */
  thpOff: boolean;
  /** The malloc arena limit was set. */
  arenaMax: boolean;
}

/**
 * Turns transparent huge pages off for this process (libx264 asks for them
 * with madvise for each frame buffer, and a 1.6 MB 720p frame then holds a
 * whole 2 MB page) and caps the malloc arenas at {@linkcode HELPER_ARENA_MAX}.
 * Call before GStreamer starts a thread. Never throws: a setting the system
 * refuses only costs memory.
 */
export function applyHelperMemorySettings(): HelperMemorySettings {
  if (Deno.build.os !== "linux") return { thpOff: false, arenaMax: false };
  try {
    const c = libc();
    return {
      thpOff: c.prctl(PR_SET_THP_DISABLE, 1n, 0n, 0n, 0n) === 0,
      // mallopt returns 1 on success.
      arenaMax: c.mallopt(M_ARENA_MAX, HELPER_ARENA_MAX) === 1,
    };
  } catch {
    return { thpOff: false, arenaMax: false };
  }
}

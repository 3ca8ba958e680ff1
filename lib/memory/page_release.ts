/**
 * Hands the pages a process touched only while starting, or while setting a
 * viewer up, back to the kernel once that work is over: read-only file
 * pages no longer in use (module loading, V8's snapshot, TLS and DTLS
 * handshakes, pipeline building: releasable_pages.ts) and the C heap's free
 * memory (`malloc_trim`). What is still in use is mapped again from the page
 * cache at its next touch, a minor fault. docs/MEMORY.md has the
 * measurements.
 *
 * @module
 */

import { libc, readFileNative } from "../../ffi/libc.ts";
import { releasableRanges } from "./releasable_pages.ts";

/** madvise advice: drop this process's mapping of the pages (linux/mman.h). */
const MADV_DONTNEED = 4;

/** How long after the last work that touched one-time pages to release them, in ms. */
export const RELEASE_DELAY_MS = 2000;

/** What one release did. */
export interface PageReleaseResult {
  /** Resident KiB of the file mappings dropped (some come back at their next touch). */
  fileKiB: number;
  /** Whether malloc_trim gave memory back. */
  trimmed: boolean;
}

/**
 * Releases now, the reading of the mappings and every madvise off the JS
 * thread (the kernel takes 10-30 ms for them all; on the JS thread that
 * stalled input); resolves with null where it cannot (not Linux, no FFI
 * permission), never rejects.
 */
export async function releasePages(): Promise<PageReleaseResult | null> {
  if (Deno.build.os !== "linux") return null;
  try {
    const c = libc();
    let fileKiB = 0;
    for (const range of releasableRanges(await readFileNative("/proc/self/smaps"))) {
      const at = Deno.UnsafePointer.create(range.start);
      if (await c.madvise_nb(at, range.length, MADV_DONTNEED) === 0) fileKiB += range.rssKiB;
    }
    return { fileKiB, trimmed: await c.malloc_trim_nb(0n) === 1 };
  } catch {
    return null;
  }
}

/** Releases {@linkcode RELEASE_DELAY_MS} after the last {@linkcode PageRelease.soon}. */
export class PageRelease {
  readonly #log: { debug(message: string, fields: Record<string, unknown>): void };
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `log` gets one debug line per release (the server's LogTape logger, the helper's log). */
  constructor(log: { debug(message: string, fields: Record<string, unknown>): void }) {
    this.#log = log;
  }

  /** One-time work just happened (start-up, a viewer joined or left): release once it is over. */
  soon(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(async () => {
      this.#timer = undefined;
      const released = await releasePages();
      if (released === null) return;
      this.#log.debug("Pages released: {fileKiB} KiB of files, heap trimmed {trimmed}", {
        ...released,
      });
    }, RELEASE_DELAY_MS);
    // Never what keeps a process alive.
    Deno.unrefTimer(this.#timer);
  }

  /** Cancels a release still to come. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

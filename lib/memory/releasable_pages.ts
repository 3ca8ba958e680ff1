/**
 * Which of a process's memory mappings hold only pages it can hand back to
 * the page cache without losing anything: read-only private mappings of
 * files (the Deno binary's code and read-only data, shared libraries) with
 * no private copy of any page. Dropping their pages (`madvise(MADV_DONTNEED)`)
 * only unmaps them; a page touched again is mapped again from the page
 * cache. Pure: parses the text of /proc/PID/smaps.
 *
 * @module
 */

/** A mapping's address range; `start` and `length` in bytes. */
export interface PageRange {
  start: bigint;
  length: bigint;
  /** Resident in this process now, in KiB. */
  rssKiB: number;
  /** The mapped file. */
  path: string;
}

const HEADER = /^([0-9a-f]+)-([0-9a-f]+) ([-rwxsp]{4}) [0-9a-f]+ \S+ (\d+)\s*(.*)$/;

/**
 * The mappings of `smaps` (the text of /proc/PID/smaps) whose pages may be
 * dropped: private (`p`), not writable, of a file (an inode, an absolute
 * path, not a device or memfd), with no anonymous (copied-on-write) page,
 * nothing locked, and something resident.
 */
export function releasableRanges(smaps: string): PageRange[] {
  const out: PageRange[] = [];
  let current: (PageRange & { ok: boolean; anonymous: number; locked: number }) | null = null;
  const finish = () => {
    if (current?.ok && current.anonymous === 0 && current.locked === 0 && current.rssKiB > 0) {
      out.push({
        start: current.start,
        length: current.length,
        rssKiB: current.rssKiB,
        path: current.path,
      });
    }
  };
  for (const line of smaps.split("\n")) {
    const header = HEADER.exec(line);
    if (header) {
      finish();
      const [, from, to, perms, inode, path = ""] = header;
      const start = BigInt(`0x${from}`);
      current = {
        start,
        length: BigInt(`0x${to}`) - start,
        rssKiB: 0,
        path,
        anonymous: 0,
        locked: 0,
        ok: perms![1] === "-" && perms![3] === "p" && inode !== "0" && path.startsWith("/") &&
          !path.startsWith("/dev/") && !path.startsWith("/memfd:") && !path.endsWith(" (deleted)"),
      };
      continue;
    }
    if (current === null) continue;
    const field = /^(Rss|Anonymous|Locked):\s+(\d+) kB/.exec(line);
    if (field?.[1] === "Rss") current.rssKiB = Number(field[2]);
    else if (field?.[1] === "Anonymous") current.anonymous = Number(field[2]);
    else if (field?.[1] === "Locked") current.locked = Number(field[2]);
  }
  finish();
  return out;
}

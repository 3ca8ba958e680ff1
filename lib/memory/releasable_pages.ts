/**
 * Which of a process's memory mappings hold only pages it can hand back to
 * the page cache without losing anything: read-only mappings of files (the
 * Deno binary's code and read-only data, shared libraries, Deno's cache
 * databases) with no private copy of any page. Dropping their pages (`madvise(MADV_DONTNEED)`)
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

/** The number of a `Name:   123 kB` line. */
const kib = (line: string) => parseInt(line.slice(line.indexOf(":") + 1), 10);

const HEADER = /^([0-9a-f]+)-([0-9a-f]+) ([-rwxsp]{4}) [0-9a-f]+ \S+ (\d+)\s*(.*)$/;

/**
 * The mappings of `smaps` (the text of /proc/PID/smaps) whose pages may be
 * dropped: not writable, of a file (an inode, an absolute path, not a
 * device, memfd or SysV segment, not deleted), with no anonymous
 * (copied-on-write) page, nothing locked, and something resident.
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
    // Field lines start with a capital letter; a mapping's header with a hex digit.
    const first = line.charCodeAt(0);
    const header = first >= 0x41 && first <= 0x5a ? null : HEADER.exec(line);
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
        ok: perms![1] === "-" && inode !== "0" && path.startsWith("/") &&
          !path.startsWith("/dev/") && !path.startsWith("/memfd:") && !path.startsWith("/SYSV") &&
          !path.endsWith(" (deleted)"),
      };
      continue;
    }
    if (current === null) continue;
    if (line.startsWith("Rss:")) current.rssKiB = kib(line);
    else if (line.startsWith("Anonymous:")) current.anonymous = kib(line);
    else if (line.startsWith("Locked:")) current.locked = kib(line);
  }
  finish();
  return out;
}

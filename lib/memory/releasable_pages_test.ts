import assert from "node:assert/strict";
import { releasableRanges } from "./releasable_pages.ts";

/** One smaps entry: the header line and its fields (kB). */
function entry(header: string, o: { rss?: number; anonymous?: number; locked?: number } = {}) {
  return [
    header,
    "Size:                 64 kB",
    `Rss:                  ${o.rss ?? 40} kB`,
    "Pss:                  20 kB",
    `Anonymous:            ${o.anonymous ?? 0} kB`,
    `Locked:               ${o.locked ?? 0} kB`,
    "VmFlags: rd mr mw me",
  ].join("\n");
}

Deno.test("releasableRanges() keeps read-only file mappings with no private copy", () => {
  const smaps = [
    entry("55eff293c000-55eff293e000 r--p 00000000 fe:00 260386   /usr/bin/deno"),
    entry("55eff293e000-55eff2944000 r-xp 00002000 fe:00 260386   /usr/bin/deno", { rss: 24 }),
    // Written: its data would be lost.
    entry("55eff2944000-55eff2946000 rw-p 00008000 fe:00 260386   /usr/bin/deno"),
    // Read-only now, but relocated at load: private copies.
    entry("55eff2946000-55eff2947000 r--p 0000a000 fe:00 260386   /usr/bin/deno", { anonymous: 4 }),
    // Read-only and shared (a cache's database): its pages are the page cache's anyway.
    entry("7f0000000000-7f0000001000 r--s 00000000 fe:00 99      /var/cache/db"),
    // Writable shared, anonymous, special, locked, deleted, memfd, SysV, device, nothing resident.
    entry("7f000000a000-7f000000b000 rw-s 00000000 fe:00 98      /var/cache/db-shm"),
    entry("7f0000001000-7f0000002000 r--p 00000000 00:00 0 "),
    entry("7ffd1000000-7ffd1002000 r-xp 00000000 00:00 0        [vdso]"),
    entry("7f0000003000-7f0000004000 r-xp 00000000 fe:00 77      /usr/lib/liblocked.so", {
      locked: 4,
    }),
    entry("7f0000004000-7f0000005000 r-xp 00000000 fe:00 78      /usr/lib/libold.so (deleted)"),
    entry("7f0000005000-7f0000006000 r--p 00000000 00:01 79      /memfd:skerry-capture"),
    entry("7f000000b000-7f000000c000 r--s 00000000 00:01 83      /SYSV00000000"),
    entry("7f0000006000-7f0000007000 r--p 00000000 00:05 80      /dev/dri/card0"),
    entry("7f0000007000-7f0000008000 r--p 00000000 fe:00 81      /usr/lib/libcold.so", { rss: 0 }),
    entry("7f0000008000-7f000000c000 r-xp 00001000 fe:00 82      /usr/lib/libx264.so.164"),
  ].join("\n");
  assert.deepEqual(releasableRanges(smaps), [
    { start: 0x55eff293c000n, length: 0x2000n, rssKiB: 40, path: "/usr/bin/deno" },
    { start: 0x55eff293e000n, length: 0x6000n, rssKiB: 24, path: "/usr/bin/deno" },
    { start: 0x7f0000000000n, length: 0x1000n, rssKiB: 40, path: "/var/cache/db" },
    { start: 0x7f0000008000n, length: 0x4000n, rssKiB: 40, path: "/usr/lib/libx264.so.164" },
  ]);
});

Deno.test("releasableRanges() of no mapping is none", () => {
  assert.deepEqual(releasableRanges(""), []);
});

/**
 * `--enable-webrtc-statistics`: one CSV file per viewer in
 * `--webrtc-statistics-dir`, one row per helper report (about once a
 * second) with the helper's numbers and the browser's latest ones.
 *
 * Files are named `skerry-webrtc-stats-<peer>-<UTC time>.csv`, created
 * exclusively (an existing file or symlink of that name is never followed,
 * which matters in a shared `/tmp`) with mode 0600, and stop growing at
 * `maxBytes`. A write error is logged once and ends that viewer's file.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { ClientStats, PeerStats } from "../protocol/stats.ts";
import type { ViewerMonitor } from "./viewer_monitor.ts";

const log = getLogger(["skerry", "statistics"]);

/** The helper's columns, in file order (prefixed `helper_` in the header). */
const HELPER_COLUMNS: readonly (keyof PeerStats)[] = [
  "framesSent",
  "packetsSent",
  "bytesSent",
  "sendBitsPerSecond",
  "packetsLost",
  "fractionLost",
  "nackCount",
  "pliCount",
  "firCount",
  "roundTripTimeMs",
  "jitterMs",
  "availableBitsPerSecond",
  "localCandidateType",
  "remoteCandidateType",
];

/** The browser's columns, in file order (prefixed `browser_` in the header). */
const BROWSER_COLUMNS: readonly (keyof ClientStats)[] = [
  "fps",
  "framesDecoded",
  "framesDropped",
  "decodeMs",
  "jitterBufferMs",
  "jitterMs",
  "packetsLost",
  "receiveBitsPerSecond",
  "roundTripTimeMs",
  "latencyMs",
  "latencySource",
];

/** The header line of every file. */
export const CSV_HEADER = [
  "time",
  ...HELPER_COLUMNS.map((c) => `helper_${c}`),
  ...BROWSER_COLUMNS.map((c) => `browser_${c}`),
].join(",") + "\n";

/** Browser numbers older than this are left out of a row, in ms. */
const BROWSER_STALE_MS = 5000;

/** One CSV row (with its newline) from the helper's and, if any, the browser's numbers. */
export function csvRow(time: Date, helper: PeerStats, browser: ClientStats | undefined): string {
  const cell = (v: number | string | undefined) => v === undefined ? "" : String(v);
  return [
    time.toISOString(),
    ...HELPER_COLUMNS.map((c) => cell(helper[c])),
    ...BROWSER_COLUMNS.map((c) => cell(browser?.[c])),
  ].join(",") + "\n";
}

/** The file name for a viewer that joined at `time`. */
export function csvFileName(peer: string, time: Date): string {
  const stamp = time.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `skerry-webrtc-stats-${peer}-${stamp}.csv`;
}

/** Options of {@linkcode StatisticsCsv}. */
export interface StatisticsCsvOptions {
  /** Directory of the files (must exist). */
  dir: string;
  /** Largest file, in bytes; later rows are dropped. Default 64 MiB (about 2 days at 1 row/s). */
  maxBytes?: number;
  /** The clock; default `() => new Date()`. */
  now?: () => Date;
}

interface ViewerFile {
  path: string;
  /** Writes in order, one after the other. */
  chain: Promise<void>;
  file: Deno.FsFile | null;
  bytes: number;
  failed: boolean;
  browser?: { stats: ClientStats; at: number };
}

/** Writes each viewer's statistics to a CSV file of its own. */
export class StatisticsCsv implements ViewerMonitor {
  readonly #options: StatisticsCsvOptions;
  readonly #files = new Map<string, ViewerFile>();
  readonly #encoder = new TextEncoder();

  constructor(options: StatisticsCsvOptions) {
    this.#options = options;
  }

  viewerJoined(peer: string): void {
    const now = this.#now();
    const path = `${this.#options.dir.replace(/\/$/, "")}/${csvFileName(peer, now)}`;
    const entry: ViewerFile = {
      path,
      chain: Promise.resolve(),
      file: null,
      bytes: 0,
      failed: false,
    };
    this.#files.set(peer, entry);
    this.#write(entry, CSV_HEADER, async () => {
      entry.file = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
      log.info("Writing statistics of {peer} to {path}", { peer, path });
    });
  }

  viewerLeft(peer: string): void {
    const entry = this.#files.get(peer);
    if (!entry) return;
    this.#files.delete(peer);
    entry.chain = entry.chain.then(() => entry.file?.close()).catch(() => {});
  }

  peerStats(peer: string, stats: PeerStats): void {
    const entry = this.#files.get(peer);
    if (!entry) return;
    const now = this.#now();
    const browser = entry.browser && now.getTime() - entry.browser.at <= BROWSER_STALE_MS
      ? entry.browser.stats
      : undefined;
    this.#write(entry, csvRow(now, stats, browser));
  }

  clientStats(peer: string, stats: ClientStats): void {
    const entry = this.#files.get(peer);
    if (entry) entry.browser = { stats, at: this.#now().getTime() };
  }

  /** Resolves once every write queued so far is done (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.#files.values()].map((e) => e.chain));
  }

  /** Closes every file, once every write queued so far is done. */
  async close(): Promise<void> {
    const entries = [...this.#files.values()];
    for (const peer of [...this.#files.keys()]) this.viewerLeft(peer);
    await Promise.all(entries.map((e) => e.chain));
  }

  #write(entry: ViewerFile, text: string, before?: () => Promise<void>): void {
    const bytes = this.#encoder.encode(text);
    if (entry.failed || entry.bytes + bytes.length > (this.#options.maxBytes ?? 64 << 20)) return;
    entry.bytes += bytes.length;
    entry.chain = entry.chain.then(async () => {
      if (entry.failed) return;
      await before?.();
      let at = 0;
      while (at < bytes.length) at += await entry.file!.write(bytes.subarray(at));
    }).catch((error) => {
      entry.failed = true;
      log.warn("Cannot write statistics to {path}: {error}", {
        path: entry.path,
        error: (error as Error).message,
      });
    });
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }
}

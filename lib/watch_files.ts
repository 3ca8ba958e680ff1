/**
 * Tells when files may have changed: watches the directories holding them
 * (so a file replaced by a rename or a symlink swap, as certbot and
 * Kubernetes secrets do, is seen too; a directory this process cannot read is
 * replaced by the file itself) and also looks every `pollMs` in case the
 * file system sends no events (network file systems). The callback decides
 * whether anything really changed.
 *
 * @module
 */

/** Options of {@linkcode watchFiles}. */
export interface WatchFilesOptions {
  /** Quiet time after the last event before calling back, in ms. Default 500. */
  debounceMs?: number;
  /** Calls back at least this often, in ms. Default 60000. */
  pollMs?: number;
  /** Told when a path cannot be watched (polling still covers it). */
  onWatchError?(path: string, error: Error): void;
}

/** A running watch; `close()` stops it. */
export interface FileWatch {
  close(): void;
}

/** Calls `onChange` (debounced, never overlapping itself) when `paths` may have changed. */
export function watchFiles(
  paths: readonly string[],
  onChange: () => Promise<void> | void,
  options: WatchFilesOptions = {},
): FileWatch {
  const debounceMs = options.debounceMs ?? 500;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    do {
      again = false;
      running = Promise.resolve().then(onChange).catch(() => {});
      await running;
    } while (again && !closed);
    running = undefined;
  };
  const schedule = () => {
    clearTimeout(timer);
    if (!closed) timer = setTimeout(run, debounceMs);
  };
  const watchers: Deno.FsWatcher[] = [];
  for (const dir of new Set(paths.map(dirname))) {
    const watcher = tryWatch(dir) ??
      paths.filter((p) => dirname(p) === dir).map(tryWatch).find((w) => w !== undefined);
    if (!watcher) {
      options.onWatchError?.(dir, new Error(`cannot watch ${dir} or its files`));
      continue;
    }
    watchers.push(watcher);
    (async () => {
      try {
        for await (const _event of watcher) schedule();
      } catch {
        // closed
      }
    })();
  }
  const poll = setInterval(schedule, options.pollMs ?? 60_000);
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      clearInterval(poll);
      for (const watcher of watchers) {
        try {
          watcher.close();
        } catch {
          // already closed
        }
      }
    },
  };
}

function tryWatch(path: string): Deno.FsWatcher | undefined {
  try {
    return Deno.watchFs(path, { recursive: false });
  } catch {
    return undefined;
  }
}

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? (i === 0 ? "/" : ".") : path.slice(0, i);
}

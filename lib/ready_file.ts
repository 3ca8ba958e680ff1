/**
 * `--app-wait-ready`: streaming starts once the application says it is ready
 * by creating a file (the seed's `--app_ready_file`).
 *
 * @module
 */

/** Resolves once `path` exists (no time limit: the app decides when it is ready). */
export async function waitForReadyFile(
  path: string,
  log: { info(message: string, props: Record<string, unknown>): void },
): Promise<void> {
  log.info("Waiting for {path} before streaming (--app-wait-ready)", { path });
  const { pollUntil } = await import("./poll.ts");
  const exists = () => Deno.lstat(path).then(() => true, () => false);
  await pollUntil(exists, { what: path, timeoutMs: Infinity, intervalMs: 200 });
}

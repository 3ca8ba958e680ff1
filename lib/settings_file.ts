/**
 * The `--json-config` file, written: when a viewer changes a setting that
 * the file remembers (`PERSISTED_SETTINGS` in lib/config.ts: frame rate and
 * video bitrate here), the new value is stored under selkies-gstreamer's
 * name, and the next start takes it (its values beat the flags, as in
 * selkies-gstreamer). Keys it does not know are kept as they were.
 *
 * Writes go one at a time, each to a temporary file in the same directory
 * renamed over the old one, so a crash never leaves half a file.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { type Config, PERSISTED_SETTINGS } from "./config.ts";

const log = getLogger(["skerry", "settings"]);

/** Remembers changed settings in one `--json-config` file. */
export class SettingsFile {
  readonly #path: string;
  #queue: Promise<void> = Promise.resolve();
  #lastError = "";

  constructor(path: string) {
    this.#path = path;
  }

  /**
   * Stores `values` (by their option key, e.g. `videoBitrate`); values of
   * settings the file does not remember are skipped. Resolves once written;
   * a failure is logged (once per reason), never thrown.
   */
  remember(values: Partial<Record<keyof Config, string | number | boolean>>): Promise<void> {
    const entries = Object.entries(PERSISTED_SETTINGS)
      .filter(([, key]) => values[key] !== undefined)
      .map(([name, key]) => [name, values[key]!] as const);
    if (entries.length === 0) return this.#queue;
    this.#queue = this.#queue.then(() => this.#write(Object.fromEntries(entries)));
    return this.#queue;
  }

  async #write(changes: Record<string, string | number | boolean>): Promise<void> {
    try {
      let saved: Record<string, unknown> = {};
      try {
        const parsed = JSON.parse(await Deno.readTextFile(this.#path));
        if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) saved = parsed;
      } catch (error) {
        // Not written yet, or not JSON (start-up said so): start from the changes.
        if (!(error instanceof Deno.errors.NotFound || error instanceof SyntaxError)) throw error;
      }
      const temporary = `${this.#path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
      await Deno.writeTextFile(temporary, JSON.stringify({ ...saved, ...changes }, null, 2) + "\n");
      try {
        await Deno.rename(temporary, this.#path);
      } catch (error) {
        await Deno.remove(temporary).catch(() => {});
        throw error;
      }
      log.debug("Remembered {changes} in {path}", { changes, path: this.#path });
      this.#lastError = "";
    } catch (error) {
      const reason = (error as Error).message;
      if (reason === this.#lastError) return;
      this.#lastError = reason;
      log.warn("Cannot remember settings in {path}: {reason}", { path: this.#path, reason });
    }
  }
}

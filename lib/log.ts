/**
 * Logging set-up: one console sink on stderr, one category per module under
 * `skerry`, structured fields rendered as text.
 *
 * @module
 */

import { configure, getConsoleSink, type LogLevel as TapeLevel } from "@logtape/logtape";
import type { LogLevel } from "./config.ts";

/** Configures LogTape for the whole process; call once, first thing. */
export async function setupLogging(level: LogLevel): Promise<void> {
  await configure({
    reset: true,
    sinks: { console: getConsoleSink() },
    loggers: [
      { category: ["skerry"], lowestLevel: level as TapeLevel, sinks: ["console"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
    ],
  });
}

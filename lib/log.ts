/**
 * Logging set-up: one sink writing text lines to stderr (stdout is for the
 * URL and the generated password), one category per module under `skerry`,
 * structured fields rendered bare (strings without quotes).
 *
 * @module
 */

import {
  configure,
  getTextFormatter,
  type LogLevel as TapeLevel,
  type Sink,
} from "@logtape/logtape";
import type { LogLevel } from "./config.ts";

/** A sink that writes each record as one line on stderr. */
function stderrSink(): Sink {
  const format = getTextFormatter({ timestamp: "time", value: "bare" });
  const encoder = new TextEncoder();
  return (record) => {
    try {
      Deno.stderr.writeSync(encoder.encode(format(record)));
    } catch {
      // stderr closed: nothing sensible to do
    }
  };
}

/** Configures LogTape for the whole process; call once, first thing. */
export async function setupLogging(level: LogLevel): Promise<void> {
  await configure({
    reset: true,
    sinks: { stderr: stderrSink() },
    loggers: [
      { category: ["skerry"], lowestLevel: level as TapeLevel, sinks: ["stderr"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] },
    ],
  });
}

/**
 * Logging set-up: one sink writing lines to stderr (stdout is for the URL and
 * the generated password), one category per module under `skerry`. Lines are
 * text for people (structured fields rendered bare, strings without quotes)
 * or, with `--log-format=json`, one JSON object per line for log collectors.
 *
 * @module
 */

import {
  configure,
  getTextFormatter,
  type LogLevel as TapeLevel,
  type LogRecord,
  type Sink,
} from "@logtape/logtape";
import type { LogFormat, LogLevel } from "./config.ts";

/** Makes values JSON can hold: errors by name and message, big integers as text. */
function jsonValue(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === "bigint") return value.toString();
  return value;
}

/** A value inside the message: strings as they are, anything else as JSON. */
function bare(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value, jsonValue) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * One record as one line of JSON: `time` (ISO 8601, UTC), `level` (debug,
 * info, warning, error), `category` (dotted, e.g. `skerry.cli`), `message`
 * (the template with its values in place) and `fields` (the structured
 * values). Ends with a newline; never spans lines.
 */
export function jsonLine(record: LogRecord): string {
  const line = {
    time: new Date(record.timestamp).toISOString(),
    level: record.level,
    category: record.category.join("."),
    message: record.message.map((part, i) => i % 2 === 0 ? String(part) : bare(part)).join(""),
    fields: record.properties as Record<string, unknown>,
  };
  try {
    return `${JSON.stringify(line, jsonValue)}\n`;
  } catch {
    // A cyclic field: keep the line, with every field as text.
    const fields = Object.fromEntries(Object.entries(line.fields).map(([k, v]) => [k, bare(v)]));
    return `${JSON.stringify({ ...line, fields })}\n`;
  }
}

/** A sink that writes each record as one line on stderr. */
function stderrSink(format: (record: LogRecord) => string): Sink {
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
export async function setupLogging(level: LogLevel, format: LogFormat = "text"): Promise<void> {
  const formatter = format === "json"
    ? jsonLine
    : getTextFormatter({ timestamp: "time", value: "bare" });
  await configure({
    reset: true,
    sinks: { stderr: stderrSink(formatter) },
    loggers: [
      { category: ["skerry"], lowestLevel: level as TapeLevel, sinks: ["stderr"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] },
    ],
  });
}

/**
 * The helper's log records: one JSON object per line on its stderr, read by
 * the server into its own log with the fields intact (docs/PROTOCOL.md,
 * "Helper"). Anything else on that stream (GStreamer's or GLib's own
 * messages) is not a record and stays plain text.
 *
 * A record is `{"level":"warning","msg":"Cannot add ICE address {address}",
 * "address":"10.0.0.7"}`: `level` and `msg` (a LogTape message template whose
 * `{name}` placeholders are the other fields), then the fields.
 *
 * @module
 */

/** Levels a helper record may have (LogTape's names). */
const HELPER_LOG_LEVELS = ["debug", "info", "warning", "error"] as const;
/** One of {@linkcode HELPER_LOG_LEVELS}. */
export type HelperLogLevel = typeof HELPER_LOG_LEVELS[number];

/** One log record of the helper. */
export interface HelperLogRecord {
  level: HelperLogLevel;
  /** Message template; `{name}` refers to `fields.name`. */
  msg: string;
  /** Structured values, for example `peer`, `element` (a GStreamer object path). */
  fields: Record<string, unknown>;
}

/** Longest record line either side handles, in characters. */
export const MAX_HELPER_LOG_LINE = 8192;

/** One record as a line (without the newline); `fields` may not use `level` or `msg`. */
export function formatHelperLog(record: HelperLogRecord): string {
  return JSON.stringify({ ...record.fields, level: record.level, msg: record.msg });
}

/** Reads one stderr line as a record, or returns null when it is not one. */
export function parseHelperLog(line: string): HelperLogRecord | null {
  if (!line.startsWith("{") || line.length > MAX_HELPER_LOG_LINE) return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const { level, msg, ...fields } = value as Record<string, unknown>;
  if (!HELPER_LOG_LEVELS.includes(level as HelperLogLevel) || typeof msg !== "string") return null;
  return { level: level as HelperLogLevel, msg, fields };
}

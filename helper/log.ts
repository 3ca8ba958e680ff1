/**
 * The helper's log: one JSON record per line on stderr
 * (lib/protocol/helper_log.ts), which the server copies into its own log
 * with the fields intact. Messages are templates; values go in fields.
 *
 * @module
 */

import { formatHelperLog, type HelperLogLevel } from "../lib/protocol/helper_log.ts";

/** Longest string field written, in characters (a record must stay one short line). */
const MAX_FIELD = 1000;

const encoder = new TextEncoder();

function write(level: HelperLogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  const clipped = Object.fromEntries(
    Object.entries(fields).map((
      [k, v],
    ) => [k, typeof v === "string" && v.length > MAX_FIELD ? `${v.slice(0, MAX_FIELD)}…` : v]),
  );
  try {
    Deno.stderr.writeSync(encoder.encode(formatHelperLog({ level, msg, fields: clipped }) + "\n"));
  } catch {
    // stderr closed: the server is gone, nothing to tell
  }
}

/** Log functions by level: `log.warning("ICE for unknown peer {peer}", { peer })`. */
export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write("debug", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warning: (msg: string, fields?: Record<string, unknown>) => write("warning", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
};

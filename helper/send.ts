/**
 * The helper's protocol output: one JSON message per line on stdout
 * (docs/PROTOCOL.md, "Helper").
 *
 * @module
 */

import type { FromHelper } from "../lib/protocol/helper.ts";

const encoder = new TextEncoder();

/** Writes `message` as one line on stdout. */
export function send(message: FromHelper): void {
  writeLine(JSON.stringify(message));
}

/** Writes `text` and a newline on stdout, whole (a short write is continued). */
export function writeLine(text: string): void {
  const bytes = encoder.encode(text + "\n");
  let written = 0;
  while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
}

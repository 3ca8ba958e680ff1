/**
 * The helper's one-shot `--probe` form: which GStreamer elements this
 * installation has, looked up in its registry in this process. (The server
 * asks for it through lib/probe.ts, so it never loads GStreamer itself.)
 *
 * @module
 */

import { elementExists } from "../ffi/gst_pipeline.ts";
import type { ElementReport } from "../lib/protocol/helper.ts";

/** Splits `names` into the elements GStreamer's registry has and the ones it lacks. */
export function lookupElements(names: readonly string[]): ElementReport {
  const report: ElementReport = { available: [], missing: [] };
  for (const name of names) (elementExists(name) ? report.available : report.missing).push(name);
  return report;
}

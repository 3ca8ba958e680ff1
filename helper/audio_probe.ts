/**
 * The helper's one-shot `--probe-audio` form: whether sound can be streamed
 * here, asked once when the server starts. It looks up the audio elements
 * and opens a `pulsesrc` on the default sink's monitor (honouring
 * `PULSE_SERVER`, client.conf, and the X root window's property, as
 * libpulse does), which connects to the sound server.
 *
 * @module
 */

import { gst, GST_STATE_NULL, GST_STATE_READY } from "../ffi/gst.ts";
import { busPop, parseLaunch } from "../ffi/gst_pipeline.ts";
import type { AudioReport } from "../lib/protocol/helper.ts";
import { lookupElements } from "./probe.ts";

/** How long to wait for pulsesrc's own error message after a failed start, in ns. */
const ERROR_WAIT_NS = 200_000_000n;

/**
 * Which of `elements` exist, and whether PulseAudio answers (when
 * `pulsesrc` is among the available ones).
 */
export async function probeAudio(elements: readonly string[]): Promise<AudioReport> {
  const report = lookupElements(elements);
  if (!report.available.includes("pulsesrc")) {
    return { ...report, reachable: false, reason: "pulsesrc is missing" };
  }
  const lib = gst();
  const pipeline = parseLaunch("pulsesrc device=@DEFAULT_MONITOR@ ! fakesink");
  try {
    // pulsesrc connects to the server on its way to READY.
    const ok = await lib.gst_element_set_state(pipeline, GST_STATE_READY);
    if (ok) return { ...report, reachable: true };
    const bus = lib.gst_element_get_bus(pipeline)!;
    const message = await busPop(bus, { timeoutNs: ERROR_WAIT_NS });
    lib.gst_object_unref(bus);
    return { ...report, reachable: false, reason: message?.text ?? "cannot connect" };
  } finally {
    await lib.gst_element_set_state(pipeline, GST_STATE_NULL);
    lib.gst_object_unref(pipeline);
  }
}

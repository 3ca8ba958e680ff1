/**
 * `skerry helper`: the media helper, the only part of Skerry that loads
 * GStreamer. It builds the session's pipeline through GStreamer FFI, adds one
 * `queue ! webrtcbin` branch per viewer, and bridges webrtcbin's offer/answer,
 * ICE candidates and data channels to the server as JSON lines on
 * stdin/stdout; its log goes to stderr as JSON records (docs/PROTOCOL.md,
 * "Helper").
 *
 * Threading rules (ffi/gst.ts): webrtcbin signals run on GStreamer threads
 * that block until the JS handler returns, so handlers only copy their
 * arguments and queue the real work; every call that can wait on a GStreamer
 * lock is a `nonblocking` FFI call.
 *
 * @module
 */

import { gst } from "../ffi/gst.ts";
import { makeDtlsCertificate } from "../ffi/gst_webrtc.ts";
import {
  HelperExit,
  MAX_HELPER_LINE,
  parseToHelper,
  type ToHelper,
} from "../lib/protocol/helper.ts";
import { readLines } from "../lib/read_lines.ts";
import { log } from "./log.ts";
import { MediaHelper } from "./media_helper.ts";
import { probeAudio } from "./audio_probe.ts";
import { lookupElements } from "./probe.ts";
import { send, writeLine } from "./send.ts";
import { turnOffHugePages } from "./memory_settings.ts";

/**
 * Runs the helper until `stop`, stdin EOF or SIGTERM; resolves with the exit
 * code. `args` are the arguments after `helper`: none, `--probe a,b,c`
 * (prints which elements exist as one JSON line and exits), or
 * `--probe-audio a,b,c` (the same, and whether PulseAudio answers).
 */
export async function runHelper(args: string[]): Promise<number> {
  // Before GStreamer and x264 allocate: docs/MEMORY.md.
  const hugePagesOff = turnOffHugePages();
  try {
    gst();
  } catch (error) {
    send({ type: "error", fatal: true, message: (error as Error).message });
    return HelperExit.PipelineFailed;
  }
  if (args[0] === "--probe" && args.length <= 2) {
    writeLine(JSON.stringify(lookupElements((args[1] ?? "").split(",").filter(Boolean))));
    return HelperExit.Ok;
  }
  if (args[0] === "--probe-audio" && args.length <= 2) {
    writeLine(JSON.stringify(await probeAudio((args[1] ?? "").split(",").filter(Boolean))));
    return HelperExit.Ok;
  }
  if (args.length > 0) {
    send({ type: "error", fatal: true, message: `Unknown helper arguments: ${args.join(" ")}` });
    return HelperExit.Usage;
  }

  // webrtcbin's DTLS certificate is an RSA-2048 key generated once per process
  // when the first dtlsdec is made (0.1-1.5 s). Make one now, on a worker
  // thread, while the server has not yet sent "start".
  const warm = makeDtlsCertificate().then(() => log.debug("DTLS certificate ready"));
  const lines = readLines(Deno.stdin.readable, MAX_HELPER_LINE)[Symbol.asyncIterator]();
  const first = await lines.next();
  let spec: ToHelper;
  try {
    if (first.done) return HelperExit.Ok;
    spec = parseToHelper(first.value);
    // A standby helper that is no longer needed.
    if (spec.type === "stop") return HelperExit.Ok;
    if (spec.type !== "start") throw new RangeError(`expected "start", received "${spec.type}"`);
  } catch (error) {
    send({ type: "error", fatal: true, message: `Cannot start: ${(error as Error).message}` });
    return HelperExit.Usage;
  }

  // Not before: a probe's caller shows the first line of stderr when the probe fails.
  log.debug("Transparent huge pages off: {hugePagesOff}", { hugePagesOff });
  const helper = new MediaHelper(spec, warm);
  const onSignal = () => void helper.stop(HelperExit.Ok);
  Deno.addSignalListener("SIGTERM", onSignal);
  Deno.addSignalListener("SIGINT", onSignal);
  await helper.start();
  void serve(lines, helper);
  const code = await helper.done;
  Deno.removeSignalListener("SIGTERM", onSignal);
  Deno.removeSignalListener("SIGINT", onSignal);
  return code;
}

/** Hands every later stdin line to `helper`; stdin closing means the server is gone. */
async function serve(lines: AsyncIterator<string>, helper: MediaHelper): Promise<void> {
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    let message: ToHelper;
    try {
      message = parseToHelper(next.value);
    } catch (error) {
      log.warning("Ignoring a line from the server: {reason}", {
        reason: (error as Error).message,
      });
      continue;
    }
    try {
      helper.handle(message);
    } catch (error) {
      log.error("Cannot handle {type}: {error}", {
        type: message.type,
        error: (error as Error).message,
      });
    }
  }
  await helper.stop(HelperExit.Ok);
}

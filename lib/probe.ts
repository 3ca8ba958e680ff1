/**
 * Which GStreamer elements this machine has, asked of a helper process so the
 * server itself never loads GStreamer.
 *
 * @module
 */

import { childCommand } from "./child_command.ts";
import { helperCommand } from "./helper_process.ts";
import { type ElementReport, parseElementReport } from "./protocol/helper.ts";

/**
 * Runs `skerry helper --probe a,b,c` (the helper looks the elements up in
 * GStreamer's registry) and returns which exist. Throws an `Error` when the
 * helper cannot answer (for example GStreamer is not installed).
 */
export async function probeElements(
  elements: string[],
  argv: string[] = helperCommand(),
): Promise<ElementReport> {
  const [program, ...args] = argv;
  const output = await childCommand(program!, {
    args: [...args, "--probe", elements.join(",")],
    role: "helper",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout).trim();
  const last = text.split("\n").pop() ?? "";
  try {
    return parseElementReport(last);
  } catch (error) {
    const stderr = new TextDecoder().decode(output.stderr).trim().split("\n")[0] ?? "";
    throw new Error(
      `Cannot probe GStreamer elements: ${(error as Error).message}${stderr ? ` (${stderr})` : ""}`,
    );
  }
}

/** Debian packages that provide each element, for error messages. */
export const ELEMENT_PACKAGES: Record<string, string> = {
  ximagesrc: "gstreamer1.0-x",
  appsrc: "gstreamer1.0-plugins-base",
  videoconvert: "gstreamer1.0-plugins-base",
  x264enc: "gstreamer1.0-plugins-ugly",
  openh264enc: "gstreamer1.0-plugins-bad",
  vp8enc: "gstreamer1.0-plugins-good",
  vp9enc: "gstreamer1.0-plugins-good",
  rtph264pay: "gstreamer1.0-plugins-good",
  rtpvp8pay: "gstreamer1.0-plugins-good",
  rtpvp9pay: "gstreamer1.0-plugins-good",
  av1enc: "gstreamer1.0-plugins-bad",
  rtpav1pay: "GStreamer 1.24 or later (gstreamer1.0-plugins-good), or gst-plugins-rs",
  tee: "libgstreamer1.0-0",
  webrtcbin: "gstreamer1.0-plugins-bad and gstreamer1.0-nice",
  nicesrc: "gstreamer1.0-nice",
  errorignore: "gstreamer1.0-plugins-bad",
  queue: "libgstreamer1.0-0",
  cudaupload: "gstreamer1.0-plugins-bad with an NVIDIA driver",
  cudaconvert: "gstreamer1.0-plugins-bad with an NVIDIA driver",
  nvh264enc: "gstreamer1.0-plugins-bad with an NVIDIA driver",
};

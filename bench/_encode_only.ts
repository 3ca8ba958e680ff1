/**
 * The encode rate of an encoder that cannot stream here (av1enc: GStreamer
 * 1.22 has no AV1 RTP payloader): the encode tier's own recipe, up to the
 * encoder, fed by the same live capture at the same frame rate, into a
 * fakesink. The leaky queue before the encoder drops what it cannot keep up
 * with, as in a real session, so frames out per second is the rate a viewer
 * would get.
 *
 * @module
 */

import { encodeTier } from "../pipelines/video.ts";
import type { Encoder } from "../lib/protocol/encoders.ts";
import { cpuTicks, TICKS_PER_SECOND } from "./_proc.ts";

/** What one encode-only run measured. */
export interface EncodeOnlyResult {
  /** Frames encoded per second. */
  fps: number;
  /** CPU of the GStreamer process, in % of one core. */
  cpuPercent: number;
}

/**
 * Captures `display` at `framerate` for `seconds` through `encoder`'s tier
 * recipe (payloader and after cut off) and counts the frames encoded.
 */
export async function encodeOnly(
  encoder: Encoder,
  display: { name: string; env: Readonly<Record<string, string>> },
  { framerate, seconds, bitrateKbps }: { framerate: number; seconds: number; bitrateKbps: number },
): Promise<EncodeOnlyResult> {
  const tier = encodeTier({ encoder, framerate, bitrateKbps, keyframeDistance: -1, threads: 2 });
  // Everything up to and including the frame counter after the encoder.
  const encodePart = tier.slice(0, tier.indexOf(" ! rtp"));
  const description = [
    `ximagesrc display-name=${display.name} show-pointer=false use-damage=false`,
    `num-buffers=${framerate * seconds}`,
    `! video/x-raw,framerate=${framerate}/1 ! ${encodePart} ! fakesink sync=false`,
  ].join(" ").replace(
    "identity name=framecount silent=true",
    "identity name=framecount silent=false",
  );
  const child = new Deno.Command("gst-launch-1.0", {
    args: ["-v", ...description.split(" ")],
    env: { ...display.env },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const started = performance.now();
  let frames = 0;
  let ticks = 0;
  const watch = setInterval(() => ticks = Math.max(ticks, cpuTicks(child.pid)), 200);
  const decoder = new TextDecoder();
  let tail = "";
  for await (const chunk of child.stdout) {
    const text = tail + decoder.decode(chunk, { stream: true });
    const lines = text.split("\n");
    tail = lines.pop() ?? "";
    frames += lines.filter((l) => l.includes("framecount: last-message = chain")).length;
  }
  clearInterval(watch);
  const elapsed = (performance.now() - started) / 1000;
  const status = await child.status;
  if (!status.success) throw new Error(`gst-launch-1.0 failed for ${encoder} (${status.code})`);
  return { fps: frames / elapsed, cpuPercent: ticks / TICKS_PER_SECOND / elapsed * 100 };
}

/**
 * Every encoder recipe of pipelines/video.ts that this machine's GStreamer
 * supports, run for real with gst-launch-1.0 on a real Xvfb.
 */

import assert from "node:assert/strict";
import { startXvfb } from "../lib/display.ts";
import { probeElements } from "../lib/probe.ts";
import { ENCODERS } from "../lib/protocol/encoders.ts";
import { requiredElements, videoPipeline, type VideoPipelineOptions } from "../pipelines/video.ts";

const BASE: VideoPipelineOptions = {
  display: ":5",
  encoder: "x264enc",
  framerate: 30,
  bitrateKbps: 8000,
  keyframeDistance: -1,
  showPointer: true,
  threads: 2,
  // gst-launch runs the pipeline alone: nothing would feed the damage capture's appsrc.
  capture: "ximagesrc",
};

Deno.test("every encoder pipeline this machine supports runs on real GStreamer", async () => {
  const display = await startXvfb({ width: 320, height: 240 });
  try {
    for (const encoder of ENCODERS) {
      const { missing } = await probeElements(requiredElements(encoder, "ximagesrc"));
      // GStreamer 1.22 has no AV1 RTP payloader: the encoder alone still runs.
      const encodeOnly = missing.length > 0 && missing.every((e) => e.startsWith("rtp"));
      if (missing.length > 0 && !encodeOnly) {
        assert.equal(encoder, "nvh264enc", `${encoder} lacks ${missing}`);
        continue;
      }
      const description = videoPipeline({ ...BASE, display: display.name, encoder })
        .replace(encodeOnly ? / ! rtp.*$/ : / ! tee name=.*$/, " ! fakesink")
        .replace("use-damage=false", "use-damage=false num-buffers=10");
      const out = await new Deno.Command("gst-launch-1.0", {
        args: ["-q", ...description.split(" ")],
        env: display.env,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, `${encoder}: ${stderr}`);
      assert.doesNotMatch(
        stderr,
        /WARNING: erroneous pipeline|no property|could not set property/i,
      );
    }
  } finally {
    await display.stop();
  }
});

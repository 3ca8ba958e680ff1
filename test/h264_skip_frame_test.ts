/**
 * helper/encode/h264_skip_frame.ts against real parts: libx264's stream
 * (the tier's settings) with a hand-written skip picture after every other
 * encoded picture, decoded by a real H.264 decoder (GStreamer's
 * openh264dec, through gst-launch-1.0): every picture decodes, and each
 * skip picture shows exactly the picture before it.
 */

import assert from "node:assert/strict";
import { X264Encoder } from "../ffi/x264.ts";
import { SkipFrameWriter } from "../helper/encode/h264_skip_frame.ts";
import { fillMbInfo } from "../helper/encode/mb_info.ts";
import { x264Settings } from "../helper/encode/x264_settings.ts";
import { i420Layout } from "../helper/capture/i420_layout.ts";

const W = 320;
const H = 240;
const FRAME_BYTES = (W * H * 3) / 2;

Deno.test("skip pictures between libx264's decode to the picture before each", async () => {
  const frame = new Uint8Array(FRAME_BYTES).fill(128);
  for (let i = 0; i < W * H; i++) frame[i] = (i * 13) & 255;
  const planes = { ...i420Layout(W, H), data: Deno.UnsafePointer.of(frame)! };
  const encoder = X264Encoder.open(
    { width: W, height: H },
    x264Settings({ bitrateKbps: 2000, framerate: 30, keyframeDistance: -1, threads: 2 }),
  );
  const writer = new SkipFrameWriter();
  const units: Uint8Array[] = [];
  const skips: number[] = [];
  const box = { x: 64, y: 96, width: 128, height: 32 };
  try {
    // 40 pictures: past the 16 frame numbers of libx264's SPS, so frame_num wraps; an IDR midway.
    for (let f = 0; f < 40; f++) {
      for (let y = box.y; y < box.y + box.height; y++) {
        frame.fill((f * 29 + y) & 255, y * W + box.x, y * W + box.x + box.width);
      }
      const idr = f === 0 || f === 21;
      fillMbInfo(encoder.mbInfo, { width: W, height: H }, idr ? "all" : [box]);
      const out = await encoder.encode(planes, { pts: f, idr, mbInfo: !idr, qp: 20 + (f % 7) });
      assert.ok(out !== null);
      units.push(out.bytes);
      writer.encoded(out.bytes);
      if (f % 2 === 1) continue;
      const skip = writer.skipFrame(22 + (f % 5));
      assert.ok(skip !== null, `no skip picture after picture ${f}`);
      writer.skipped();
      assert.equal(writer.skipFrame(22), null, "two in a row");
      skips.push(units.length);
      units.push(skip);
    }
  } finally {
    encoder.close();
  }
  const dir = await Deno.makeTempDir();
  try {
    const stream = new Uint8Array(units.reduce((n, u) => n + u.length, 0));
    units.reduce((at, u) => (stream.set(u, at), at + u.length), 0);
    await Deno.writeFile(`${dir}/in.h264`, stream);
    const out = await new Deno.Command("gst-launch-1.0", {
      args: [
        "-q",
        ...`filesrc location=${dir}/in.h264 ! h264parse ! openh264dec ! video/x-raw,format=I420 ! filesink location=${dir}/out.yuv`
          .split(" "),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const decoded = await Deno.readFile(`${dir}/out.yuv`);
    assert.equal(decoded.length, units.length * FRAME_BYTES, "every picture decoded");
    const picture = (i: number) => decoded.subarray(i * FRAME_BYTES, (i + 1) * FRAME_BYTES);
    for (const i of skips) {
      assert.deepEqual(picture(i), picture(i - 1), `skip picture ${i} differs from the one before`);
      // And the encoder's next picture changed the box again (the skip picture was no reference).
      if (i + 1 < units.length) assert.notDeepEqual(picture(i + 1), picture(i));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

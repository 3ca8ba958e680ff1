/**
 * libx264 alone (ffi/x264.ts, the settings of helper/encode/x264_settings.ts):
 * CPU time of encoding 300 mostly unchanged 1280x720 frames, a 480x48
 * block changing in each (the `clock` scene's time code), with and without
 * per-macroblock info flagging the rest constant, at constant QP (the
 * helper's way: its own rate control picks each picture's QP) and with
 * x264's ABR and VBV (x264enc's way). The picture is desktop-like (flat
 * background, rows of text-like strokes) and 120 frames are encoded first
 * so rate control has settled; the variants alternate.
 *
 * Run: `deno run -A bench/x264_mbinfo_bench.ts [--runs=2] [--threads=2,1]`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { X264Encoder } from "../ffi/x264.ts";
import { fillMbInfo } from "../helper/encode/mb_info.ts";
import { x264Settings } from "../helper/encode/x264_settings.ts";
import { QP_MIN } from "../helper/encode/x264_rate_control.ts";
import { i420Layout } from "../helper/capture/i420_layout.ts";
import { cpuTicks, TICKS_PER_SECOND } from "./_proc.ts";

const W = 1280;
const H = 720;
const BLOCK = { x: 400, y: 336, width: 480, height: 48 };
const WARM_UP = 120;
const FRAMES = 300;

/** CPU time of this process (user + system), in ms. */
const cpuMs = () => cpuTicks(Deno.pid) * 1000 / TICKS_PER_SECOND;

/** x264enc's rate control (pass=cbr): ABR with a 1.5-frame VBV at the bitrate, no forced QP. */
const ABR = { bitrate: 8000, "vbv-maxrate": 8000, "vbv-bufsize": 200 };

async function run(mbInfo: boolean, threads: number, abr: boolean): Promise<string> {
  const frame = new Uint8Array((W * H * 3) / 2);
  frame.fill(200, 0, W * H).fill(128, W * H);
  for (let y = 0; y < H; y++) {
    if (y % 20 >= 10) continue;
    for (let x = 40; x < W - 40; x++) if ((x * 7 + y * 3) % 11 < 3) frame[y * W + x] = 30;
  }
  const planes = { ...i420Layout(W, H), data: Deno.UnsafePointer.of(frame)! };
  const settings = x264Settings({
    bitrateKbps: 8000,
    framerate: 60,
    keyframeDistance: -1,
    threads,
  });
  settings.params.threads = threads; // as asked (the tier takes one core fewer than it is given)
  if (abr) {
    for (const name of ["qp", "ipratio", "pbratio"]) delete settings.params[name];
    Object.assign(settings.params, ABR);
  }
  const encoder = X264Encoder.open({ width: W, height: H }, settings);
  let bytes = 0;
  let cpu0 = 0;
  let wall0 = 0;
  for (let f = 0; f < WARM_UP + FRAMES; f++) {
    if (f === WARM_UP) [cpu0, wall0, bytes] = [cpuMs(), performance.now(), 0];
    for (let y = BLOCK.y; y < BLOCK.y + BLOCK.height; y++) {
      frame.fill((f * 13 + y) & 255, y * W + BLOCK.x, y * W + BLOCK.x + BLOCK.width);
    }
    if (mbInfo) fillMbInfo(encoder.mbInfo, { width: W, height: H }, f === 0 ? "all" : [BLOCK]);
    // At constant QP, the QP the rate control gives a small change on a still screen.
    const out = await encoder.encode(planes, {
      pts: f,
      idr: f === 0,
      mbInfo,
      ...(abr ? {} : { qp: QP_MIN }),
    });
    bytes += out?.bytes.length ?? 0;
  }
  const cpu = (cpuMs() - cpu0) / FRAMES;
  const wall = (performance.now() - wall0) / FRAMES;
  encoder.close();
  return `threads=${threads} ${abr ? "ABR+VBV " : "const QP"} mb_info=${
    mbInfo ? "yes" : "no "
  }  CPU ${cpu.toFixed(2)} ms/frame  ` +
    `wall ${wall.toFixed(2)} ms/frame  ${Math.round(bytes / FRAMES)} bytes/frame`;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      runs: { type: "string", default: "2" },
      threads: { type: "string", default: "2,1" },
    },
  });
  for (let r = 0; r < Number(values.runs); r++) {
    for (const threads of values.threads!.split(",").map(Number)) {
      for (const abr of [true, false]) {
        for (const mbInfo of [false, true]) {
          // deno-lint-ignore no-console
          console.log(await run(mbInfo, threads, abr));
        }
      }
    }
  }
}

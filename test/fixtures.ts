/** Fixtures shared by unit and integration tests. */

import { PEER_WEBRTCBIN, peerBranch, VIDEO_ENCODER, VIDEO_TEE } from "../pipelines/video.ts";
import type { HelperStart } from "../lib/protocol/helper.ts";

/** A helper `start` with a test-pattern source: real GStreamer, no X display needed. */
export const TEST_START: HelperStart = {
  type: "start",
  pipeline: [
    "videotestsrc is-live=true pattern=ball",
    "video/x-raw,width=320,height=240,framerate=30/1",
    `x264enc name=${VIDEO_ENCODER} tune=zerolatency speed-preset=ultrafast`,
    "video/x-h264,profile=constrained-baseline",
    "rtph264pay config-interval=-1",
    "application/x-rtp,media=video,encoding-name=H264,payload=96,clock-rate=90000",
    `tee name=${VIDEO_TEE} allow-not-linked=true`,
  ].join(" ! "),
  branch: peerBranch(),
  tee: VIDEO_TEE,
  webrtcbin: PEER_WEBRTCBIN,
  encoder: VIDEO_ENCODER,
  iceAddresses: ["127.0.0.1"],
  channels: ["input"],
};

import assert from "node:assert/strict";
import type { FieldValue, StructureData } from "../ffi/gst_structure.ts";
import { CongestionLoop, type EncoderKnobs } from "./congestion.ts";

/** An encoder that records what it is set to. */
class FakeEncoder implements EncoderKnobs {
  bitrateKbps = 8000;
  framerate = 60;
  keyframeIntervalMs = 0;
  setBitrate(kbps: number): Promise<void> {
    this.bitrateKbps = Math.round(kbps);
    return Promise.resolve();
  }
  setFramerate(fps: number): Promise<void> {
    this.framerate = fps;
    return Promise.resolve();
  }
  setKeyframeInterval(ms: number): Promise<void> {
    this.keyframeIntervalMs = ms;
    return Promise.resolve();
  }
}

const s = (name: string, fields: Record<string, FieldValue>): StructureData => ({ name, fields });

/** A reply with fresh transport-wide feedback saying `lossPct` and `receiveBps`, and `rttMs`. */
let feedback = 0;
function reply(lossPct: number, receiveBps: number, rttMs: number): StructureData {
  return s("stats", {
    out: s("outbound-rtp", {
      type: "outbound-rtp",
      kind: "video",
      "packets-sent": 0,
      "bytes-sent": 0,
    }),
    rr: s("remote-inbound-rtp", {
      type: "remote-inbound-rtp",
      kind: "video",
      "round-trip-time": rttMs / 1000,
    }),
    pair: s("candidate-pair", {
      type: "candidate-pair",
      "gst-twcc-stats": s("RTPTWCCStats", {
        "packets-sent": feedback++,
        "packet-loss-pct": lossPct,
        "bitrate-recv": receiveBps,
      }),
    }),
  });
}

function loop(enabled = true) {
  const encoder = new FakeEncoder();
  return {
    encoder,
    loop: new CongestionLoop({ encoder, bitrateKbps: 8000, framerate: 60, enabled }),
  };
}

Deno.test("CongestionLoop.apply() lowers the shared encoder to a congested viewer's target", async () => {
  const { encoder, loop: l } = loop();
  l.observe("p1", reply(30, 2_000_000, 40), 0);
  await l.apply();
  assert.equal(encoder.bitrateKbps, 1700);
  assert.deepEqual(l.rates("p1"), {
    availableBitsPerSecond: 1_700_000,
    encoderBitsPerSecond: 1_700_000,
    encoderFramerate: 60,
  });
  assert.equal(encoder.keyframeIntervalMs, 100, "40 ms round trip: the 100 ms floor");
});

Deno.test("CongestionLoop.apply() follows the weakest viewer down to half the best one's target", async () => {
  const { encoder, loop: l } = loop();
  l.observe("good", reply(0, 8_000_000, 10), 0);
  l.observe("weak", reply(40, 1_000_000, 250), 0);
  await l.apply();
  assert.equal(encoder.bitrateKbps, 4000, "max(850, 8000 / 2)");
  assert.equal(encoder.keyframeIntervalMs, 250, "the longest round trip");
  l.forget("good");
  await l.apply();
  assert.equal(encoder.bitrateKbps, 850);
});

Deno.test("CongestionLoop without control runs the encoder at the chosen bitrate and frame rate", async () => {
  const { encoder, loop: l } = loop(false);
  l.observe("p1", reply(50, 500_000, 20), 0);
  await l.apply();
  assert.equal(encoder.bitrateKbps, 8000);
  l.settings({ videoBitrate: 2500, framerate: 24 });
  await l.apply();
  assert.deepEqual([encoder.bitrateKbps, encoder.framerate], [2500, 24]);
  assert.deepEqual(l.rates("p1"), { encoderBitsPerSecond: 2_500_000, encoderFramerate: 24 });
});

Deno.test("CongestionLoop.settings() makes a viewer's new bitrate every controller's ceiling", async () => {
  const { encoder, loop: l } = loop();
  l.observe("p1", reply(30, 2_000_000, 40), 0);
  await l.apply();
  l.settings({ videoBitrate: 6000 });
  await l.apply();
  assert.equal(encoder.bitrateKbps, 6000);
  l.settings({ framerate: 30 });
  await l.apply();
  assert.deepEqual([encoder.bitrateKbps, encoder.framerate], [6000, 30]);
});

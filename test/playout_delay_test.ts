/**
 * The playout-delay extension on real GStreamer: registered from the helper's
 * code, found by URI the way payloaders look it up, and written as 0/0 on
 * every RTP packet a real x264 + rtph264pay pipeline produces.
 */

import assert from "node:assert/strict";
import { gst, GST_STATE_NULL, GST_STATE_PLAYING } from "../ffi/gst.ts";
import { busPop, parseLaunch } from "../ffi/gst_pipeline.ts";
import { PLAYOUT_DELAY_ELEMENT, registerPlayoutDelay } from "../helper/playout_delay.ts";
import { PLAYOUT_DELAY_URI, rtpCaps } from "../pipelines/video.ts";

/** Test-only binding: how payloaders find an extension (not needed by the helper). */
function createExtensionFromUri(uri: string): boolean {
  const lib = Deno.dlopen("libgstrtp-1.0.so.0", {
    gst_rtp_header_extension_create_from_uri: { parameters: ["buffer"], result: "pointer" },
  });
  try {
    const ext = lib.symbols.gst_rtp_header_extension_create_from_uri(
      new TextEncoder().encode(uri + "\0"),
    );
    if (ext !== null) gst().gst_object_unref(ext);
    return ext !== null;
  } finally {
    lib.close();
  }
}

/** Splits RFC 4571 framing (16-bit length before each packet). */
function packets(stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at + 2 <= stream.length;) {
    const length = (stream[at]! << 8) | stream[at + 1]!;
    out.push(stream.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return out;
}

/** The one-byte-header extension elements of an RTP packet, by id. */
function extensions(packet: Uint8Array): Map<number, Uint8Array> {
  const found = new Map<number, Uint8Array>();
  if ((packet[0]! & 0x10) === 0) return found; // X bit
  const csrcs = packet[0]! & 0x0f;
  const at = 12 + 4 * csrcs;
  const profile = (packet[at]! << 8) | packet[at + 1]!;
  assert.equal(profile, 0xbede, "one-byte header extension profile");
  const words = (packet[at + 2]! << 8) | packet[at + 3]!;
  const end = at + 4 + 4 * words;
  for (let i = at + 4; i < end;) {
    const byte = packet[i]!;
    if (byte === 0) {
      i++;
      continue;
    }
    const id = byte >> 4;
    const length = (byte & 0x0f) + 1;
    found.set(id, packet.subarray(i + 1, i + 1 + length));
    i += 1 + length;
  }
  return found;
}

Deno.test("registerPlayoutDelay() makes payloaders write playout delay 0/0 on every packet", async () => {
  const lib = gst();
  assert.equal(registerPlayoutDelay(), null);
  assert.equal(registerPlayoutDelay(), null, "a second call is a no-op");
  assert.ok(createExtensionFromUri(PLAYOUT_DELAY_URI), `no element for ${PLAYOUT_DELAY_URI}`);

  const file = await Deno.makeTempFile({ suffix: ".rtp" });
  const pipeline = parseLaunch(
    [
      "videotestsrc num-buffers=5",
      "video/x-raw,width=320,height=240,framerate=30/1",
      "x264enc tune=zerolatency speed-preset=ultrafast",
      "video/x-h264,profile=constrained-baseline",
      "rtph264pay mtu=1200",
      rtpCaps("H264"),
      "rtpstreampay",
      `filesink location=${file}`,
    ].join(" ! "),
  );
  try {
    await lib.gst_element_set_state(pipeline, GST_STATE_PLAYING);
    const bus = lib.gst_element_get_bus(pipeline)!;
    const message = await busPop(bus, { timeoutNs: 10_000_000_000n });
    lib.gst_object_unref(bus);
    assert.equal(message?.type, "eos", JSON.stringify(message));
  } finally {
    await lib.gst_element_set_state(pipeline, GST_STATE_NULL);
    lib.gst_object_unref(pipeline);
  }
  const all = packets(await Deno.readFile(file));
  await Deno.remove(file);
  assert.ok(all.length >= 5, `only ${all.length} packets`);
  for (const packet of all) {
    assert.deepEqual([...extensions(packet).get(1) ?? []], [0, 0, 0]);
  }
  assert.equal(PLAYOUT_DELAY_ELEMENT, "skerryplayoutdelay");
});

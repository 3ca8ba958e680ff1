import assert from "node:assert/strict";
import {
  cstr,
  gst,
  GST_CLOCK_TIME_NONE,
  GST_MESSAGE_EOS,
  GST_MESSAGE_ERROR,
  GST_STATE_NULL,
  GST_STATE_PLAYING,
  OFFSET,
  pointerBox,
  takeError,
} from "../ffi/gst.ts";
import { PLAYOUT_DELAY_ELEMENT, PLAYOUT_DELAY_URI, registerPlayoutDelay } from "./playout_delay.ts";
import { rtpCaps } from "./video.ts";

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
  assert.equal(registerPlayoutDelay(lib), null);
  assert.equal(registerPlayoutDelay(lib), null, "a second call is a no-op");
  const ext = lib.gst_rtp_header_extension_create_from_uri(cstr(PLAYOUT_DELAY_URI));
  assert.notEqual(ext, null, `no element for ${PLAYOUT_DELAY_URI}`);
  lib.gst_object_unref(ext);

  const file = await Deno.makeTempFile({ suffix: ".rtp" });
  const error = pointerBox();
  const pipeline = lib.gst_parse_launch(
    cstr([
      "videotestsrc num-buffers=5",
      "video/x-raw,width=320,height=240,framerate=30/1",
      "x264enc tune=zerolatency speed-preset=ultrafast",
      "video/x-h264,profile=constrained-baseline",
      "rtph264pay mtu=1200",
      rtpCaps("H264"),
      "rtpstreampay",
      `filesink location=${file}`,
    ].join(" ! ")),
    error,
  );
  assert.equal(takeError(lib, error), null);
  try {
    await lib.gst_element_set_state(pipeline, GST_STATE_PLAYING);
    const bus = lib.gst_element_get_bus(pipeline);
    const message = await lib.gst_bus_timed_pop_filtered(
      bus,
      GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR,
    );
    const type = new Deno.UnsafePointerView(message!).getUint32(OFFSET.messageType);
    lib.gst_mini_object_unref(message);
    lib.gst_object_unref(bus);
    assert.equal(type, GST_MESSAGE_EOS);
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

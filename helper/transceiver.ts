/**
 * Loss repair on a viewer's video transceiver, set before each offer:
 * NACK with RTX retransmission always, ULP FEC in RED when the operator
 * expects loss (`--video-packetloss-percent`).
 *
 * - `do-nack=true`: the offer carries `a=rtcp-fb:<pt> nack` and an `rtx`
 *   payload type (`apt=<pt>`, its own SSRC in an FID group). The browser asks
 *   for each lost packet by sequence number; webrtcbin's `rtprtxsend` keeps
 *   the last 500 packets (about 0.6 s at 8 Mbit/s in 1200-byte packets) and
 *   resends the packet on the RTX stream. One round trip repairs a loss,
 *   where without NACK Chromium waits for a keyframe (up to 3 s here).
 * - `fec-type=ulp-red`, `fec-percentage`: redundancy packets let the browser
 *   rebuild a lost packet without a round trip, at that share of extra
 *   bitrate. Off by default: NACK/RTX repairs the occasional loss for less.
 *
 * webrtcbin reads these when it writes the offer, so they are set on the
 * transceivers before every offer (the kind is known by then). Audio
 * transceivers are left alone.
 *
 * @module
 */

import { getIntProperty, gst } from "../ffi/gst.ts";
import { padTransceiver, setProperty } from "../ffi/gst_live.ts";
import { cstr } from "../ffi/gst.ts";

/** GstWebRTCKind: the transceiver's media kind once caps or the SDP said it. */
const KIND_AUDIO = 1;
/** Most sink pads looked at (`sink_0` … `sink_3`): video, audio and room to spare. */
const MAX_SINK_PADS = 4;

/** Options of {@linkcode configureRepair}. */
export interface RepairOptions {
  /** ULP FEC overhead in percent (0-100); 0 turns FEC off. */
  fecPercent: number;
}

/** What {@linkcode fecSettings} gives webrtcbin's transceiver. */
export interface FecSettings {
  "fec-type": "none" | "ulp-red";
  "fec-percentage": number;
}

/**
 * The FEC properties for `percent` of expected loss: ULP FEC in RED at that
 * overhead (rounded, at most 100), or none for 0.
 */
export function fecSettings(percent: number): FecSettings {
  const p = Math.min(100, Math.max(0, Math.round(percent)));
  return p === 0
    ? { "fec-type": "none", "fec-percentage": 0 }
    : { "fec-type": "ulp-red", "fec-percentage": p };
}

/**
 * Turns on NACK/RTX (and FEC as asked) on every non-audio transceiver of
 * `webrtc`. Returns how many transceivers were set.
 */
export async function configureRepair(
  webrtc: Deno.PointerObject,
  options: RepairOptions,
): Promise<number> {
  const lib = gst();
  const fec = fecSettings(options.fecPercent);
  let configured = 0;
  for (let i = 0; i < MAX_SINK_PADS; i++) {
    const pad = lib.gst_element_get_static_pad(webrtc, cstr(`sink_${i}`));
    if (pad === null) continue;
    const transceiver = await padTransceiver(pad);
    lib.gst_object_unref(pad);
    if (transceiver === null) continue;
    try {
      if (await getIntProperty(lib, transceiver, "kind") === KIND_AUDIO) continue;
      await setProperty(transceiver, "do-nack", true);
      await setProperty(transceiver, "fec-type", fec["fec-type"]);
      await setProperty(transceiver, "fec-percentage", fec["fec-percentage"]);
      configured++;
    } finally {
      lib.gst_object_unref(transceiver);
    }
  }
  return configured;
}

/**
 * Reads what the congestion controller needs out of a viewer's `get-stats`
 * replies (plain data from `ffi/gst_structure.ts`). Pure: no GStreamer call.
 *
 * Where each figure comes from in webrtcbin 1.22:
 * - the candidate pair's `gst-twcc-stats` (webrtcbin's RTP session, from the
 *   browser's transport-wide feedback, over its last 300 ms):
 *   `packet-loss-pct`, `bitrate-recv` (what arrived, by the browser's clock),
 *   `avg-delta-of-delta` (mean growth of the one-way delay from one packet
 *   to the next, in ns; times the packet rate it is how fast a queue grows);
 * - without transport-wide feedback (a browser that does not send it), the
 *   loss of the viewer's RTCP receiver report (`remote-inbound-rtp`
 *   `fraction-lost`, once a second);
 * - `remote-inbound-rtp` `round-trip-time`;
 * - the packets and bytes sent, over all video `outbound-rtp` streams (the
 *   media stream and its RTX stream), for the send and packet rates.
 *
 * The feedback figures stay in webrtcbin until the next feedback arrives, so
 * a reply whose figures are the same as the previous one's carries no news
 * and gives no loss or delay figure.
 *
 * @module
 */

import type { FieldValue, StructureData } from "../ffi/gst_structure.ts";
import type { CongestionSample } from "../lib/congestion/controller.ts";

type Fields = Record<string, FieldValue>;

/** Turns one viewer's successive `get-stats` replies into {@linkcode CongestionSample}s. */
export class SampleReader {
  #previous: { at: number; packets: number; bytes: number } | undefined;
  #lastFeedback = "";
  #lastReport = "";

  /** The sample for `reply`, read at `at` (ms, monotonic). */
  read(reply: StructureData, at: number): CongestionSample {
    const all: Fields[] = [];
    for (const value of Object.values(reply.fields)) {
      if (isStructure(value)) all.push(value.fields);
    }
    const outbound = all.filter((s) => s.type === "outbound-rtp" && s.kind !== "audio");
    const packets = sum(outbound.map((s) => num(s["packets-sent"]) ?? 0));
    const bytes = sum(outbound.map((s) => num(s["bytes-sent"]) ?? 0));
    const sample: CongestionSample = { at };
    const previous = this.#previous;
    this.#previous = { at, packets, bytes };
    const seconds = previous ? (at - previous.at) / 1000 : 0;
    let packetRate: number | undefined;
    if (previous && seconds > 0 && packets >= previous.packets && bytes >= previous.bytes) {
      sample.sendBps = ((bytes - previous.bytes) * 8) / seconds;
      packetRate = (packets - previous.packets) / seconds;
    }
    const remote = all.find((s) => s.type === "remote-inbound-rtp" && s.kind !== "audio");
    const rtt = num(remote?.["round-trip-time"]);
    if (rtt !== undefined && rtt > 0) sample.rttMs = rtt * 1000;

    const twccValue = all.find((s) =>
      s.type === "candidate-pair" && isStructure(s["gst-twcc-stats"])
    )
      ?.["gst-twcc-stats"];
    const twcc = isStructure(twccValue) ? twccValue.fields : undefined;
    if (twcc && num(twcc["packets-sent"]) !== undefined) {
      const key = JSON.stringify(twcc);
      if (key === this.#lastFeedback) return sample;
      this.#lastFeedback = key;
      const lossPct = num(twcc["packet-loss-pct"]);
      if (lossPct !== undefined) {
        sample.loss = clamp(lossPct / 100, 0, 1);
        // The figure covers webrtcbin's 300 ms window.
        if (packetRate !== undefined) sample.lossPackets = packetRate * 0.3;
      }
      const received = num(twcc["bitrate-recv"]);
      if (received !== undefined && received > 0) sample.receiveBps = received;
      const deltaOfDeltaNs = num(twcc["avg-delta-of-delta"]);
      // GST_CLOCK_STIME_NONE (INT64_MIN) until two packets were compared.
      if (deltaOfDeltaNs !== undefined && Math.abs(deltaOfDeltaNs) < 1e12 && packetRate) {
        sample.delayTrendMsPerS = (deltaOfDeltaNs / 1e6) * packetRate;
      }
      return sample;
    }
    // No transport-wide feedback: the receiver report's loss, once per new report.
    const fraction = num(remote?.["fraction-lost"]);
    const report = JSON.stringify([remote?.["packets-lost"], fraction, rtt]);
    if (fraction !== undefined && report !== this.#lastReport) {
      this.#lastReport = report;
      sample.loss = clamp(fraction, 0, 1);
    }
    return sample;
  }
}

function isStructure(value: FieldValue | undefined): value is StructureData {
  return typeof value === "object" && value !== null;
}

function num(value: FieldValue | undefined): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

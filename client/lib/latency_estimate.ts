/**
 * The browser's estimate of glass-to-glass latency, from the timing the
 * browser attaches to each presented video frame
 * (`requestVideoFrameCallback` metadata) and the connection's round-trip
 * time. Pure arithmetic; docs/PROTOCOL.md ("the `stats` message") says what
 * each estimate includes and leaves out.
 *
 * A frame's display time is the later of `expectedDisplayTime` and
 * `presentationTime` (headless Chromium reports an expected display time
 * before the frame was even handed to the compositor), but at most one
 * display frame after `presentationTime`: with frames seconds apart (a
 * still screen that changes) Chromium computes `expectedDisplayTime` from a
 * stale BeginFrame, 20-30 ms after the display really showed the frame
 * (traced: shown 1.9 ms median after presentation; docs/CAPTURE.md,
 * "Reading the display time").
 *
 * Two estimates, the first that applies wins:
 * 1. **capture-time**: display time minus `captureTime`, where the browser
 *    provides a capture time for WebRTC frames (the metadata defines it,
 *    from the sender's RTCP sender reports; Chromium 156 leaves it unset). With
 *    rtpbin's default `rtcp-sync-send-time=true` GStreamer's reports map RTP
 *    time to the moment a packet is sent, so this spans send → network →
 *    jitter buffer → decode → render wait, not capture and encoding.
 * 2. **network-and-receiver** (Chromium): `RTT / 2` for the network, plus
 *    display time minus `receiveTime` (the frame's last packet arriving):
 *    jitter buffer, decode and the wait for the compositor.
 *
 * Neither includes capture, colour conversion, encoding, nor the display's
 * own scan-out: the estimate is a lower bound of what a camera pointed at
 * both screens would measure (`deno task bench` measures that).
 *
 * @module
 */

import type { LatencySource } from "../../lib/protocol/stats.ts";

/** One presented frame's timing, in ms on the page's `performance.now()` clock. */
export interface FrameTiming {
  /** When the browser expects the frame to be visible. */
  expectedDisplayTime: number;
  /** When the browser handed the frame to the compositor. */
  presentationTime: number;
  /** The frame's capture (here: send) time mapped onto this clock, when known. */
  captureTime?: number;
  /** When the frame's last packet arrived, when known. */
  receiveTime?: number;
}

/** An estimate and how it was made. */
export interface LatencyEstimate {
  /** Glass-to-glass latency, in ms. */
  latencyMs: number;
  source: LatencySource;
}

/** One display frame at 60 Hz: a presented frame is on screen within it. */
const DISPLAY_FRAME_MS = 1000 / 60;

/** Spans outside 0 ms-10 s come from a clock mapping not settled yet, not from the stream. */
const PLAUSIBLE_MS = 10_000;

/**
 * The median latency of `frames` (one interval's presented frames), or
 * undefined when no estimate applies. `roundTripTimeMs` is the selected
 * candidate pair's current round-trip time.
 */
export function estimateLatency(
  frames: readonly FrameTiming[],
  roundTripTimeMs: number | undefined,
): LatencyEstimate | undefined {
  const shown = (f: FrameTiming) =>
    Math.max(
      Math.min(f.expectedDisplayTime, f.presentationTime + DISPLAY_FRAME_MS),
      f.presentationTime,
    );
  const fromCapture = plausible(
    frames.map((f) => f.captureTime === undefined ? NaN : shown(f) - f.captureTime),
  );
  if (fromCapture.length > 0) {
    return { latencyMs: median(fromCapture), source: "capture-time" };
  }
  if (roundTripTimeMs === undefined || !(roundTripTimeMs >= 0)) return undefined;
  const receiver = plausible(
    frames.map((f) => f.receiveTime === undefined ? NaN : shown(f) - f.receiveTime),
  );
  if (receiver.length === 0) return undefined;
  return { latencyMs: roundTripTimeMs / 2 + median(receiver), source: "network-and-receiver" };
}

function plausible(spans: number[]): number[] {
  return spans.filter((ms) => ms >= 0 && ms <= PLAUSIBLE_MS);
}

/** The median of a non-empty list (the mean of the middle two for an even length). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

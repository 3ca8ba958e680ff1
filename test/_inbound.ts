/**
 * The browser's counters of the video it receives (the newest peer
 * connection's `inbound-rtp` video statistics), for the heal test and bench.
 *
 * @module
 */

import type { Page } from "playwright-core";

/** Inbound video counters; those Chromium has not started yet (no retransmission so far) are 0. */
export interface Inbound {
  /** Peer connections the page has made so far. */
  pcs: number;
  timestamp: number;
  bytesReceived: number;
  framesDecoded: number;
  nackCount: number;
  retransmittedBytesReceived: number;
  retransmittedPacketsReceived: number;
  keyFramesDecoded: number;
  freezeCount: number;
  totalFreezesDuration: number;
}

/** The newest peer connection's inbound video counters (test/_pc_recorder.ts keeps them). */
export function inbound(page: Page): Promise<Inbound> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const out: Record<string, number> = {
      pcs: pcs.length,
      timestamp: 0,
      bytesReceived: 0,
      framesDecoded: 0,
      nackCount: 0,
      retransmittedBytesReceived: 0,
      retransmittedPacketsReceived: 0,
      keyFramesDecoded: 0,
      freezeCount: 0,
      totalFreezesDuration: 0,
    };
    (await pcs.at(-1)!.getStats()).forEach((s: Record<string, unknown>) => {
      if (s.type !== "inbound-rtp" || s.kind !== "video") return;
      for (const k of Object.keys(out)) if (typeof s[k] === "number") out[k] = s[k] as number;
    });
    return out as unknown as Inbound;
  });
}

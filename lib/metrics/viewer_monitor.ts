/**
 * What the session and the signalling connections report about viewers, for
 * the Prometheus metrics and the statistics CSV files.
 *
 * @module
 */

import type { ClientStats, PeerStats } from "../protocol/stats.ts";

/** Receives viewers' comings and goings and their statistics. */
export interface ViewerMonitor {
  /** A viewer joined the session. */
  viewerJoined(peer: string): void;
  /** A viewer left: forget everything about it. */
  viewerLeft(peer: string): void;
  /** The helper's numbers for a viewer (about once a second). */
  peerStats(peer: string, stats: PeerStats): void;
  /** The browser's own numbers (about once a second). */
  clientStats(peer: string, stats: ClientStats): void;
}

/** One monitor that passes every call on to each of `monitors`, in order. */
export function fanOut(monitors: readonly ViewerMonitor[]): ViewerMonitor {
  return {
    viewerJoined: (peer) => monitors.forEach((m) => m.viewerJoined(peer)),
    viewerLeft: (peer) => monitors.forEach((m) => m.viewerLeft(peer)),
    peerStats: (peer, stats) => monitors.forEach((m) => m.peerStats(peer, stats)),
    clientStats: (peer, stats) => monitors.forEach((m) => m.clientStats(peer, stats)),
  };
}

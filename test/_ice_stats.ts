/**
 * What the page's newest peer connection uses, from `getStats()`: the
 * selected candidate pair (candidate types, protocols) and the remote ICE
 * user fragment; and the signalling frames the page received.
 *
 * @module
 */

import type { Page } from "playwright-core";

/** The selected candidate pair of the page's newest peer connection. */
export interface SelectedPair {
  /** `host`, `srflx`, `prflx` or `relay`. */
  localType: string;
  remoteType: string;
  /** Transport between this browser and its peer or relay: `udp` or `tcp`. */
  protocol: string;
  /** For a relay candidate: the transport to the TURN server, `udp`, `tcp` or `tls`. */
  relayProtocol: string;
  /** The browser's port on this pair. */
  localPort: number;
}

/** The newest peer connection's selected candidate pair, or null before one is selected. */
export function selectedPair(page: Page): Promise<SelectedPair | null> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const pc = pcs[pcs.length - 1];
    if (!pc) return null;
    const stats = await pc.getStats();
    const byId = new Map<string, Record<string, unknown>>();
    stats.forEach((s: Record<string, unknown>) => byId.set(s.id as string, s));
    for (const s of byId.values()) {
      if (s.type !== "transport" || typeof s.selectedCandidatePairId !== "string") continue;
      const pair = byId.get(s.selectedCandidatePairId);
      const local = byId.get(pair?.localCandidateId as string);
      const remote = byId.get(pair?.remoteCandidateId as string);
      if (!local || !remote) return null;
      return {
        localType: String(local.candidateType),
        remoteType: String(remote.candidateType),
        protocol: String(local.protocol),
        relayProtocol: String(local.relayProtocol ?? ""),
        localPort: Number(local.port),
      };
    }
    return null;
  });
}

/** The ICE user fragment of the newest peer connection's remote description. */
export function remoteUfrag(page: Page): Promise<string> {
  return page.evaluate(() => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const sdp = pcs[pcs.length - 1]?.remoteDescription?.sdp ?? "";
    return /a=ice-ufrag:(\S+)/.exec(sdp)?.[1] ?? "";
  });
}

/** A signalling frame, with when it was seen (ms since the epoch). */
export interface Frame {
  at: number;
  direction: "in" | "out";
  message: { type: string; [field: string]: unknown };
}

/** Records every signalling frame of `page` (call before it loads). */
export function recordSignalling(page: Page): Frame[] {
  const frames: Frame[] = [];
  page.on("websocket", (ws) => {
    const keep = (direction: Frame["direction"]) => (event: { payload: string | Buffer }) => {
      try {
        frames.push({ at: Date.now(), direction, message: JSON.parse(String(event.payload)) });
      } catch {
        // not JSON: not ours
      }
    };
    ws.on("framereceived", keep("in"));
    ws.on("framesent", keep("out"));
  });
  return frames;
}

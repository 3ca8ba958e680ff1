/**
 * Small facts and knobs of a browser `RTCPeerConnection`: low-latency
 * playout on a receiver, whether the selected pair goes through a TURN
 * relay, and the Network Information API's change events.
 *
 * @module
 */

/**
 * Asks the browser to play frames as soon as they are decoded.
 * `jitterBufferTarget` (Chromium 114+, Firefox 130+) is the standard knob;
 * `playoutDelayHint` is its older Chromium name.
 */
export function lowLatency(receiver: RTCRtpReceiver): void {
  const r = receiver as RTCRtpReceiver & { jitterBufferTarget?: number; playoutDelayHint?: number };
  try {
    if ("jitterBufferTarget" in r) r.jitterBufferTarget = 0;
    if ("playoutDelayHint" in r) r.playoutDelayHint = 0;
  } catch {
    // Older browsers throw on unknown values; the defaults still work.
  }
}

/** Whether the connection's selected candidate pair goes through a TURN relay here. */
export async function usesRelay(pc: RTCPeerConnection): Promise<boolean> {
  const stats = await pc.getStats();
  let relay = false;
  stats.forEach((s: { type: string; selectedCandidatePairId?: string }) => {
    if (s.type !== "transport" || !s.selectedCandidatePairId) return;
    const pair = stats.get(s.selectedCandidatePairId) as { localCandidateId?: string } | undefined;
    const local = pair?.localCandidateId ? stats.get(pair.localCandidateId) : undefined;
    if ((local as { candidateType?: string } | undefined)?.candidateType === "relay") relay = true;
  });
  return relay;
}

/** The Network Information API (Chromium), whose `change` event says the network changed. */
export function networkInformation(): EventTarget | undefined {
  return (navigator as Navigator & { connection?: EventTarget }).connection;
}

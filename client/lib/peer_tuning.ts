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
 * `playoutDelayHint` is its older Chromium name. Audio too: target 0 lets
 * NetEq hold only what lip sync with the video needs (`deno task
 * bench:audio`: 100-170 ms median, against 260-360 ms with the default).
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

/** The parts of `RTCPeerConnection` {@linkcode watchIceRoute} reads. */
export type IceRouteSource =
  & Pick<RTCPeerConnection, "iceConnectionState" | "iceGatheringState">
  & EventTarget;

/**
 * Calls `onNoRoute` once when `pc` can have no route for the media: it
 * gathered no local candidate at all (relay only without a working TURN
 * server: ICE then never even fails), or it is still not connected
 * `timeoutMs` after this call. Returns the function that stops watching.
 */
export function watchIceRoute(
  pc: IceRouteSource,
  options: { timeoutMs: number; onNoRoute: () => void },
): () => void {
  let candidates = 0;
  let fired = false;
  const fire = () => {
    if (fired) return;
    fired = true;
    options.onNoRoute();
  };
  const onCandidate = (event: Event) => {
    if ((event as RTCPeerConnectionIceEvent).candidate?.candidate) candidates++;
  };
  const onGathering = () => {
    if (pc.iceGatheringState === "complete" && candidates === 0) fire();
  };
  pc.addEventListener("icecandidate", onCandidate);
  pc.addEventListener("icegatheringstatechange", onGathering);
  const timer = setTimeout(() => {
    if (!/connected|completed/.test(pc.iceConnectionState)) fire();
  }, options.timeoutMs);
  return () => {
    clearTimeout(timer);
    pc.removeEventListener("icecandidate", onCandidate);
    pc.removeEventListener("icegatheringstatechange", onGathering);
  };
}

/**
 * A page init script for Chromium (playwright) and Firefox (puppeteer): keeps
 * every RTCPeerConnection the page makes in `window.__pcs` and every data
 * channel it receives in `window.__channels`, for getStats() and input.
 * Self-contained: the browser runs its source text.
 *
 * @module
 */

/** Wraps `RTCPeerConnection` so the test can reach each one the page makes. */
export function recordPeerConnections(): void {
  const w = window as unknown as { __pcs: RTCPeerConnection[]; __channels: RTCDataChannel[] };
  w.__pcs = [];
  w.__channels = [];
  const Native = RTCPeerConnection;
  const Wrapped = function (this: unknown, config?: RTCConfiguration) {
    const pc = new Native(config);
    w.__pcs.push(pc);
    pc.addEventListener("datachannel", (e) => w.__channels.push(e.channel));
    return pc;
  } as unknown as typeof RTCPeerConnection;
  Wrapped.prototype = Native.prototype;
  Object.assign(Wrapped, { generateCertificate: Native.generateCertificate });
  globalThis.RTCPeerConnection = Wrapped;
}

/**
 * The ICE servers of the `--stun-*` and `--turn-*` options, in the shape
 * selkies-gstreamer gives the browser: one entry listing the STUN URLs (the
 * TURN server answers STUN too), one TURN entry with its credentials.
 *
 * @module
 */

import type { IceServer } from "../protocol/signalling.ts";

/** A STUN server. */
export interface StunEndpoint {
  /** Host name or IP address (IPv6 in brackets). */
  host: string;
  port: number;
}

/** A TURN server and how to reach it. */
export interface TurnEndpoint extends StunEndpoint {
  /** Transport to the server; with `tls`, always TCP. */
  protocol: "udp" | "tcp";
  /** TURN over TLS (`turns:`). */
  tls: boolean;
}

/** What {@linkcode turnIceServers} builds from. */
export interface TurnIceServerOptions {
  stun?: StunEndpoint | undefined;
  turn?: TurnEndpoint | undefined;
  /** TURN user name and password (long-term, or time-limited from a shared secret). */
  credentials?: { username: string; credential: string } | undefined;
}

/**
 * The ICE servers for these options: `stun:` URLs for `stun` and for a
 * plain TURN server, and a `turn:`/`turns:` URL with `?transport=` and the
 * credentials. Empty without STUN or TURN (host candidates only).
 */
export function turnIceServers(options: TurnIceServerOptions): IceServer[] {
  const { stun, turn, credentials } = options;
  const stunUrls: string[] = [];
  if (stun) stunUrls.push(`stun:${stun.host}:${stun.port}`);
  // A TLS port speaks TLS only: no plain STUN there.
  if (turn && credentials && !turn.tls) {
    const url = `stun:${turn.host}:${turn.port}`;
    if (!stunUrls.includes(url)) stunUrls.push(url);
  }
  const servers: IceServer[] = stunUrls.length > 0 ? [{ urls: stunUrls }] : [];
  if (turn && credentials) {
    // Browsers speak TURN over TLS on TCP only (no DTLS): turns: always says tcp.
    const url = turn.tls
      ? `turns:${turn.host}:${turn.port}?transport=tcp`
      : `turn:${turn.host}:${turn.port}?transport=${turn.protocol}`;
    servers.push({ urls: [url], ...credentials });
  }
  return servers;
}

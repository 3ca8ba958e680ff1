/**
 * The address a request came from, for the failed-login limit and for logs:
 * the socket's peer, from Deno.serve's connection info. When that peer is a
 * reverse proxy named in `--trusted-proxies`, the client is the last address
 * in `X-Forwarded-For` that is not itself a trusted proxy (proxies append
 * the peer they saw; anything further left was written by the client and
 * proves nothing). `X-Forwarded-For` from anyone else is ignored.
 *
 * @module
 */

import type { Context } from "hono";
import { getConnInfo } from "hono/deno";

/** The client behind `peer`, given the `X-Forwarded-For` header and the trusted proxies. */
export function clientAddress(
  peer: string,
  forwardedFor: string | undefined,
  trustedProxies: readonly string[],
): string {
  const trusted = new Set(trustedProxies.map(canonical));
  let client = canonical(peer);
  if (!trusted.has(client) || !forwardedFor) return client;
  const hops = forwardedFor.split(",").map((hop) => canonical(hop.trim()));
  while (trusted.has(client) && hops.length > 0) {
    const hop = hops.pop()!;
    // Garbage where an address should be: stop at the last proxy we trust.
    if (!/^[0-9a-f.:]+$/.test(hop)) break;
    client = hop;
  }
  return client;
}

/** Returns a function giving the client address of a Hono request served by `Deno.serve`. */
export function clientAddressOf(trustedProxies: readonly string[]): (c: Context) => string {
  return (c) => {
    let peer = "unknown";
    try {
      peer = getConnInfo(c).remote.address ?? peer;
    } catch {
      // no connection info (app.request() in tests)
    }
    return clientAddress(peer, c.req.header("X-Forwarded-For"), trustedProxies);
  };
}

/** Lower case, IPv4-mapped IPv6 as IPv4, brackets dropped. */
function canonical(address: string): string {
  const a = address.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/.test(a) ? a.slice(7) : a;
}

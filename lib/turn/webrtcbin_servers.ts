/**
 * The browser's ICE servers in webrtcbin's form: one `stun://host:port`
 * (webrtcbin takes a single STUN server) and `turn(s)://user:password@host:port`
 * URIs for its `add-turn-server` signal, with user and password
 * percent-escaped (a time-limited user name holds a `:`, a base64 password
 * `/`, `+` and `=`; libnice splits the user info at the first `:` and
 * unescapes both halves).
 *
 * @module
 */

import type { IceServer } from "../protocol/signalling.ts";

/** STUN and TURN servers as webrtcbin takes them. */
export interface WebrtcbinServers {
  /** `stun://host:port` for the `stun-server` property, or "" for none. */
  stunServer: string;
  /** URIs for `add-turn-server`, one per TURN URL. */
  turnServers: string[];
}

/** A parsed `stun:`/`turn:` URL (RFC 7064/7065). */
interface IceUrl {
  scheme: "stun" | "stuns" | "turn" | "turns";
  /** Host, IPv6 in brackets. */
  host: string;
  port: number | undefined;
  transport: string | undefined;
}

/** Parses `scheme:host[:port][?transport=x]`; undefined when it is not one. */
export function parseIceUrl(url: string): IceUrl | undefined {
  const m =
    /^(stuns?|turns?):(\[[0-9A-Fa-f:.]+\]|[^:?\[\]\/@]+)(?::(\d{1,5}))?(?:\?transport=(udp|tcp))?$/
      .exec(url.trim());
  if (!m) return undefined;
  return {
    scheme: m[1] as IceUrl["scheme"],
    host: m[2]!,
    port: m[3] === undefined ? undefined : Number(m[3]),
    transport: m[4],
  };
}

/**
 * Percent-escapes every character outside RFC 3986's unreserved set
 * (`A-Z a-z 0-9 - . _ ~`), so `:` `/` `+` `=` `@` cannot be misread.
 */
export function escapeUserinfo(s: string): string {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * Converts browser ICE servers to webrtcbin's form: the first `stun:` URL
 * (port 3478 when absent) and every `turn:`/`turns:` URL with its server's
 * credentials. `stuns:` and unparsable URLs are skipped.
 */
export function webrtcbinServers(iceServers: readonly IceServer[]): WebrtcbinServers {
  let stunServer = "";
  const turnServers: string[] = [];
  for (const server of iceServers) {
    const urls = typeof server.urls === "string" ? [server.urls] : server.urls;
    for (const text of urls) {
      const url = parseIceUrl(text);
      if (!url) continue;
      if (url.scheme === "stun") {
        if (stunServer === "") stunServer = `stun://${url.host}:${url.port ?? 3478}`;
      } else if (url.scheme !== "stuns" && server.username && server.credential) {
        const userinfo = `${escapeUserinfo(server.username)}:${escapeUserinfo(server.credential)}`;
        const port = url.port ?? (url.scheme === "turns" ? 5349 : 3478);
        const query = url.transport && url.scheme === "turn" ? `?transport=${url.transport}` : "";
        turnServers.push(`${url.scheme}://${userinfo}@${url.host}:${port}${query}`);
      }
    }
  }
  return { stunServer, turnServers };
}

/** A TURN server as libnice takes it: what a webrtcbin TURN URI says. */
export interface TurnRelay {
  /** Host name or IP address, IPv6 without brackets. */
  host: string;
  port: number;
  username: string;
  password: string;
  /** Transport to the server. */
  type: "udp" | "tcp" | "tls";
}

/**
 * The relays a webrtcbin TURN URI stands for, as webrtcbin reads it:
 * `turns:` is TLS, `turn:` is UDP and/or TCP by its `transport` (both when
 * absent). Empty when the URI is not one.
 */
export function turnRelays(uri: string): TurnRelay[] {
  const m =
    /^(turns?):\/\/([^:@]*):([^@]*)@(\[[0-9A-Fa-f:.]+\]|[^:?\[\]\/@]+):(\d{1,5})(?:\?transport=(udp|tcp))?$/
      .exec(uri);
  if (!m) return [];
  let username: string, password: string;
  try {
    [username, password] = [decodeURIComponent(m[2]!), decodeURIComponent(m[3]!)];
  } catch {
    return []; // a stray % that escapes nothing
  }
  const base = { host: m[4]!.replace(/^\[(.*)\]$/, "$1"), port: Number(m[5]), username, password };
  if (m[1] === "turns") return [{ ...base, type: "tls" }];
  const types = m[6] ? [m[6] as "udp" | "tcp"] : ["udp", "tcp"] as const;
  return types.map((type) => ({ ...base, type }));
}

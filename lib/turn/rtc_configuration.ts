/**
 * The RTC configuration the browser gets (`{"iceServers": [...]}`), as
 * `RTCPeerConnection` takes it, and its parser for text from outside: the
 * `--rtc-config-json` file, a TURN REST service, Cloudflare. Extra fields
 * that selkies-gstreamer writes (`lifetimeDuration`, `blockStatus`) are
 * accepted; `lifetimeDuration` says when the credentials expire.
 *
 * @module
 */

import type { IceServer } from "../protocol/signalling.ts";

/** What the browser passes to `new RTCPeerConnection()`. */
export interface RtcConfiguration {
  iceServers: IceServer[];
  /** `relay`: the browser uses TURN relays only. Absent: `all`. */
  iceTransportPolicy?: "all" | "relay";
}

/** An RTC configuration and, when known, when its credentials expire. */
export interface IceGrant {
  config: RtcConfiguration;
  /** Expiry of the credentials, in ms since the epoch; absent: unknown or never. */
  expiresAtMs?: number;
}

const URL_SCHEME = /^(stuns?|turns?):/;

/**
 * Parses an RTC configuration from JSON text. Throws `RangeError`
 * `Cannot read RTC configuration from <source>: <reason>` when it is not
 * JSON, has no `iceServers` array, or holds a server `RTCPeerConnection`
 * would refuse (unknown scheme, TURN without username and credential).
 * `nowMs` turns a `lifetimeDuration` such as `"86400s"` into an expiry.
 */
export function parseRtcConfiguration(text: string, source: string, nowMs: number): IceGrant {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RangeError(`Cannot read RTC configuration from ${source}: not JSON`);
  }
  const o = isObject(value) ? value : {};
  const config: RtcConfiguration = { iceServers: iceServerList(o.iceServers, source) };
  if (o.iceTransportPolicy === "relay" || o.iceTransportPolicy === "all") {
    config.iceTransportPolicy = o.iceTransportPolicy;
  }
  const grant: IceGrant = { config };
  const lifetime = /^(\d+)s$/.exec(String(o.lifetimeDuration ?? ""));
  if (lifetime) grant.expiresAtMs = nowMs + Number(lifetime[1]) * 1000;
  return grant;
}

/**
 * Checks a list of ICE servers (an array, or one server object as
 * Cloudflare's older API returns it). Throws `RangeError` naming `source`.
 */
export function iceServerList(value: unknown, source: string): IceServer[] {
  const fail = (reason: string): never => {
    throw new RangeError(`Cannot read RTC configuration from ${source}: ${reason}`);
  };
  if (isObject(value)) value = [value];
  if (!Array.isArray(value)) return fail('"iceServers" must be an array');
  return value.map((entry: unknown, i): IceServer => {
    const where = `iceServers[${i}]`;
    if (!isObject(entry)) return fail(`${where} must be an object`);
    const urls = typeof entry.urls === "string" ? [entry.urls] : entry.urls;
    if (
      !Array.isArray(urls) || urls.length === 0 || !urls.every((u) => typeof u === "string")
    ) {
      return fail(`${where}.urls must be a URL or a non-empty list of URLs`);
    }
    const bad = urls.find((u) => !URL_SCHEME.test(u));
    if (bad !== undefined) {
      return fail(`${where}: "${bad}" is not a stun:, stuns:, turn: or turns: URL`);
    }
    const server: IceServer = { urls: entry.urls as string | string[] };
    for (const field of ["username", "credential"] as const) {
      const v = entry[field];
      if (v === undefined) continue;
      if (typeof v !== "string") return fail(`${where}.${field} must be a string`);
      server[field] = v;
    }
    if (urls.some((u) => u.startsWith("turn")) && (!server.username || !server.credential)) {
      return fail(`${where} is a TURN server without "username" and "credential"`);
    }
    return server;
  });
}

/**
 * The expiry a coturn time-limited user name carries (`<unix seconds>:<user>`,
 * the TURN REST API convention), in ms since the epoch; undefined otherwise.
 */
export function usernameExpiryMs(username: string | undefined): number | undefined {
  const m = /^(\d{9,11})(:|$)/.exec(username ?? "");
  return m ? Number(m[1]) * 1000 : undefined;
}

/**
 * The earliest expiry of `grant`: its own, or the earliest time-limited
 * user name among its servers.
 */
export function grantExpiryMs(grant: IceGrant): number | undefined {
  const times = grant.config.iceServers.map((s) => usernameExpiryMs(s.username));
  if (grant.expiresAtMs !== undefined) times.push(grant.expiresAtMs);
  const known = times.filter((t): t is number => t !== undefined);
  return known.length === 0 ? undefined : Math.min(...known);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

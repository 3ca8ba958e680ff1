/**
 * A TURN REST service client, as selkies-gstreamer's `--turn_rest_uri`:
 * `GET <uri>` with the user name, the TURN transport and TLS wish in three
 * configurable headers; the answer is an RTC configuration
 * (`{"iceServers": [...]}`), e.g. from selkies' coturn-web or turn-rest.
 *
 * @module
 */

import { type IceGrant, parseRtcConfiguration } from "./rtc_configuration.ts";

/** Options of {@linkcode fetchTurnRest}. */
export interface TurnRestOptions {
  /** User name the service makes credentials for (`:` becomes `-`). */
  username: string;
  /** TURN transport the browser should use. */
  protocol: "udp" | "tcp";
  /** Whether the browser should use TURN over TLS. */
  tls: boolean;
  /** Header names; defaults `x-auth-user`, `x-turn-protocol`, `x-turn-tls`. */
  headers?: { username?: string; protocol?: string; tls?: string };
  /** Gives up after this long, in ms. Default 10000. */
  timeoutMs?: number;
  /** The current time, in ms since the epoch (for `lifetimeDuration`). Default `Date.now()`. */
  nowMs?: number;
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/**
 * Asks the TURN REST service at `uri` for an RTC configuration. Throws an
 * `Error` saying what went wrong (unreachable, HTTP status, empty or bad
 * JSON); the URI's query and user info never appear in it.
 */
export async function fetchTurnRest(uri: string, options: TurnRestOptions): Promise<IceGrant> {
  const names = options.headers ?? {};
  const where = describeUrl(uri);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(uri, {
      headers: {
        [names.username ?? "x-auth-user"]: options.username.replaceAll(":", "-"),
        [names.protocol ?? "x-turn-protocol"]: options.protocol,
        [names.tls ?? "x-turn-tls"]: String(options.tls),
      },
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new Error(`Cannot reach the TURN REST service ${where}: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`The TURN REST service ${where} answered HTTP ${response.status}`);
  }
  if (text.trim() === "") throw new Error(`The TURN REST service ${where} answered nothing`);
  return parseRtcConfiguration(text, `the TURN REST service ${where}`, options.nowMs ?? Date.now());
}

/** `scheme://host[:port]/path` of `uri`, without user info or query (they may hold tokens). */
export function describeUrl(uri: string): string {
  try {
    const url = new URL(uri);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return "(bad URL)";
  }
}

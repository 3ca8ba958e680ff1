/**
 * Cloudflare's TURN service (`--enable-cloudflare-turn`): short-lived
 * credentials from `POST /v1/turn/keys/<key id>/credentials/generate` with
 * the API token as a bearer token and the lifetime in the body. The answer's
 * `iceServers` is one server object (or, in the newer API, a list).
 *
 * @module
 */

import { type IceGrant, iceServerList } from "./rtc_configuration.ts";

/** Cloudflare's TURN API. */
export const CLOUDFLARE_TURN_URL = "https://rtc.live.cloudflare.com";

/** Lifetime asked for, in seconds: 24 h, as selkies-gstreamer. */
export const CLOUDFLARE_TURN_TTL_S = 24 * 3600;

/** Options of {@linkcode fetchCloudflareTurn}. */
export interface CloudflareTurnOptions {
  /** Credential lifetime asked for, in seconds. Default 86400. */
  ttlS?: number;
  /** Base URL of the API (tests point it at a local server). Default {@linkcode CLOUDFLARE_TURN_URL}. */
  baseUrl?: string;
  /** Gives up after this long, in ms. Default 10000. */
  timeoutMs?: number;
  /** The current time, in ms since the epoch. Default `Date.now()`. */
  nowMs?: number;
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/**
 * Asks Cloudflare for TURN credentials for key `keyId`. Throws an `Error`
 * saying what went wrong; the token never appears in it.
 */
export async function fetchCloudflareTurn(
  keyId: string,
  apiToken: string,
  options: CloudflareTurnOptions = {},
): Promise<IceGrant> {
  const ttlS = options.ttlS ?? CLOUDFLARE_TURN_TTL_S;
  const nowMs = options.nowMs ?? Date.now();
  const base = (options.baseUrl ?? CLOUDFLARE_TURN_URL).replace(/\/$/, "");
  const url = `${base}/v1/turn/keys/${encodeURIComponent(keyId)}/credentials/generate`;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: "POST",
      headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json" },
      body: JSON.stringify({ ttl: ttlS }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new Error(`Cannot reach Cloudflare TURN: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`Cloudflare TURN answered HTTP ${response.status}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error("Cloudflare TURN answered something that is not JSON");
  }
  const iceServers = iceServerList(
    (body as { iceServers?: unknown } | null)?.iceServers,
    "Cloudflare TURN",
  );
  return { config: { iceServers }, expiresAtMs: nowMs + ttlS * 1000 };
}

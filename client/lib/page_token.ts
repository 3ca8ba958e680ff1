/**
 * Where the page's signalling lives (the `/ws` URL and its `ws-token` beside
 * it, under any sub-path and behind TLS) and fetching a page token, with the
 * HTTP status kept when the server refuses (401, 403, 429).
 *
 * @module
 */

import { PAGE_TOKEN_PATH, type PageTokenResponse } from "../../lib/protocol/page_token.ts";
import type { FailureReason } from "./connection_state.ts";

/** Builds the signalling URL from the page's location (works under a sub-path and behind TLS). */
export function signallingUrl(
  location: { protocol: string; host: string; pathname: string },
): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const base = location.pathname.replace(/[^/]*$/, "");
  return `${scheme}//${location.host}${base}ws`;
}

/** The page-token URL beside a signalling URL: `wss://h/desk/ws` gives `https://h/desk/ws-token`. */
export function pageTokenUrl(signalling: string): string {
  const url = new URL(PAGE_TOKEN_PATH, signalling);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  return url.href;
}

/** A `ws-token` request the server answered with an error status. */
export class PageTokenError extends Error {
  /** The HTTP status, e.g. 401. */
  readonly status: number;
  /** `Retry-After` in ms (429), when the server said. */
  readonly retryAfterMs: number | undefined;
  constructor(status: number, retryAfterMs: number | undefined) {
    super(`${PAGE_TOKEN_PATH}: HTTP ${status}`);
    this.name = "PageTokenError";
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Fetches a fresh page token (same origin: the browser sends its cached credentials). */
export async function fetchPageToken(url: string): Promise<string> {
  const res = await fetch(url, { cache: "no-store", credentials: "same-origin" });
  if (!res.ok) {
    const after = Number(res.headers.get("Retry-After"));
    await res.body?.cancel();
    throw new PageTokenError(res.status, after > 0 ? after * 1000 : undefined);
  }
  const body = await res.json() as Partial<PageTokenResponse>;
  if (typeof body.token !== "string") throw new Error(`${PAGE_TOKEN_PATH}: no token`);
  return body.token;
}

/**
 * What to do when the page token did not come (`refusal`: the server's
 * answer, if it answered): a refused login (401) or page (403) stops and
 * waits for the user, since retrying a refused password only adds failed
 * logins; a blocked login (429) retries after `Retry-After`; anything else
 * (no answer) retries as unreachable.
 */
export function afterTokenFailure(
  refusal: Pick<PageTokenError, "status" | "retryAfterMs"> | undefined,
): { stop: FailureReason } | { retry: FailureReason; waitMs?: number } {
  const status = refusal?.status ?? 0;
  if (status === 401) return { stop: "unauthorized" };
  if (status === 403) return { stop: "forbidden" };
  if (status === 429) {
    const waitMs = refusal?.retryAfterMs;
    return waitMs === undefined ? { retry: "login-blocked" } : { retry: "login-blocked", waitMs };
  }
  return { retry: "unreachable" };
}

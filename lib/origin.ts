/**
 * The Origin check on the signalling WebSocket: a browser sends `Origin` on
 * every WebSocket upgrade and a page cannot forge it, so comparing it with
 * the page's own origin stops other sites from opening the socket with the
 * user's cached credentials (cross-site WebSocket hijacking).
 *
 * The page's own origin is worked out from the request: `https` when Skerry
 * serves TLS itself, else the scheme a reverse proxy names in
 * `X-Forwarded-Proto` (a page cannot set that header on a WebSocket upgrade
 * either, and a non-browser client that could set it can set `Origin` too),
 * else `http`; then the `Host` header. Origins listed in `--allowed-origins`
 * are accepted as well.
 *
 * @module
 */

/** What the check concluded. */
export type OriginVerdict =
  /** `Origin` is the page's own origin. */
  | "same"
  /** `Origin` is one of `--allowed-origins`. */
  | "allowed"
  /** No `Origin`: not a browser (every browser sends it on a WebSocket upgrade). */
  | "absent"
  /** Anything else: refuse. */
  | "refused";

/** The request fields the check reads. */
export interface OriginRequest {
  /** The `Origin` header. */
  origin: string | undefined;
  /** The `Host` header. */
  host: string | undefined;
  /** The first value of `X-Forwarded-Proto`, if a proxy sent one. */
  forwardedProto: string | undefined;
  /** Whether this server terminated TLS for the request. */
  https: boolean;
}

/** The page's own origin as the browser sees it, or undefined when `Host` is unusable. */
export function ownOrigin(request: Omit<OriginRequest, "origin">): string | undefined {
  const proto = request.https
    ? "https"
    : /^\s*(https?)\s*(,|$)/i.exec(request.forwardedProto ?? "")?.[1]?.toLowerCase() ?? "http";
  return normalize(`${proto}://${request.host ?? ""}`);
}

/** Decides whether a WebSocket upgrade's `Origin` may open the socket. */
export function checkOrigin(request: OriginRequest, allowed: readonly string[]): OriginVerdict {
  if (request.origin === undefined) return "absent";
  const origin = normalize(request.origin);
  if (origin === undefined) return "refused";
  if (origin === ownOrigin(request)) return "same";
  return allowed.some((a) => normalize(a) === origin) ? "allowed" : "refused";
}

/** `scheme://host[:port]` in canonical form (default port dropped, lower case), or undefined. */
function normalize(origin: string): string | undefined {
  // Only a scheme and an authority: no path, query, fragment or user info ("null" is no origin).
  if (!/^https?:\/\/[^/?#@\s]+$/i.test(origin)) return undefined;
  try {
    return new URL(origin).origin;
  } catch {
    return undefined;
  }
}

/**
 * The two locks on the signalling WebSocket (README, "Security"): the
 * `Origin` of the upgrade must be the page's own origin or one listed in
 * `--allowed-origins` (lib/origin.ts), and the upgrade must offer a page
 * token (lib/page_token.ts) that only Skerry's own page can have fetched
 * from `GET ws-token`. Refusals are 403 and logged with the client address.
 * A token is bound to the role of the login that fetched it, and verifies
 * only for a request with the same role.
 *
 * @module
 */

import type { Context, Handler, MiddlewareHandler } from "hono";
import { getLogger } from "@logtape/logtape";
import { roleOf } from "./login_guard.ts";
import { checkOrigin } from "./origin.ts";
import type { PageTokens } from "./page_token.ts";
import { type PageTokenResponse, tokenFromProtocols } from "./protocol/page_token.ts";

const log = getLogger(["skerry", "http"]);

/** Options of {@linkcode wsGuard}. */
export interface WsGuardOptions {
  /** Whether this server terminates TLS (the page's scheme is then https). */
  https: boolean;
  /** Other page origins allowed, e.g. a reverse proxy's. */
  allowedOrigins: readonly string[];
  /** Issues and checks page tokens. */
  tokens: PageTokens;
  /** The client address of a request. */
  addressOf: (c: Context) => string;
}

/** Middleware in front of the `/ws` upgrade: refuses foreign origins and missing tokens. */
export function wsGuard(options: WsGuardOptions): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header("Origin");
    const verdict = checkOrigin({
      origin,
      host: c.req.header("Host") ?? new URL(c.req.url).host,
      forwardedProto: c.req.header("X-Forwarded-Proto"),
      https: options.https,
    }, options.allowedOrigins);
    if (verdict === "refused") {
      log.warn("Refused a WebSocket from origin {origin} at {address}", {
        origin: origin?.slice(0, 200),
        address: options.addressOf(c),
      });
      return c.text("Forbidden", 403);
    }
    const token = tokenFromProtocols(c.req.header("Sec-WebSocket-Protocol"));
    if (!(await options.tokens.verify(token, roleOf(c)))) {
      log.warn("Refused a WebSocket with {problem} page token at {address}", {
        problem: token === undefined ? "no" : "an invalid or expired",
        address: options.addressOf(c),
      });
      return c.text("Forbidden", 403);
    }
    await next();
  };
}

/**
 * `GET ws-token`: a fresh page token as `{"token": "..."}`, never cached.
 * Refuses requests a browser marks as coming from another site.
 */
export function pageTokenRoute(tokens: PageTokens): Handler {
  return async (c) => {
    const site = c.req.header("Sec-Fetch-Site");
    if (site !== undefined && site !== "same-origin" && site !== "none") {
      return c.text("Forbidden", 403);
    }
    const body: PageTokenResponse = { token: await tokens.issue(roleOf(c)) };
    return c.json(body, 200, { "Cache-Control": "no-store" });
  };
}

/**
 * HTTP Basic authentication with a failed-login limit: every wrong password
 * is logged with the client's address (never with what was typed), and an
 * address with too many recent failures gets 429 until its block ends,
 * whatever it sends (docs in README, "Security").
 *
 * The password decides the role ({@linkcode roleOf}): the full-control
 * password gives `full`, the view-only one (same user name) `view`. Every
 * request is checked on its own, so the role is the one of the credentials
 * the browser sent with it.
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import { basicAuth } from "hono/basic-auth";
import { timingSafeEqual } from "hono/utils/buffer";
import { getLogger } from "@logtape/logtape";
import type { LoginLimiter } from "./login_limiter.ts";
import type { Role } from "./protocol/control.ts";

declare module "hono" {
  interface ContextVariableMap {
    /** What the request's login may do; set by {@linkcode loginGuard}. */
    role: Role;
  }
}

const log = getLogger(["skerry", "auth"]);

/** Options of {@linkcode loginGuard}. */
export interface LoginGuardOptions {
  /** The one valid user name, its full-control password and its optional view-only one. */
  credentials: { username: string; password: string; viewOnlyPassword?: string };
  /** Counts failures per address. */
  limiter: LoginLimiter;
  /** The client address of a request. */
  addressOf: (c: Context) => string;
}

/** Middleware: Basic auth, rate-limited per client address. */
export function loginGuard(options: LoginGuardOptions): MiddlewareHandler {
  const { credentials, limiter, addressOf } = options;
  const basic = basicAuth({
    realm: "Skerry",
    verifyUser: async (username, password, c) => {
      // Both passwords are always compared: the time taken says nothing about which matched.
      const [userOk, fullOk, viewOk] = await Promise.all([
        timingSafeEqual(credentials.username, username),
        timingSafeEqual(credentials.password, password),
        credentials.viewOnlyPassword === undefined
          ? Promise.resolve(false)
          : timingSafeEqual(credentials.viewOnlyPassword, password),
      ]);
      if (userOk && (fullOk || viewOk)) {
        c.set("role", fullOk ? "full" : "view");
        return true;
      }
      const address = addressOf(c);
      const verdict = limiter.fail(address);
      if (verdict.blockedForMs === undefined) {
        log.warn("Failed login from {address} ({failures} recent failures)", {
          address,
          failures: verdict.failures,
        });
      } else {
        log.warn("Failed login from {address}; refusing it for {seconds} s", {
          address,
          seconds: Math.round(verdict.blockedForMs / 1000),
        });
      }
      return false;
    },
  });
  return async (c, next) => {
    const waitMs = limiter.retryAfterMs(addressOf(c));
    if (waitMs > 0) {
      // No WWW-Authenticate: a browser should not prompt again.
      return c.text("Too many failed logins; try again later", 429, {
        "Retry-After": String(Math.ceil(waitMs / 1000)),
      });
    }
    return await basic(c, next);
  };
}

/** What the request's login may do: `full` when authentication is off. */
export function roleOf(c: Context): Role {
  return c.get("role") ?? "full";
}

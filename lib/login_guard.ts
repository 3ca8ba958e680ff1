/**
 * HTTP Basic authentication with a failed-login limit: every wrong password
 * is logged with the client's address (never with what was typed), and an
 * address with too many recent failures gets 429 until its block ends,
 * whatever it sends (docs in README, "Security").
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import { basicAuth } from "hono/basic-auth";
import { timingSafeEqual } from "hono/utils/buffer";
import { getLogger } from "@logtape/logtape";
import type { LoginLimiter } from "./login_limiter.ts";

const log = getLogger(["skerry", "auth"]);

/** Options of {@linkcode loginGuard}. */
export interface LoginGuardOptions {
  /** The one valid user name and password. */
  credentials: { username: string; password: string };
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
      const [userOk, passwordOk] = await Promise.all([
        timingSafeEqual(credentials.username, username),
        timingSafeEqual(credentials.password, password),
      ]);
      if (userOk && passwordOk) return true;
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

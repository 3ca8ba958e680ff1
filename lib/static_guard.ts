/**
 * What the web root never serves: files and directories whose name starts
 * with a dot (`.git/`, `.env`, `.htpasswd`) and source maps (`*.map`, which
 * would hand out the client's source). Both answer 404, as if absent.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";

/** Whether a request path may be looked up in the web root. */
export function servablePath(path: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  if (/[\\\0]/.test(decoded) || decoded.toLowerCase().endsWith(".map")) return false;
  return !decoded.split("/").some((segment) => segment.startsWith("."));
}

/** Middleware in front of the static files: 404 for paths {@linkcode servablePath} refuses. */
export function staticGuard(): MiddlewareHandler {
  return async (c, next) => {
    if (!servablePath(c.req.path)) return c.notFound();
    await next();
  };
}

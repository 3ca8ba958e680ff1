/**
 * The response headers that lock the page down (README, "Security"): a
 * strict Content-Security-Policy, no framing, no referrer, only the browser
 * features the client uses, and HSTS only when Skerry itself serves HTTPS
 * (over plain HTTP it would be ignored at best, and a proxy in front sets
 * its own).
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/**
 * The Content-Security-Policy of every response. `connect-src 'self'` covers
 * the page's own ws:/wss: URL (CSP Level 3; Chromium and Firefox); inline
 * styles are what Preact's `style` props and the status line use.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Browser features: the ones the client uses (fullscreen, gamepads, the
 * keyboard layout map, the clipboard, the microphone for audio input) for
 * the page itself, the powerful others for nobody.
 */
export const PERMISSIONS_POLICY = [
  "fullscreen=(self)",
  "gamepad=(self)",
  "keyboard-map=(self)",
  "clipboard-read=(self)",
  "clipboard-write=(self)",
  "microphone=(self)",
  "camera=()",
  "display-capture=()",
  "geolocation=()",
  "payment=()",
  "usb=()",
  "serial=()",
  "hid=()",
  "midi=()",
].join(", ");

/** HSTS over HTTPS: one year; subdomains are not Skerry's to decide. */
export const STRICT_TRANSPORT_SECURITY = "max-age=31536000";

/** Middleware setting the security headers on every response. */
export function securityHeaders(options: { https: boolean }): MiddlewareHandler {
  const headers = secureHeaders({
    xFrameOptions: "DENY",
    strictTransportSecurity: options.https ? STRICT_TRANSPORT_SECURITY : false,
  });
  return async (c, next) => {
    await headers(c, next);
    // A 101 Switching Protocols answer carries no page: leave it alone.
    if (c.res.status === 101) return;
    c.res.headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    c.res.headers.set("Permissions-Policy", PERMISSIONS_POLICY);
  };
}

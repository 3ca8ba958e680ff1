/**
 * The routes that make the client an installable web app: the manifest, the
 * service worker and the icons. They are served without authentication:
 * browsers fetch manifests and their icons without credentials, and none of
 * these reveals more than the configured app name.
 *
 * @module
 */

import { Hono } from "hono";
import { renderIcon } from "./icon.ts";
import { encodePng } from "./png.ts";
import { serviceWorkerScript } from "./service_worker.ts";
import { ICON_SIZES, iconFile, type PwaOptions, webManifest } from "./web_manifest.ts";

/** Path of the manifest, relative to the page. */
export const MANIFEST_PATH = "manifest.webmanifest";
/** Path of the service worker, relative to the page (its scope is the page's directory). */
export const SERVICE_WORKER_PATH = "sw.js";

const HEADERS = { "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff" };

/** A Hono app with the PWA routes, to mount at the client's root. */
export function pwaRoutes(options: PwaOptions): Hono {
  const app = new Hono();
  const manifest = JSON.stringify(webManifest(options), null, 2);
  const script = serviceWorkerScript(options);
  const icons = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  app.get(
    `/${MANIFEST_PATH}`,
    (c) => c.body(manifest, 200, { ...HEADERS, "Content-Type": "application/manifest+json" }),
  );
  app.get(
    `/${SERVICE_WORKER_PATH}`,
    (c) => c.body(script, 200, { ...HEADERS, "Content-Type": "text/javascript; charset=utf-8" }),
  );
  for (const size of ICON_SIZES) {
    const file = iconFile(size);
    app.get(`/${file}`, async (c) => {
      // Drawn on first request (a few ms for 512 px), then kept.
      let png = icons.get(file);
      if (!png) icons.set(file, png = encodePng(renderIcon(size), { width: size, height: size }));
      return c.body(await png, 200, { ...HEADERS, "Content-Type": "image/png" });
    });
  }
  return app;
}

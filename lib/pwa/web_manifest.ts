/**
 * The web app manifest, written at serve time from `--pwa-app-name`,
 * `--pwa-app-short-name` and `--pwa-start-url` (selkies-gstreamer's
 * `PWA_APP_NAME`, `PWA_APP_SHORT_NAME`, `PWA_START_URL`, which its README
 * applies with `sed` to installed files).
 *
 * @module
 */

import { ICON_BACKGROUND } from "./icon.ts";

/** What the installable app is called and where it starts. */
export interface PwaOptions {
  /** Full name (install dialog, app list). */
  name: string;
  /** Short name (home screen label). */
  shortName: string;
  /** Start URL, relative to the manifest (which sits beside the page). */
  startUrl: string;
}

/** Icon files served beside the manifest, by pixel size. */
export const ICON_SIZES = [192, 512] as const;

/** The icon file name for `size` pixels. */
export function iconFile(size: number): string {
  return `icon-${size}.png`;
}

/** The manifest as a JSON-ready object. */
export function webManifest(options: PwaOptions): Record<string, unknown> {
  return {
    name: options.name,
    short_name: options.shortName,
    start_url: options.startUrl,
    // standalone: a window of its own without browser UI; keyboard shortcuts reach the desktop.
    display: "standalone",
    background_color: ICON_BACKGROUND,
    theme_color: ICON_BACKGROUND,
    icons: [
      ...ICON_SIZES.map((size) => ({
        src: iconFile(size),
        sizes: `${size}x${size}`,
        type: "image/png",
        purpose: "any",
      })),
      // The motif stays in the central safe zone, so the same image is maskable.
      { src: iconFile(512), sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
  };
}

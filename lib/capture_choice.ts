/**
 * Which capture a display gets: `--capture=damage` only where the helper can
 * run it (the libraries installed, a local display with DAMAGE, XFIXES and
 * MIT-SHM), else ximagesrc with one warning.
 *
 * @module
 */

import type { Config } from "./config.ts";

/**
 * The damage capture needs DAMAGE, XFIXES and MIT-SHM on a local display;
 * elsewhere (a remote display, a server without them) ximagesrc reads it.
 */
export async function chooseCapture(
  requested: Config["capture"],
  display: { name: string; cookie?: Uint8Array },
  log: { warn(message: string, props: Record<string, unknown>): void },
): Promise<Config["capture"]> {
  if (requested !== "damage") return requested;
  const { missingCapturePackages } = await import("../ffi/xcb.ts");
  const packages = missingCapturePackages();
  if (packages.length > 0) {
    log.warn("Damage capture needs {packages}: capturing with ximagesrc", {
      packages: packages.join(", "),
    });
    return "ximagesrc";
  }
  const { openX11, hasExtension } = await import("../ffi/x11.ts");
  // A host before the colon: the X server is elsewhere and cannot share memory with the helper.
  const host = display.name.slice(0, display.name.lastIndexOf(":"));
  const remote = host !== "" && host !== "unix";
  const x = openX11(display.name, display.cookie ? { cookie: display.cookie } : {});
  const missing = remote
    ? ["a local display"]
    : ["DAMAGE", "XFIXES", "MIT-SHM"].filter((name) => !hasExtension(x, name));
  x.close();
  if (missing.length === 0) return requested;
  log.warn("Damage capture needs {missing}: capturing with ximagesrc", {
    missing: missing.join(", "),
  });
  return "ximagesrc";
}

/**
 * Whether x264enc tiers encode through libx264 beside the pipeline
 * (`--x264-mb-info`): only with the damage capture, which knows what
 * changed, and only where libx264.so.164 loads (else x264enc, with one
 * warning).
 */
export async function chooseLibx264(
  requested: boolean,
  capture: Config["capture"],
  log: { warn(message: string, props: Record<string, unknown>): void },
): Promise<boolean> {
  // Without the damage capture nothing says what changed: x264enc, as asked by --capture.
  if (!requested || capture !== "damage") return false;
  const { libx264Available } = await import("../ffi/x264.ts");
  if (libx264Available()) return true;
  log.warn("--x264-mb-info: cannot load {library}: encoding with x264enc", {
    library: "libx264.so.164",
  });
  return false;
}

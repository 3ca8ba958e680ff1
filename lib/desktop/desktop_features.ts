/**
 * Starts the desktop features from the options: resize (xrandr on a
 * resizable display, a notice on Xvfb), the X clipboard and the cursor feed
 * on one X connection, and the hub that serves every viewer. `cli.ts`
 * calls {@linkcode startDesktopFeatures} once.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { childCommand } from "../child_command.ts";
import { randrOutput, setScreenSize } from "../display.ts";
import type { ClipboardDirection, ResizeMode } from "../protocol/desktop.ts";
import { CursorWatch } from "./cursor_watch.ts";
import { DesktopHub } from "./desktop_hub.ts";
import { ResizePolicy, type ScreenChange } from "./resize_policy.ts";
import { XClipboard } from "./x_clipboard.ts";
import { XEventLoop } from "./x_event_loop.ts";

const log = getLogger(["skerry", "desktop"]);

/** The display the features work on. */
export interface FeatureDisplay {
  name: string;
  /** The embedded display's server; undefined for the user's DISPLAY. */
  backend?: "xorg" | "xvfb";
  cookie?: Uint8Array;
  /** DISPLAY and XAUTHORITY for xrandr and xrdb. */
  env: Record<string, string>;
}

/** The options the features read (a subset of `Config`). */
export interface FeatureOptions {
  enableResize: boolean;
  resizeHidpi: boolean;
  resizeMax: { width: number; height: number };
  enableClipboard: ClipboardDirection;
  clipboardMaxBytes: number;
  enableCursors: boolean;
  cursorSize: number;
  debugCursors: boolean;
}

/** The running features. */
export interface DesktopFeatures {
  /** What the signalling connections call. */
  hub: DesktopHub;
  /** The resize policy, when the screen follows a window (roles may pick its driver). */
  resize: ResizePolicy | undefined;
  close(): Promise<void>;
}

/**
 * Starts what the options ask for on `display`. `showPointer` switches the
 * pointer drawn into the video (pointer lock). Never throws for a missing
 * X extension or tool: that feature is off, with one warning.
 */
export async function startDesktopFeatures(
  display: FeatureDisplay,
  options: FeatureOptions,
  hooks: {
    showPointer(visible: boolean): void;
    /** Which viewer's window the screen follows (roles: the controller). Default the first. */
    driver?: (viewers: readonly string[]) => string | undefined;
  },
): Promise<DesktopFeatures> {
  const { mode, policy } = await startResize(display, options, hooks.driver);
  let loop: XEventLoop | undefined;
  let clipboard: XClipboard | undefined;
  let cursors: CursorWatch | undefined;
  const wantClipboard = options.enableClipboard !== "off";
  if (wantClipboard || options.enableCursors) {
    try {
      loop = XEventLoop.open(display.name, display.cookie ? { cookie: display.cookie } : {});
      if (wantClipboard) clipboard = new XClipboard(loop, { maxBytes: options.clipboardMaxBytes });
      if (options.enableCursors) {
        cursors = new CursorWatch(loop, { size: options.cursorSize, debug: options.debugCursors });
      }
      loop.start();
    } catch (error) {
      log.warn("Clipboard and cursors disabled: {reason}", { reason: (error as Error).message });
    }
  }
  const hub = new DesktopHub({
    resize: { mode, hidpi: options.resizeHidpi, ...(policy ? { policy } : {}) },
    clipboard: {
      direction: clipboard ? options.enableClipboard : "off",
      maxBytes: options.clipboardMaxBytes,
      ...(clipboard ? { side: clipboard } : {}),
    },
    ...(cursors ? { cursors } : {}),
    showPointer: hooks.showPointer,
  });
  return {
    hub,
    resize: policy,
    async close() {
      policy?.close();
      hub.close();
      clipboard?.close();
      await loop?.close();
    },
  };
}

/** Whether and how the screen follows the first viewer's window. */
async function startResize(
  display: FeatureDisplay,
  options: FeatureOptions,
  driver: ((viewers: readonly string[]) => string | undefined) | undefined,
): Promise<{ mode: ResizeMode; policy?: ResizePolicy }> {
  if (!options.enableResize) return { mode: "off" };
  const randr = display.backend === "xvfb" ? undefined : await randrOutput(display);
  if (!randr?.resizable) {
    log.warn(
      "--enable-resize: {display} cannot change its screen size ({why}); viewers get the desktop scaled to their window",
      {
        display: display.name,
        why: display.backend === "xvfb" ? "Xvfb" : randr ? "Xvfb" : "no RandR output",
      },
    );
    return { mode: "fixed" };
  }
  const apply = async (change: ScreenChange) => {
    const started = performance.now();
    await setScreenSize(
      { name: display.name, backend: "xorg", env: display.env },
      change.width,
      change.height,
      { output: randr.output, ...(options.resizeHidpi ? { dpi: change.dpi } : {}) },
    );
    if (options.resizeHidpi) await setXftDpi(display, change.dpi);
    log.info("Screen of {display} is now {width}x{height} at {dpi} DPI ({ms} ms)", {
      display: display.name,
      ...change,
      ms: Math.round(performance.now() - started),
    });
  };
  const policy = new ResizePolicy({
    rules: { hidpi: options.resizeHidpi, max: options.resizeMax },
    ...(driver ? { driver } : {}),
    apply,
    onError: (error, change) =>
      log.warn("Cannot resize to {width}x{height}: {reason}", {
        ...change,
        reason: (error as Error).message,
      }),
  });
  return { mode: "on", policy };
}

/** Sets `Xft.dpi` in the X resource database: GTK and Qt programs started later scale to it. */
async function setXftDpi(display: FeatureDisplay, dpi: number): Promise<void> {
  try {
    const child = childCommand("xrdb", {
      args: ["-merge", "-nocpp"],
      role: "desktop",
      env: display.env,
      stdin: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(`Xft.dpi: ${dpi}\n`));
    await writer.close();
    await child.status;
  } catch (error) {
    log.debug("Cannot set Xft.dpi: {reason}", { reason: (error as Error).message });
  }
}

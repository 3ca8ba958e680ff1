/** Options of the desktop: which display, its size, clipboard and cursors. */

import { option, type OptionGroup } from "./option.ts";
import { bool, int, oneOf, optionalText, size, text } from "./parse.ts";
import { selkies } from "./selkies.ts";

/** Which X server the embedded display uses. */
export const X_SERVERS = ["auto", "xorg", "xvfb"] as const;
/** One of {@linkcode X_SERVERS}. */
export type XServer = typeof X_SERVERS[number];

/** Which way the clipboard may flow. */
export const CLIPBOARD_POLICIES = ["both", "to-browser", "from-browser", "off"] as const;
/** One of {@linkcode CLIPBOARD_POLICIES}. */
export type ClipboardPolicy = typeof CLIPBOARD_POLICIES[number];

/** selkies-gstreamer's clipboard values: "out" of the desktop, "in" to it. */
const CLIPBOARD_SPELLINGS: Record<string, ClipboardPolicy> = {
  true: "both",
  false: "off",
  out: "to-browser",
  in: "from-browser",
};

/** Desktop options. */
export const DESKTOP_OPTIONS = [
  option({
    key: "display",
    flag: "display",
    value: "DISPLAY",
    env: "DISPLAY",
    default: "",
    help: "X display to stream; unset: start an embedded virtual display with a small desktop",
    parse: optionalText,
  }),
  option({
    key: "screen",
    flag: "screen",
    value: "WxH",
    env: "SKERRY_SCREEN",
    default: "1280x720",
    help: "Screen size of the embedded display",
    parse: size,
  }),
  option({
    key: "xServer",
    flag: "x-server",
    value: "SERVER",
    env: "SKERRY_X_SERVER",
    default: "auto",
    help: "X server of the embedded display: auto (Xorg dummy, else Xvfb), xorg, xvfb",
    parse: oneOf(X_SERVERS),
  }),
  option({
    key: "enableResize",
    flag: "enable-resize",
    env: "SKERRY_ENABLE_RESIZE",
    ...selkies("enable_resize", "WEBRTC_ENABLE_RESIZE"),
    default: "false",
    boolean: true,
    help:
      "Resize the X screen to the first viewer's browser window (a window drag resizes once, when it stops); Xvfb cannot: the page scales instead",
    parse: bool,
  }),
  option({
    key: "resizeHidpi",
    flag: "resize-hidpi",
    env: "SKERRY_RESIZE_HIDPI",
    default: "false",
    boolean: true,
    help:
      "With resize: size the screen in device pixels (window size x devicePixelRatio) and set the X DPI to match, so apps draw crisp and at their usual physical size",
    parse: bool,
  }),
  option({
    key: "resizeMax",
    flag: "resize-max",
    value: "WxH",
    env: "SKERRY_RESIZE_MAX",
    default: "3840x2160",
    help:
      "Largest screen resize makes: longer side x shorter side, either orientation (a bigger window is scaled to fit; software encoding past 4K outruns one CPU)",
    parse: size,
  }),
  option({
    key: "enableClipboard",
    flag: "enable-clipboard",
    value: "POLICY",
    env: "SKERRY_ENABLE_CLIPBOARD",
    ...selkies("enable_clipboard"),
    default: "both",
    help:
      "Clipboard sharing: both, to-browser, from-browser, off (selkies-gstreamer's true, out, in, false too)",
    parse: (raw) =>
      CLIPBOARD_SPELLINGS[raw.trim().toLowerCase()] ??
        oneOf(CLIPBOARD_POLICIES)(raw.trim().toLowerCase()),
  }),
  option({
    key: "clipboardMaxBytes",
    flag: "clipboard-max-bytes",
    value: "BYTES",
    env: "SKERRY_CLIPBOARD_MAX_BYTES",
    default: "1048576",
    help: "Largest clipboard copied either way, in bytes (larger copies are refused with a notice)",
    parse: int(0, 64 * 1024 * 1024),
  }),
  option({
    key: "enableCursors",
    flag: "enable-cursors",
    env: "SKERRY_ENABLE_CURSORS",
    ...selkies("enable_cursors"),
    default: "true",
    boolean: true,
    help: "Show the remote cursor as the page's own cursor instead of drawing it into the video",
    parse: bool,
  }),
  option({
    key: "cursorSize",
    flag: "cursor-size",
    value: "PIXELS",
    env: "SKERRY_CURSOR_SIZE",
    ...selkies("cursor_size", "XCURSOR_SIZE"),
    default: "-1",
    help: "Cursor size in pixels; -1: the desktop's own size",
    parse: int(-1, 256),
  }),
  option({
    key: "debugCursors",
    flag: "debug-cursors",
    env: "SKERRY_DEBUG_CURSORS",
    ...selkies("debug_cursors"),
    default: "false",
    boolean: true,
    help: "Log every cursor change",
    parse: bool,
  }),
  option({
    key: "appWaitReady",
    flag: "app-wait-ready",
    env: "SKERRY_APP_WAIT_READY",
    ...selkies("app_wait_ready"),
    default: "false",
    boolean: true,
    help: "Wait for --app-ready-file to exist before streaming (a sidecar says the app is up)",
    parse: bool,
  }),
  option({
    key: "appReadyFile",
    flag: "app-ready-file",
    value: "FILE",
    env: "SKERRY_APP_READY_FILE",
    ...selkies("app_ready_file"),
    default: "/tmp/selkies-appready",
    help: "File whose existence means the streamed app is ready",
    parse: text,
  }),
] as const;

/** The desktop section of `--help` and the README. */
export const DESKTOP_GROUP: OptionGroup = { title: "Desktop", options: DESKTOP_OPTIONS };

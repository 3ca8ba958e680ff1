/**
 * The page's desktop features in one place: window size reports (resize),
 * the remote cursor, and the clipboard, driven by the server's `desktop`,
 * `cursor`, `clipboard` and `notice` messages (docs/PROTOCOL.md, "Desktop").
 *
 * @module
 */

import type {
  DesktopClientMessage,
  DesktopServerMessage,
  ResizeMode,
} from "../../lib/protocol/desktop.ts";
import { ClipboardSync } from "./clipboard.ts";
import { attachCursor } from "./cursor.ts";
import { SizeReporter, watchWindowSize } from "./resize.ts";

/** Options of {@linkcode attachDesktop}. */
export interface AttachDesktopOptions {
  /** The full-window container whose size the screen follows. */
  stage: HTMLElement;
  /** The video, whose CSS cursor becomes the remote one. */
  video: HTMLElement;
  /** Sends a desktop message on the signalling socket (dropped while disconnected). */
  send(message: DesktopClientMessage): void;
  /** Shows a short message to the user. */
  notify(text: string): void;
  /** The resize mode the server reported, for the menu. */
  onResizeMode?(mode: ResizeMode): void;
}

/** Wires the desktop features; returns the server-message handler and a stop function. */
export function attachDesktop(
  options: AttachDesktopOptions,
): {
  handle(message: DesktopServerMessage): void;
  /** For `attachInput`'s `holdFor`: a paste key waits for the browser's paste to be sent. */
  pasteKey(ev: KeyboardEvent): Promise<void> | undefined;
  stop(): void;
} {
  const { stage, video, send } = options;
  const reporter = new SizeReporter(send);
  let size: ReturnType<typeof watchWindowSize> | undefined;
  const cursor = attachCursor(video, send);
  const win = stage.ownerDocument.defaultView ?? globalThis as unknown as Window;
  const clipboard = new ClipboardSync({ host: win, send, notify: options.notify });
  let noticed = false;
  return {
    handle(message) {
      switch (message.type) {
        case "desktop":
          // A new connection: the server knows nothing of this page yet.
          cursor.reset();
          clipboard.configure(message.clipboard, message.clipboardMaxBytes);
          options.onResizeMode?.(message.resize);
          if (message.resize === "on") {
            size ??= watchWindowSize(stage, reporter);
            size.now();
          } else {
            size?.stop();
            size = undefined;
          }
          return;
        case "cursor":
          return cursor.apply(message.serial, message.image);
        case "clipboard":
          return clipboard.receive(message);
        case "notice":
          // Said once per page: a reconnect repeats it.
          if (message.code === "resize-fixed") {
            if (noticed) return;
            noticed = true;
          }
          return options.notify(message.message);
      }
    },
    pasteKey: (ev) => clipboard.pasteKey(ev),
    stop() {
      size?.stop();
      cursor.stop();
      clipboard.stop();
    },
  };
}

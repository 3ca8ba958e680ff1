/**
 * The desktop features of every viewer: its window size to the screen
 * (resize), the clipboard both ways, the remote cursor image, and pointer
 * lock (the pointer drawn into the video). The signalling connection hands
 * each viewer and its desktop messages here; the X side comes in through
 * small interfaces (lib/desktop/x_clipboard.ts, cursor_watch.ts), so this
 * file has no X call and is tested with fakes.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import {
  ClipboardAssembler,
  clipboardChunks,
  type ClipboardDirection,
  type ClipboardMime,
  type CursorImage,
  type DesktopClientMessage,
  type DesktopServerMessage,
  type ResizeMode,
} from "../protocol/desktop.ts";
import type { WindowSize } from "./resize_policy.ts";

const log = getLogger(["skerry", "desktop"]);

/** A viewer as the desktop features see it. */
export interface DesktopViewer {
  readonly id: string;
  /**
   * A view-only login: no clipboard either way (a copy may hold what the
   * screen does not show), its window never sizes the screen, and its
   * pointer lock changes nothing. Default false.
   */
  readonly viewOnly?: boolean;
  send(message: DesktopServerMessage): void;
  /** Bytes written to the viewer's socket and not sent yet. */
  unsent(): number;
}

/** What the signalling connection calls. */
export interface DesktopHooks {
  /** A viewer joined the session (after `welcome`). */
  join(viewer: DesktopViewer): void;
  /** A viewer left. */
  leave(id: string): void;
  /** One of the viewer's desktop messages. */
  message(id: string, message: DesktopClientMessage): void;
}

/** Clipboard contents. */
export interface ClipboardContents {
  mime: ClipboardMime;
  bytes: Uint8Array;
}

/** The X side of the clipboard (lib/desktop/x_clipboard.ts). */
export interface ClipboardSide {
  /** Makes `contents` the X clipboard (Skerry owns the selection). */
  set(contents: ClipboardContents): void;
  /** Calls `listener` with each new X clipboard; returns a function that unsubscribes. */
  subscribe(listener: (contents: ClipboardContents | "too-big") => void): () => void;
}

/** A cursor: its X serial and image. */
export interface CursorShape {
  serial: number;
  image: CursorImage;
}

/** The X cursor (lib/desktop/cursor_watch.ts). */
export interface CursorSource {
  readonly current: CursorShape | undefined;
  subscribe(listener: (cursor: CursorShape) => void): () => void;
}

/** The screen-size policy (lib/desktop/resize_policy.ts `ResizePolicy`). */
export interface ResizeTarget {
  join(id: string): void;
  leave(id: string): void;
  request(id: string, window: WindowSize): void;
}

/** Options of {@linkcode DesktopHub}. */
export interface DesktopHubOptions {
  resize: { mode: ResizeMode; hidpi: boolean; policy?: ResizeTarget };
  clipboard: { direction: ClipboardDirection; maxBytes: number; side?: ClipboardSide };
  /** The cursor feed; undefined: the pointer is drawn into the video. */
  cursors?: CursorSource;
  /** Draw the pointer into the video (some viewer is in pointer lock) or not. */
  showPointer?(visible: boolean): void;
}

/**
 * Bytes a viewer's socket may hold unsent before the next clipboard chunk
 * waits: a few chunks in flight keep a fast link busy without letting a
 * large copy reach the 1 MiB at which the server drops a non-reading viewer.
 */
const CLIPBOARD_UNSENT_MAX = 256 * 1024;
/**
 * Cursor serials remembered per viewer (the client keeps as many, first in
 * first out, so it always holds every image the server believes it has).
 */
export const CURSOR_CACHE_SIZE = 256;
/** How often a paced clipboard send looks at the socket again, in ms. */
const CLIPBOARD_PACE_MS = 20;

interface ViewerState {
  viewer: DesktopViewer;
  cursorsSent: Set<number>;
  assembler: ClipboardAssembler;
  locked: boolean;
  /** Bumped per clipboard send: an older paced send stops. */
  clipboardSend: number;
}

/** Every viewer's resize, clipboard, cursor and pointer-lock traffic. */
export class DesktopHub implements DesktopHooks {
  readonly #options: DesktopHubOptions;
  readonly #viewers = new Map<string, ViewerState>();
  readonly #unsubscribe: (() => void)[] = [];
  /** The X clipboard last seen, for viewers who join later. */
  #fromX: ClipboardContents | undefined;
  #pointerShown: boolean | undefined;

  constructor(options: DesktopHubOptions) {
    this.#options = options;
    const { clipboard, cursors } = options;
    if (clipboard.side && allows(clipboard.direction, "to-browser")) {
      this.#unsubscribe.push(
        clipboard.side.subscribe((contents) => this.#fromXClipboard(contents)),
      );
    }
    if (cursors) {
      this.#unsubscribe.push(cursors.subscribe((cursor) => {
        for (const state of this.#viewers.values()) this.#sendCursor(state, cursor);
      }));
    }
  }

  /** Says what the server offers, then sends the current cursor and X clipboard. */
  join(viewer: DesktopViewer): void {
    const state: ViewerState = {
      viewer,
      cursorsSent: new Set(),
      assembler: new ClipboardAssembler(this.#options.clipboard.maxBytes),
      locked: false,
      clipboardSend: 0,
    };
    this.#viewers.set(viewer.id, state);
    const { resize, clipboard, cursors } = this.#options;
    viewer.send({
      type: "desktop",
      resize: viewer.viewOnly && resize.mode === "on" ? "off" : resize.mode,
      hidpi: resize.hidpi,
      clipboard: viewer.viewOnly ? "off" : clipboard.direction,
      clipboardMaxBytes: clipboard.maxBytes,
      cursors: cursors !== undefined,
    });
    if (resize.mode === "fixed") {
      viewer.send({
        type: "notice",
        code: "resize-fixed",
        message:
          "This X server cannot change its screen size (Xvfb): the desktop is scaled to the window",
      });
    }
    if (!viewer.viewOnly) resize.policy?.join(viewer.id);
    const cursor = cursors?.current;
    if (cursor) this.#sendCursor(state, cursor);
    if (this.#fromX && !viewer.viewOnly) void this.#sendClipboard(state, this.#fromX);
  }

  leave(id: string): void {
    const state = this.#viewers.get(id);
    if (!state) return;
    state.clipboardSend++;
    this.#viewers.delete(id);
    if (!state.viewer.viewOnly) this.#options.resize.policy?.leave(id);
    if (state.locked) this.#updatePointer();
  }

  message(id: string, message: DesktopClientMessage): void {
    const state = this.#viewers.get(id);
    if (!state) return;
    if (state.viewer.viewOnly) {
      if (message.type === "clipboard" && message.offset === 0) {
        state.viewer.send({
          type: "notice",
          code: "clipboard-refused",
          message: "This login is view-only: its clipboard does not reach the remote desktop",
        });
      }
      return;
    }
    switch (message.type) {
      case "resize":
        this.#options.resize.policy?.request(id, message);
        return;
      case "pointer-lock":
        state.locked = message.locked;
        this.#updatePointer();
        return;
      case "clipboard":
        return this.#toXClipboard(state, message);
    }
  }

  /** Stops listening to the X side. */
  close(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    for (const state of this.#viewers.values()) state.clipboardSend++;
  }

  #toXClipboard(
    state: ViewerState,
    chunk: Extract<DesktopClientMessage, { type: "clipboard" }>,
  ): void {
    const { direction, maxBytes, side } = this.#options.clipboard;
    if (!side || !allows(direction, "from-browser")) {
      if (chunk.offset === 0) {
        state.viewer.send({
          type: "notice",
          code: "clipboard-refused",
          message: `The clipboard goes ${
            direction === "off" ? "nowhere" : "only to the browser"
          } on this server (--enable-clipboard=${direction})`,
        });
      }
      return;
    }
    const result = state.assembler.push(chunk);
    if (result === undefined) return;
    if (result === "dropped") {
      log.debug("Dropped a clipboard chunk out of order from {peer}", { peer: state.viewer.id });
      return;
    }
    if (result === "too-big") {
      state.viewer.send({
        type: "notice",
        code: "clipboard-too-big",
        message: tooBigMessage(chunk.size, maxBytes, "to the remote desktop"),
      });
      return;
    }
    const fromX = this.#fromX;
    if (fromX && fromX.mime === result.mime && equalBytes(fromX.bytes, result.bytes)) {
      // The browser handing back what X just gave it: X has it already.
      return;
    }
    log.debug("Clipboard from {peer}: {size} bytes of {mime}", {
      peer: state.viewer.id,
      size: result.bytes.length,
      mime: result.mime,
    });
    side.set(result);
  }

  #fromXClipboard(contents: ClipboardContents | "too-big"): void {
    if (contents === "too-big") {
      for (const { viewer } of this.#viewers.values()) {
        if (viewer.viewOnly) continue;
        viewer.send({
          type: "notice",
          code: "clipboard-too-big",
          message: tooBigMessage(undefined, this.#options.clipboard.maxBytes, "to the browser"),
        });
      }
      return;
    }
    this.#fromX = contents;
    for (const state of this.#viewers.values()) {
      if (!state.viewer.viewOnly) void this.#sendClipboard(state, contents);
    }
  }

  /** Sends a copy in chunks, pacing them by what the viewer's socket still holds. */
  async #sendClipboard(state: ViewerState, contents: ClipboardContents): Promise<void> {
    const ticket = ++state.clipboardSend;
    for (const chunk of clipboardChunks(contents.mime, contents.bytes)) {
      while (state.viewer.unsent() > CLIPBOARD_UNSENT_MAX) {
        await new Promise((resolve) => setTimeout(resolve, CLIPBOARD_PACE_MS));
        if (ticket !== state.clipboardSend) return;
      }
      if (ticket !== state.clipboardSend) return;
      state.viewer.send(chunk);
    }
  }

  #sendCursor(state: ViewerState, cursor: CursorShape): void {
    if (state.cursorsSent.has(cursor.serial)) {
      state.viewer.send({ type: "cursor", serial: cursor.serial });
      return;
    }
    state.cursorsSent.add(cursor.serial);
    if (state.cursorsSent.size > CURSOR_CACHE_SIZE) {
      state.cursorsSent.delete(state.cursorsSent.values().next().value!);
    }
    state.viewer.send({ type: "cursor", serial: cursor.serial, image: cursor.image });
  }

  /** The pointer is drawn into the video while any viewer is in pointer lock. */
  #updatePointer(): void {
    if (!this.#options.cursors) return;
    const visible = [...this.#viewers.values()].some((s) => s.locked);
    if (visible === this.#pointerShown) return;
    this.#pointerShown = visible;
    this.#options.showPointer?.(visible);
  }
}

/** Whether `direction` lets the clipboard go `way`. */
export function allows(
  direction: ClipboardDirection,
  way: "to-browser" | "from-browser",
): boolean {
  return direction === "both" || direction === way;
}

function tooBigMessage(size: number | undefined, max: number, where: string): string {
  const of = size === undefined ? "" : ` (${size} bytes)`;
  return `Clipboard not copied ${where}: the copy${of} is over the limit of ${max} bytes (--clipboard-max-bytes)`;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

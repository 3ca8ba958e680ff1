/**
 * The remote cursor as the page's own CSS cursor: each image arrives once
 * per serial (PNG and hotspot) and is remembered; later changes name only
 * the serial. Under pointer lock the browser hides the cursor and the
 * server draws it into the video: the page says when it enters and leaves
 * pointer lock.
 *
 * @module
 */

import type { CursorImage, DesktopClientMessage } from "../../lib/protocol/desktop.ts";

/**
 * Images remembered, first in first out: as many as the server remembers
 * sending (lib/desktop/desktop_hub.ts `CURSOR_CACHE_SIZE`), so every serial
 * it sends alone is here.
 */
const CACHE_SIZE = 256;

/** The CSS `cursor` value of an image: the PNG as a data URL with its hotspot. */
export function cursorCss(image: CursorImage): string {
  return `url("data:image/png;base64,${image.png}") ${image.hotX} ${image.hotY}, auto`;
}

/** Serial to CSS cursor, first in first out. */
export class CursorCache {
  readonly #css = new Map<number, string>();

  /** Remembers `image` under `serial` (if given) and returns the CSS for `serial`, if known. */
  apply(serial: number, image?: CursorImage): string | undefined {
    if (image) {
      this.#css.delete(serial);
      this.#css.set(serial, cursorCss(image));
      if (this.#css.size > CACHE_SIZE) this.#css.delete(this.#css.keys().next().value!);
    }
    return this.#css.get(serial);
  }

  /** Forgets everything (a new connection: the server starts over). */
  clear(): void {
    this.#css.clear();
  }
}

/**
 * Sets `element`'s cursor from `cursor` messages and tells the server about
 * pointer lock. Returns the cursor handler and a stop function.
 */
export function attachCursor(
  element: HTMLElement,
  send: (message: DesktopClientMessage) => void,
): {
  apply(serial: number, image?: CursorImage): void;
  reset(): void;
  stop(): void;
} {
  const cache = new CursorCache();
  const doc = element.ownerDocument;
  let locked = false;
  const onLock = () => {
    const now = doc.pointerLockElement !== null;
    if (now === locked) return;
    locked = now;
    send({ type: "pointer-lock", locked });
  };
  doc.addEventListener("pointerlockchange", onLock);
  return {
    apply(serial, image) {
      const css = cache.apply(serial, image);
      if (css !== undefined) element.style.cursor = css;
    },
    reset() {
      cache.clear();
      element.style.cursor = "";
      // The server forgot this viewer's lock with its connection.
      if (locked) send({ type: "pointer-lock", locked: true });
    },
    stop() {
      doc.removeEventListener("pointerlockchange", onLock);
      element.style.cursor = "";
    },
  };
}

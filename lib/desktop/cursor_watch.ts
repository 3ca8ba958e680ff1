/**
 * The X cursor as the viewers see it: every XFixes cursor change is read
 * once per serial, turned into a PNG (cursor_image.ts) and handed to the
 * subscribers (the desktop hub, which sends each image once per viewer).
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { cursorImage, watchCursor } from "../../ffi/xfixes.ts";
import { cursorPng } from "./cursor_image.ts";
import type { CursorShape, CursorSource } from "./desktop_hub.ts";
import { CURSOR_CACHE_SIZE } from "./desktop_hub.ts";
import type { XEventLoop } from "./x_event_loop.ts";

const log = getLogger(["skerry", "cursor"]);

/** Options of {@linkcode CursorWatch}. */
export interface CursorWatchOptions {
  /** `--cursor-size`: the longer side in pixels; -1 the desktop's own size. */
  size: number;
  /** `--debug-cursors`: log every change. */
  debug: boolean;
}

/** Follows the displayed X cursor. */
export class CursorWatch implements CursorSource {
  readonly #loop: XEventLoop;
  readonly #options: CursorWatchOptions;
  readonly #listeners = new Set<(cursor: CursorShape) => void>();
  /** Encoded images by serial, first in first out. */
  readonly #cache = new Map<number, CursorShape>();
  #current: CursorShape | undefined;
  /** Changes are handled in order (PNG encoding is asynchronous). */
  #queue: Promise<void> = Promise.resolve();

  constructor(loop: XEventLoop, options: CursorWatchOptions) {
    this.#loop = loop;
    this.#options = options;
    loop.on((event) => {
      if (event.kind === "cursor-changed") this.#changed();
    });
    watchCursor(loop.display, loop.display.root);
    this.#changed();
  }

  /** The cursor now (undefined until the first image is encoded). */
  get current(): CursorShape | undefined {
    return this.#current;
  }

  subscribe(listener: (cursor: CursorShape) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    // Read now (the image of this change), encode in order.
    const image = cursorImage(this.#loop.display);
    if (image === null) return;
    this.#queue = this.#queue.then(async () => {
      let shape = this.#cache.get(image.serial);
      if (!shape) {
        shape = { serial: image.serial, image: await cursorPng(image, this.#options.size) };
        this.#cache.set(image.serial, shape);
        if (this.#cache.size > CURSOR_CACHE_SIZE) {
          this.#cache.delete(this.#cache.keys().next().value!);
        }
      }
      if (this.#options.debug) {
        log.info("Cursor {serial}: {width}x{height}, hotspot {hotX},{hotY}", {
          serial: shape.serial,
          width: shape.image.width,
          height: shape.image.height,
          hotX: shape.image.hotX,
          hotY: shape.image.hotY,
        });
      }
      this.#current = shape;
      for (const listener of this.#listeners) listener(shape);
    }).catch((error) => log.error("Cannot read the cursor: {error}", { error: String(error) }));
  }
}

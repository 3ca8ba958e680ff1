/**
 * Desktop messages on the signalling WebSocket (docs/PROTOCOL.md, "Desktop:
 * resize, clipboard, cursors"): the browser's window size, clipboard
 * contents both ways in chunks, the remote cursor image, pointer lock, and
 * what the server offers. Shared by server and client; imports nothing from
 * either side.
 *
 * @module
 */

import { int, type JsonObject, str } from "./_fields.ts";

/** Which way the clipboard may flow (the `--enable-clipboard` values). */
export type ClipboardDirection = "both" | "to-browser" | "from-browser" | "off";
/** Clipboard formats carried: UTF-8 text and PNG images. */
export const CLIPBOARD_MIMES = ["text/plain", "image/png"] as const;
/** One of {@linkcode CLIPBOARD_MIMES}. */
export type ClipboardMime = typeof CLIPBOARD_MIMES[number];

/**
 * Raw bytes per clipboard chunk: 36 KiB is 48 KiB of base64, under the
 * 64 KiB signalling frame limit with room for the other fields.
 */
export const CLIPBOARD_CHUNK_BYTES = 36 * 1024;
/** Largest clipboard the protocol carries at all, in bytes (the option may set less). */
export const MAX_CLIPBOARD_BYTES = 64 * 1024 * 1024;
/** Largest cursor image side, in pixels (Chromium ignores CSS cursors over 128). */
export const MAX_CURSOR_SIDE = 128;
/** Largest window side a browser may report, in CSS pixels. */
export const MAX_WINDOW_SIDE = 16384;

/**
 * How the screen follows the window: `on` (it does), `off` (resize is off:
 * the video is scaled to fit) or `fixed` (resize is on but this X server
 * cannot change its size, e.g. Xvfb: scaled to fit).
 */
export type ResizeMode = "on" | "off" | "fixed";

/** One piece of a clipboard's contents; the pieces of one copy arrive in order. */
export interface ClipboardChunk {
  type: "clipboard";
  mime: ClipboardMime;
  /** Size of the whole contents, in bytes. */
  size: number;
  /** Where this chunk starts in the contents, in bytes. */
  offset: number;
  /** The chunk's bytes, base64 (at most {@linkcode CLIPBOARD_CHUNK_BYTES} of them). */
  data: string;
}

/** A cursor image: PNG, its size and hotspot in pixels. */
export interface CursorImage {
  png: string;
  width: number;
  height: number;
  hotX: number;
  hotY: number;
}

/** Desktop messages from the browser. */
export type DesktopClientMessage =
  | {
    type: "resize";
    /** The page's size in CSS pixels. */
    width: number;
    height: number;
    /** `devicePixelRatio`. */
    dpr: number;
  }
  | ClipboardChunk
  | { type: "pointer-lock"; locked: boolean };

/** Desktop messages from the server. */
export type DesktopServerMessage =
  | {
    type: "desktop";
    resize: ResizeMode;
    /** Whether the screen is sized in device pixels (`--resize-hidpi`). */
    hidpi: boolean;
    clipboard: ClipboardDirection;
    /** Largest clipboard accepted either way, in bytes. */
    clipboardMaxBytes: number;
    /** Whether `cursor` messages come (the pointer is not drawn into the video). */
    cursors: boolean;
  }
  | ClipboardChunk
  | {
    type: "cursor";
    /** The X cursor serial: the same serial is the same image. */
    serial: number;
    /** The image, the first time this viewer gets this serial. */
    image?: CursorImage;
  }
  | { type: "notice"; code: NoticeCode; message: string };

/** What a `notice` is about. */
export type NoticeCode = "resize-fixed" | "clipboard-too-big" | "clipboard-refused";

/** The `type`s of {@linkcode DesktopClientMessage}. */
export const DESKTOP_CLIENT_TYPES: ReadonlySet<string> = new Set([
  "resize",
  "clipboard",
  "pointer-lock",
]);

/** Whether a parsed browser message is a desktop one. */
export function isDesktopClientMessage(message: { type: string }): message is DesktopClientMessage {
  return DESKTOP_CLIENT_TYPES.has(message.type);
}

/** Parses a desktop message from the browser (`o.type` is one of {@linkcode DESKTOP_CLIENT_TYPES}). */
export function parseDesktopClientMessage(o: JsonObject): DesktopClientMessage {
  switch (o.type) {
    case "resize": {
      const dpr = o.dpr;
      if (typeof dpr !== "number" || !(dpr >= 0.25 && dpr <= 8)) {
        throw new RangeError('Cannot parse "resize" message: "dpr" must be a number 0.25-8');
      }
      return {
        type: "resize",
        width: int(o, "width", 1, MAX_WINDOW_SIDE),
        height: int(o, "height", 1, MAX_WINDOW_SIDE),
        dpr,
      };
    }
    case "clipboard":
      return clipboardChunk(o);
    case "pointer-lock":
      if (typeof o.locked !== "boolean") {
        throw new RangeError('Cannot parse "pointer-lock" message: "locked" must be a boolean');
      }
      return { type: "pointer-lock", locked: o.locked };
    default:
      throw new RangeError(`Cannot parse message: unknown type "${o.type}"`);
  }
}

/** Parses a desktop message from the server, or returns undefined for another type. */
export function parseDesktopServerMessage(o: JsonObject): DesktopServerMessage | undefined {
  switch (o.type) {
    case "desktop":
      return {
        type: "desktop",
        resize: oneOf(o, "resize", ["on", "off", "fixed"]),
        hidpi: o.hidpi === true,
        clipboard: oneOf(o, "clipboard", ["both", "to-browser", "from-browser", "off"]),
        clipboardMaxBytes: int(o, "clipboardMaxBytes", 0, MAX_CLIPBOARD_BYTES),
        cursors: o.cursors === true,
      };
    case "clipboard":
      return clipboardChunk(o);
    case "cursor": {
      const serial = int(o, "serial", 0, Number.MAX_SAFE_INTEGER);
      if (o.image === undefined) return { type: "cursor", serial };
      if (typeof o.image !== "object" || o.image === null) {
        throw new RangeError('Cannot parse "cursor" message: "image" must be an object');
      }
      const i = { type: "cursor", ...o.image } as JsonObject;
      return {
        type: "cursor",
        serial,
        image: {
          png: str(i, "png", 1 << 20),
          width: int(i, "width", 1, MAX_CURSOR_SIDE),
          height: int(i, "height", 1, MAX_CURSOR_SIDE),
          hotX: int(i, "hotX", 0, MAX_CURSOR_SIDE),
          hotY: int(i, "hotY", 0, MAX_CURSOR_SIDE),
        },
      };
    }
    case "notice":
      return {
        type: "notice",
        code: str(o, "code", 64) as NoticeCode,
        message: str(o, "message", 1024),
      };
    default:
      return undefined;
  }
}

function clipboardChunk(o: JsonObject): ClipboardChunk {
  const mime = oneOf(o, "mime", CLIPBOARD_MIMES);
  const size = int(o, "size", 0, MAX_CLIPBOARD_BYTES);
  const offset = int(o, "offset", 0, size);
  const data = str(o, "data", Math.ceil(CLIPBOARD_CHUNK_BYTES / 3) * 4);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) {
    throw new RangeError('Cannot parse "clipboard" message: "data" must be base64');
  }
  return { type: "clipboard", mime, size, offset, data };
}

function oneOf<T extends string>(o: JsonObject, name: string, values: readonly T[]): T {
  const v = o[name];
  if (typeof v !== "string" || !(values as readonly string[]).includes(v)) {
    throw new RangeError(
      `Cannot parse "${o.type}" message: "${name}" must be one of ${values.join(", ")}`,
    );
  }
  return v as T;
}

/**
 * Splits `bytes` into the chunks of one clipboard copy (an empty copy is one
 * empty chunk).
 */
export function clipboardChunks(mime: ClipboardMime, bytes: Uint8Array): ClipboardChunk[] {
  const chunks: ClipboardChunk[] = [];
  let offset = 0;
  do {
    const end = Math.min(bytes.length, offset + CLIPBOARD_CHUNK_BYTES);
    chunks.push({
      type: "clipboard",
      mime,
      size: bytes.length,
      offset,
      data: bytes.subarray(offset, end).toBase64(),
    });
    offset = end;
  } while (offset < bytes.length);
  return chunks;
}

/**
 * Puts a clipboard copy back together from its chunks. A chunk that does
 * not continue the copy under way starts a new one (offset 0) or is dropped.
 */
export class ClipboardAssembler {
  #mime: ClipboardMime | undefined;
  #parts: Uint8Array[] = [];
  #received = 0;
  #size = 0;
  readonly #maxBytes: number;

  /** @param maxBytes larger copies are refused (`push` returns `too-big` once). */
  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /**
   * Adds a chunk. Returns the whole copy when this chunk completes it,
   * `too-big` for the first chunk of a copy over the limit, `dropped` for a
   * chunk out of order, else undefined (more to come).
   */
  push(
    chunk: ClipboardChunk,
  ): { mime: ClipboardMime; bytes: Uint8Array } | "too-big" | "dropped" | undefined {
    if (chunk.offset === 0) {
      this.#reset();
      if (chunk.size > this.#maxBytes) return "too-big";
      this.#mime = chunk.mime;
      this.#size = chunk.size;
    } else if (
      chunk.mime !== this.#mime || chunk.size !== this.#size || chunk.offset !== this.#received
    ) {
      this.#reset();
      return "dropped";
    }
    let bytes: Uint8Array;
    try {
      bytes = Uint8Array.fromBase64(chunk.data);
    } catch {
      this.#reset();
      return "dropped";
    }
    if (this.#received + bytes.length > this.#size) {
      this.#reset();
      return "dropped";
    }
    this.#parts.push(bytes);
    this.#received += bytes.length;
    if (this.#received < this.#size) return undefined;
    const whole = new Uint8Array(this.#size);
    let at = 0;
    for (const part of this.#parts) {
      whole.set(part, at);
      at += part.length;
    }
    const mime = this.#mime!;
    this.#reset();
    return { mime, bytes: whole };
  }

  #reset(): void {
    this.#mime = undefined;
    this.#parts = [];
    this.#received = 0;
    this.#size = 0;
  }
}

/**
 * The browser's side of the shared clipboard, within the browser's
 * permission model (never a surprise prompt):
 *
 * - remote copies (text, PNG) are written with `navigator.clipboard` only
 *   while the page has focus; one that arrives in the background waits for
 *   the next `focus`;
 * - the browser's text is read on `focus` only when the clipboard-read
 *   permission is already granted (Chromium asks the first time otherwise),
 *   and a `paste` event on the page sends what was pasted (text or a PNG);
 *   a paste key (Ctrl+V) is let through to the browser so that it pastes,
 *   and reaches the desktop after the copy ({@linkcode ClipboardSync.pasteKey});
 * - copies over the server's limit are not sent: the user is told instead.
 *
 * @module
 */

import {
  ClipboardAssembler,
  type ClipboardChunk,
  clipboardChunks,
  type ClipboardDirection,
  type ClipboardMime,
  type DesktopClientMessage,
} from "../../lib/protocol/desktop.ts";

/**
 * How long a paste key waits for the browser's `paste` event, in ms: it
 * comes within the same task in Chromium and Firefox; a browser that fires
 * none still gets the key sent after this.
 */
export const PASTE_WAIT_MS = 500;

/** Whether a key-down pastes in the browser: Ctrl+V, Cmd+V, Ctrl+Shift+V, Shift+Insert. */
export function isPasteKey(
  ev: Pick<KeyboardEvent, "code" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">,
): boolean {
  if (ev.altKey) return false;
  if (ev.code === "KeyV") return ev.ctrlKey || ev.metaKey;
  return ev.code === "Insert" && ev.shiftKey && !ev.ctrlKey && !ev.metaKey;
}

/** What the page needs of the browser (a `Window`; replaceable in tests). */
export interface ClipboardHost {
  document: Pick<Document, "hasFocus" | "addEventListener" | "removeEventListener">;
  addEventListener: Window["addEventListener"];
  removeEventListener: Window["removeEventListener"];
  navigator: Pick<Navigator, "clipboard" | "permissions">;
}

/** Options of {@linkcode ClipboardSync}. */
export interface ClipboardSyncOptions {
  host: ClipboardHost;
  send(message: DesktopClientMessage): void;
  /** Tells the user something (a copy over the limit, a refused write). */
  notify(text: string): void;
}

/** Keeps the browser clipboard and the remote one in step, as far as the browser allows. */
export class ClipboardSync {
  readonly #options: ClipboardSyncOptions;
  #direction: ClipboardDirection = "off";
  #maxBytes = 0;
  #assembler = new ClipboardAssembler(0);
  /** A remote copy waiting for the page to get focus. */
  #pending: { mime: ClipboardMime; bytes: Uint8Array } | undefined;
  /** The text last exchanged either way: not sent back (no echo). */
  #lastText: string | undefined;
  /** Ends the wait of a paste key (see {@linkcode pasteKey}). */
  #pasteDone: (() => void) | undefined;
  readonly #onFocus = () => void this.#focused();
  readonly #onPaste = (event: Event) => this.#pasted(event as ClipboardEvent);

  constructor(options: ClipboardSyncOptions) {
    this.#options = options;
    options.host.addEventListener("focus", this.#onFocus);
    options.host.document.addEventListener("paste", this.#onPaste, { capture: true });
  }

  /** What the server allows (its `desktop` message). */
  configure(direction: ClipboardDirection, maxBytes: number): void {
    this.#direction = direction;
    this.#maxBytes = maxBytes;
    this.#assembler = new ClipboardAssembler(maxBytes);
  }

  /** A chunk of a remote copy. */
  receive(chunk: ClipboardChunk): void {
    const result = this.#assembler.push(chunk);
    if (result === undefined || result === "dropped") return;
    if (result === "too-big") return;
    this.#pending = result;
    if (result.mime === "text/plain") this.#lastText = new TextDecoder().decode(result.bytes);
    void this.#writePending();
  }

  /**
   * A key-down: for a paste key (when the browser's copies may go to the
   * desktop), a promise that settles once the browser's `paste` it causes
   * has been sent, so the key reaches the desktop after the copy (the
   * caller holds the key until then and lets the browser paste: a paste
   * needs no clipboard permission). Undefined for any other key.
   */
  pasteKey(ev: Parameters<typeof isPasteKey>[0]): Promise<void> | undefined {
    if (!this.#fromBrowser || !isPasteKey(ev)) return undefined;
    this.#pasteDone?.();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.#pasteDone === done) this.#pasteDone = undefined;
        resolve();
      };
      const timer = setTimeout(done, PASTE_WAIT_MS);
      this.#pasteDone = done;
    });
  }

  /** Stops listening. */
  stop(): void {
    this.#pasteDone?.();
    this.#options.host.removeEventListener("focus", this.#onFocus);
    this.#options.host.document.removeEventListener("paste", this.#onPaste, { capture: true });
  }

  get #toBrowser(): boolean {
    return this.#direction === "both" || this.#direction === "to-browser";
  }

  get #fromBrowser(): boolean {
    return this.#direction === "both" || this.#direction === "from-browser";
  }

  async #writePending(): Promise<void> {
    const pending = this.#pending;
    const { host } = this.#options;
    if (!pending || !this.#toBrowser || !host.document.hasFocus()) return;
    const clipboard = host.navigator.clipboard;
    try {
      if (pending.mime === "text/plain") {
        await clipboard.writeText(new TextDecoder().decode(pending.bytes));
      } else {
        const blob = new Blob([pending.bytes as Uint8Array<ArrayBuffer>], { type: "image/png" });
        await clipboard.write([new ClipboardItem({ "image/png": blob })]);
      }
      if (this.#pending === pending) this.#pending = undefined;
    } catch {
      // Not allowed now (no focus after all, or the permission was refused): next focus.
    }
  }

  async #focused(): Promise<void> {
    await this.#writePending();
    if (!this.#fromBrowser) return;
    // Read only with the permission already granted: a prompt on focus would surprise.
    const permissions = this.#options.host.navigator.permissions;
    try {
      const status = await permissions.query({ name: "clipboard-read" as PermissionName });
      if (status.state !== "granted") return;
      const text = await this.#options.host.navigator.clipboard.readText();
      this.#sendText(text);
    } catch {
      // No permission API or no focus: the paste event still works.
    }
  }

  #pasted(event: ClipboardEvent): void {
    const done = this.#pasteDone;
    this.#pasteDone = undefined;
    if (!this.#fromBrowser || !event.clipboardData) return done?.();
    const data = event.clipboardData;
    const image = [...data.files].find((f) => f.type === "image/png");
    if (image) {
      event.preventDefault();
      void image.arrayBuffer().then(
        (buffer) => this.#sendBytes("image/png", new Uint8Array(buffer)),
      ).finally(() => done?.());
      return;
    }
    const text = data.getData("text/plain");
    if (text !== "") {
      // Sent as the remote clipboard, not typed into the desktop.
      event.preventDefault();
      this.#sendText(text);
    }
    done?.();
  }

  #sendText(text: string): void {
    if (text === this.#lastText) return;
    this.#lastText = text;
    this.#sendBytes("text/plain", new TextEncoder().encode(text));
  }

  #sendBytes(mime: ClipboardMime, bytes: Uint8Array): void {
    if (bytes.length > this.#maxBytes) {
      this.#options.notify(
        `Clipboard not sent: ${bytes.length} bytes is over the server's limit of ${this.#maxBytes}`,
      );
      return;
    }
    for (const chunk of clipboardChunks(mime, bytes)) this.#options.send(chunk);
  }
}

/**
 * Local shortcuts, handled by the browser page and never forwarded to the
 * remote desktop (the selkies-gstreamer set):
 *
 * - Ctrl+Shift+F: toggle fullscreen; in fullscreen the Keyboard Lock API
 *   (Chromium) sends Ctrl+W, Alt+Tab, Escape and the rest to the remote;
 * - holding Escape for {@linkcode ESCAPE_HOLD_MS}: leave fullscreen;
 * - Ctrl+Shift+M: open the menu;
 * - Ctrl+Shift+. (period): show or hide the statistics overlay (a key
 *   remote applications rarely bind; Ctrl+Shift+S would take Save As);
 * - Ctrl+Shift+left click: pointer lock (relative mouse for games);
 *   Escape leaves it (the browser does that).
 *
 * Keys are matched by `event.code` (the physical key), so the shortcuts work
 * in every layout. Ctrl+Shift+I is left to the browser (developer tools)
 * unless the keyboard is locked in fullscreen; F12 is forwarded, as remote
 * applications use it (Save As, developer tools of a remote browser).
 *
 * @module
 */

/** A local action bound to a key. */
export type Shortcut = "fullscreen" | "menu" | "stats";

/** Milliseconds Escape must be held to leave fullscreen. */
export const ESCAPE_HOLD_MS = 1000;

/** The fields of a `KeyboardEvent` matched here. */
export interface ShortcutKeyLike {
  readonly key: string;
  readonly code: string;
  readonly ctrlKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
  readonly metaKey: boolean;
}

function ctrlShift(ev: Omit<ShortcutKeyLike, "key" | "code">): boolean {
  return ev.ctrlKey && ev.shiftKey && !ev.altKey && !ev.metaKey;
}

/** Returns the local shortcut a key-down triggers, if any. */
export function matchShortcut(ev: ShortcutKeyLike): Shortcut | undefined {
  if (!ctrlShift(ev)) return undefined;
  // Virtual keyboards may leave `code` empty; fall back to the key.
  const letter = ev.code === "" ? ev.key.toUpperCase() : ev.code.replace(/^Key/, "");
  if (letter === "F") return "fullscreen";
  if (letter === "M") return "menu";
  if (ev.code === "Period" || (ev.code === "" && (ev.key === "." || ev.key === ">"))) {
    return "stats";
  }
  return undefined;
}

/** Whether a `pointerdown` is the Ctrl+Shift+left click that requests pointer lock. */
export function isPointerLockClick(
  ev: Omit<ShortcutKeyLike, "key" | "code"> & { readonly button: number },
): boolean {
  return ev.button === 0 && ctrlShift(ev);
}

/** Whether a key-down opens the browser's developer tools (Ctrl+Shift+I, or Command+Option+I on macOS). */
export function isDevtoolsShortcut(ev: ShortcutKeyLike): boolean {
  if (ev.code !== "KeyI") return false;
  return (ev.ctrlKey && ev.shiftKey && !ev.altKey && !ev.metaKey) ||
    (ev.metaKey && ev.altKey && !ev.ctrlKey && !ev.shiftKey);
}

/** Options of {@linkcode EscapeHold}; timers are injectable for tests. */
export interface EscapeHoldOptions {
  /** Default {@linkcode ESCAPE_HOLD_MS}. */
  holdMs?: number;
  /** Default `globalThis.setTimeout`. */
  setTimeout?: (fn: () => void, ms: number) => number;
  /** Default `globalThis.clearTimeout`. */
  clearTimeout?: (id: number) => void;
}

/** Calls `onHold` when Escape stays down for `holdMs`; the Escape itself is still forwarded. */
export class EscapeHold {
  #onHold: () => void;
  #holdMs: number;
  #setTimeout: (fn: () => void, ms: number) => number;
  #clearTimeout: (id: number) => void;
  #timer: number | undefined;

  constructor(onHold: () => void, options: EscapeHoldOptions = {}) {
    this.#onHold = onHold;
    this.#holdMs = options.holdMs ?? ESCAPE_HOLD_MS;
    // Number(): the timer id is a number in browsers and Deno (Node typings say Timeout).
    this.#setTimeout = options.setTimeout ?? ((fn, ms) => Number(setTimeout(fn, ms)));
    this.#clearTimeout = options.clearTimeout ?? ((id) => clearTimeout(id));
  }

  /** Feeds a key-down; starts the hold timer on a first (not repeated) Escape. */
  keydown(ev: { readonly code: string; readonly key: string; readonly repeat?: boolean }): void {
    if (ev.key !== "Escape") {
      this.cancel();
      return;
    }
    if (ev.repeat || this.#timer !== undefined) return;
    this.#timer = this.#setTimeout(() => {
      this.#timer = undefined;
      this.#onHold();
    }, this.#holdMs);
  }

  /** Feeds a key-up; releasing Escape early cancels. */
  keyup(ev: { readonly key: string }): void {
    if (ev.key === "Escape") this.cancel();
  }

  /** Stops waiting (Escape released, focus lost). */
  cancel(): void {
    if (this.#timer === undefined) return;
    this.#clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** The Keyboard Lock API (Chromium only; not in TypeScript's DOM library). */
interface KeyboardLock {
  lock(keyCodes?: string[]): Promise<void>;
  unlock(): void;
}

function keyboardLock(nav: Navigator): KeyboardLock | undefined {
  return (nav as Navigator & { keyboard?: KeyboardLock }).keyboard;
}

/**
 * Locks the keyboard while `fullscreen`, so system shortcuts (Ctrl+W,
 * Alt+Tab, Escape) reach the page and thus the remote desktop; unlocks
 * otherwise. Returns whether the lock was requested. Chromium honours the
 * lock only in fullscreen that the page requested; elsewhere it does nothing.
 */
export function setKeyboardLock(fullscreen: boolean, nav: Navigator = navigator): boolean {
  const api = keyboardLock(nav);
  if (!api) return false;
  if (!fullscreen) {
    api.unlock();
    return false;
  }
  // Rejects outside a secure context or a top-level browsing context; the page then works unlocked.
  api.lock().catch(() => {});
  return true;
}

/** Enters fullscreen on `element`, or leaves it when the document is fullscreen. */
export async function toggleFullscreen(
  element: HTMLElement,
  doc: Document = document,
): Promise<void> {
  try {
    if (doc.fullscreenElement) await doc.exitFullscreen();
    // navigationUI "hide": Chrome on Android would otherwise keep its toolbar over the desktop.
    else await element.requestFullscreen({ navigationUI: "hide" });
  } catch {
    // Refused (no user gesture, iframe without allowfullscreen, iOS Safari): stay as is.
  }
}

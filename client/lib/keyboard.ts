/**
 * Keyboard input: browser key events to X keysyms, IME and phone-keyboard
 * text, and the bookkeeping that makes every key reach the X display exactly
 * once and never stay stuck.
 *
 * A key that produces a character is sent as the keysym of that character
 * (`event.key`), so the remote types what the local layout shows whatever the
 * remote layout is; named keys (Enter, F5, Shift) have a fixed keysym, left
 * and right told apart by `event.code`. Key-up sends the keysym sent at
 * key-down, looked up by `event.code`. Keys the browser composes (dead keys,
 * input methods, Android keyboards) are not sent as keys: the composed text
 * arrives as `Op.Text` through {@linkcode KeyboardInput.input} and
 * {@linkcode KeyboardInput.compositionEnd}.
 *
 * Pure logic on plain objects: a DOM `KeyboardEvent` fits
 * {@linkcode KeyEventLike}; `client/lib/input.ts` does the DOM wiring.
 *
 * @module
 */

import { type InputEvent, MAX_TEXT_BYTES, Op } from "../../lib/protocol/input.ts";
import {
  type KeyboardPlatform,
  type KeyEventLike,
  keysymForKeyEvent,
  MODIFIER_CODE,
  NAMED_KEY,
  WINDOWS_TAP_ONLY,
  XK,
} from "./key_keysym.ts";

/**
 * Splits `text` into pieces of at most `maxBytes` UTF-8 bytes, never inside a
 * code point (default {@linkcode MAX_TEXT_BYTES}, the limit of one `Op.Text`).
 */
export function splitUtf8(text: string, maxBytes: number = MAX_TEXT_BYTES): string[] {
  const out: string[] = [];
  let piece = "";
  let bytes = 0;
  for (const char of text) {
    const cp = char.codePointAt(0)!;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + n > maxBytes && piece !== "") {
      out.push(piece);
      piece = "";
      bytes = 0;
    }
    piece += char;
    bytes += n;
  }
  if (piece !== "") out.push(piece);
  return out;
}

/** The fields of an `InputEvent` (DOM `input` event) the text path reads. */
export interface TextInputLike {
  readonly inputType: string;
  readonly data: string | null;
  readonly isComposing?: boolean;
}

/** Options of {@linkcode KeyboardInput}; timers are injectable for tests. */
export interface KeyboardInputOptions extends KeyboardPlatform {
  /** Default `globalThis.setTimeout`. */
  setTimeout?: (fn: () => void, ms: number) => number;
  /** Default `globalThis.clearTimeout`. */
  clearTimeout?: (id: number) => void;
}

/** Milliseconds between Windows' fake Control and the AltRight of one AltGr press (noVNC uses the same). */
const ALTGR_WINDOW_MS = 50;
/** Milliseconds a lone Windows ControlLeft waits to see whether AltRight follows. */
const ALTGR_TIMEOUT_MS = 100;

/**
 * Turns key, composition and input events into input-channel events and
 * remembers what is held. Each `keydown`/`keyup` returns whether the caller
 * must `preventDefault()`: true when the key was sent (so the browser neither
 * acts on it nor types it into the hidden textarea, which would send it a
 * second time as text), false when the browser must compose it.
 */
export class KeyboardInput {
  #emit: (event: InputEvent) => void;
  #mac: boolean;
  #windows: boolean;
  #setTimeout: (fn: () => void, ms: number) => number;
  #clearTimeout: (id: number) => void;
  /** `event.code` of every held key to the keysym sent at its key-down. */
  #held = new Map<string, number>();
  #composing = false;
  /** Text most recently committed by a composition, sent once whichever event reports it. */
  #committed: string | undefined;
  #altGrTimer: number | undefined;
  #altGrCtrlTime = 0;

  /** @param emit receives each event to send, in order. */
  constructor(emit: (event: InputEvent) => void, options: KeyboardInputOptions = {}) {
    this.#emit = emit;
    this.#mac = options.mac ?? false;
    this.#windows = options.windows ?? false;
    // Number(): the timer id is a number in browsers and Deno (Node typings say Timeout).
    this.#setTimeout = options.setTimeout ?? ((fn, ms) => Number(setTimeout(fn, ms)));
    this.#clearTimeout = options.clearTimeout ?? ((id) => clearTimeout(id));
  }

  /** Number of keys held on the remote. */
  get held(): number {
    return this.#held.size;
  }

  /** Handles a `keydown`; returns whether to `preventDefault()` it. */
  keydown(ev: KeyEventLike): boolean {
    // Input methods and dead keys: the browser composes, the text path sends the result.
    if (this.#composing || ev.isComposing || ev.keyCode === 229 || ev.key === "Process") {
      return false;
    }
    let keysym = keysymForKeyEvent(ev, { mac: this.#mac, windows: this.#windows });
    const code = ev.code;
    if (this.#altGrTimer !== undefined) {
      this.#disarmAltGr();
      // Windows reports AltGr as ControlLeft then AltRight with the same time
      // stamp; the remote gets one ISO_Level3_Shift and no Control.
      if (code === "AltRight" && (ev.timeStamp ?? 0) - this.#altGrCtrlTime < ALTGR_WINDOW_MS) {
        keysym = XK.ISO_Level3_Shift;
      } else {
        this.#press("ControlLeft", XK.Control_L);
      }
    }
    if (keysym === undefined) {
      if (ev.key === "Dead" || ev.key === "Unidentified" || NAMED_KEY.test(ev.key)) return false;
      // A key that types several characters at once (some layouts have them).
      if (!ev.repeat) this.text(ev.key);
      return true;
    }
    // The remote repeats held keys itself.
    if (ev.repeat) return true;
    if (code === "" || code === "Unidentified") {
      // Virtual keyboards without a code: nothing matches the key-up, so press and release now.
      this.#tap(keysym);
      return true;
    }
    if (this.#mac && ev.metaKey && !MODIFIER_CODE.test(code)) {
      // macOS sends no key-up for a (non-modifier) key pressed while Command is held.
      this.#tap(keysym);
      return true;
    }
    if (this.#mac && code === "CapsLock") {
      // macOS sends key-down when Caps Lock turns on and key-up when it turns off.
      this.#tap(XK.Caps_Lock);
      return true;
    }
    if (this.#windows && WINDOWS_TAP_ONLY.has(keysym)) {
      this.#tap(keysym);
      return true;
    }
    if (this.#windows && code === "ControlLeft" && !this.#held.has(code)) {
      this.#altGrCtrlTime = ev.timeStamp ?? 0;
      this.#altGrTimer = this.#setTimeout(() => this.#interruptAltGr(), ALTGR_TIMEOUT_MS);
      return true;
    }
    this.#press(code, keysym);
    return true;
  }

  /** Handles a `keyup`; returns whether to `preventDefault()` it. */
  keyup(ev: KeyEventLike): boolean {
    this.#interruptAltGr();
    const code = ev.code;
    if (this.#mac && code === "CapsLock") {
      this.#tap(XK.Caps_Lock);
      return true;
    }
    const keysym = this.#held.get(code);
    if (keysym === undefined) return false;
    this.#release(code, keysym);
    if (this.#windows && (code === "ShiftLeft" || code === "ShiftRight")) {
      // Windows sends no key-up for one Shift while the other is held.
      for (const shift of ["ShiftLeft", "ShiftRight"]) {
        const other = this.#held.get(shift);
        if (other !== undefined) this.#release(shift, other);
      }
    }
    return true;
  }

  /** Handles `compositionstart` on the hidden textarea. */
  compositionStart(): void {
    this.#composing = true;
    this.#committed = undefined;
  }

  /** Handles `compositionend`: sends the committed text. */
  compositionEnd(data: string): void {
    this.#composing = false;
    if (data !== "" && data !== this.#committed) this.text(data);
    this.#committed = data;
  }

  /**
   * Handles an `input` event of the hidden textarea. Every key this module
   * sends is `preventDefault()`ed, so an input event is text with no usable
   * key-down: IME commits, phone keyboards, Playwright's `insertText`.
   */
  input(ev: TextInputLike): void {
    if (ev.isComposing) return;
    const data = ev.data ?? "";
    switch (ev.inputType) {
      case "insertText":
      case "insertReplacementText":
        this.#committed = undefined;
        if (data !== "") this.text(data);
        return;
      // Safari reports a commit as an input event outside the composition too.
      case "insertCompositionText":
      case "insertFromComposition":
        if (data !== "" && data !== this.#committed) this.text(data);
        this.#committed = data;
        return;
      case "insertLineBreak":
      case "insertParagraph":
        this.#tap(XK.Return);
        return;
      case "deleteContentBackward":
        this.#tap(XK.BackSpace);
        return;
      case "deleteContentForward":
        this.#tap(XK.Delete);
        return;
    }
  }

  /** Sends `text` to be typed, split into `Op.Text` messages of at most 1024 UTF-8 bytes. */
  text(text: string): void {
    for (const piece of splitUtf8(text)) this.#emit({ op: Op.Text, text: piece });
  }

  /** Sends a key-up for every held key and forgets them (blur, hidden page, detach). */
  releaseAll(): void {
    this.#disarmAltGr();
    this.#composing = false;
    for (const [code, keysym] of [...this.#held]) this.#release(code, keysym);
  }

  #press(code: string, keysym: number): void {
    const previous = this.#held.get(code);
    if (previous === keysym) return;
    // The same physical key now means another keysym (layout switched while held).
    if (previous !== undefined) this.#release(code, previous);
    this.#held.set(code, keysym);
    this.#emit({ op: Op.KeyDown, keysym });
  }

  #release(code: string, keysym: number): void {
    this.#held.delete(code);
    this.#emit({ op: Op.KeyUp, keysym });
  }

  #tap(keysym: number): void {
    this.#emit({ op: Op.KeyDown, keysym });
    this.#emit({ op: Op.KeyUp, keysym });
  }

  #disarmAltGr(): void {
    if (this.#altGrTimer === undefined) return;
    this.#clearTimeout(this.#altGrTimer);
    this.#altGrTimer = undefined;
  }

  /** The awaited AltRight did not come: the Control was real. */
  #interruptAltGr(): void {
    if (this.#altGrTimer === undefined) return;
    this.#disarmAltGr();
    this.#press("ControlLeft", XK.Control_L);
  }
}

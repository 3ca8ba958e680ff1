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
import { codePointToKeysym, keysymFromName } from "../../lib/protocol/keysyms.ts";

/** The fields of a `KeyboardEvent` this module reads; a DOM `KeyboardEvent` is one. */
export interface KeyEventLike {
  readonly key: string;
  readonly code: string;
  /** 0 standard, 1 left, 2 right, 3 numpad (`KeyboardEvent.DOM_KEY_LOCATION_*`). */
  readonly location: number;
  readonly repeat?: boolean;
  readonly isComposing?: boolean;
  /** Legacy key code; 229 means "an input method is handling this key". */
  readonly keyCode?: number;
  readonly ctrlKey?: boolean;
  readonly altKey?: boolean;
  readonly shiftKey?: boolean;
  readonly metaKey?: boolean;
  /** Milliseconds, as `Event.timeStamp`. */
  readonly timeStamp?: number;
  getModifierState?(key: string): boolean;
}

/** Platform quirks to apply; see {@linkcode platformOf}. */
export interface KeyboardPlatform {
  /** macOS or iOS: Command/Option remapped, fake releases for Caps Lock and Command chords. Default false. */
  mac?: boolean;
  /** Windows: AltGr arrives as a fake Control then AltRight; Shift releases get lost. Default false. */
  windows?: boolean;
}

/** Reads the platform from a user agent string (`navigator.userAgent`). */
export function platformOf(userAgent: string): Required<KeyboardPlatform> {
  return {
    mac: /Macintosh|Mac OS X|iPhone|iPad|iPod/.test(userAgent),
    windows: /Windows/.test(userAgent),
  };
}

function named(name: string): number {
  const keysym = keysymFromName(name);
  if (keysym === undefined) throw new RangeError(`Cannot find keysym: unknown name "${name}"`);
  return keysym;
}

/** DOM `key` values of non-character keys to keysym names; a pair is [left, right]. */
const NAMED_KEYS: Readonly<Record<string, string | readonly [string, string]>> = {
  Enter: "Return",
  Tab: "Tab",
  Backspace: "BackSpace",
  Escape: "Escape",
  Delete: "Delete",
  Insert: "Insert",
  Home: "Home",
  End: "End",
  PageUp: "Prior",
  PageDown: "Next",
  ArrowLeft: "Left",
  ArrowUp: "Up",
  ArrowRight: "Right",
  ArrowDown: "Down",
  CapsLock: "Caps_Lock",
  NumLock: "Num_Lock",
  ScrollLock: "Scroll_Lock",
  ContextMenu: "Menu",
  PrintScreen: "Print",
  Pause: "Pause",
  Clear: "Clear",
  Help: "Help",
  Select: "Select",
  Execute: "Execute",
  Undo: "Undo",
  Redo: "Redo",
  Again: "Redo",
  Find: "Find",
  Cancel: "Cancel",
  Shift: ["Shift_L", "Shift_R"],
  Control: ["Control_L", "Control_R"],
  Alt: ["Alt_L", "Alt_R"],
  Meta: ["Super_L", "Super_R"],
  // Firefox before 118 named the Windows/Super key "OS".
  OS: ["Super_L", "Super_R"],
  Super: ["Super_L", "Super_R"],
  Hyper: ["Hyper_L", "Hyper_R"],
  AltGraph: "ISO_Level3_Shift",
  Compose: "Multi_key",
  ModeChange: "Mode_switch",
  Convert: "Henkan",
  NonConvert: "Muhenkan",
  KanaMode: "Hiragana_Katakana",
  HiraganaKatakana: "Hiragana_Katakana",
  Hiragana: "Hiragana",
  Katakana: "Katakana",
  Romaji: "Romaji",
  Zenkaku: "Zenkaku",
  Hankaku: "Hankaku",
  ZenkakuHankaku: "Zenkaku_Hankaku",
  KanjiMode: "Kanji",
  Eisu: "Eisu_toggle",
  Alphanumeric: "Eisu_toggle",
  HangulMode: "Hangul",
  HanjaMode: "Hangul_Hanja",
  JunjaMode: "Hangul_Jeonja",
  CodeInput: "Codeinput",
  SingleCandidate: "SingleCandidate",
  AllCandidates: "MultipleCandidate",
  PreviousCandidate: "PreviousCandidate",
};

/** Keys on the numeric keypad (`location` 3) by `key`, which follows Num Lock. */
const NUMPAD_KEYS: Readonly<Record<string, string>> = {
  "0": "KP_0",
  "1": "KP_1",
  "2": "KP_2",
  "3": "KP_3",
  "4": "KP_4",
  "5": "KP_5",
  "6": "KP_6",
  "7": "KP_7",
  "8": "KP_8",
  "9": "KP_9",
  // NumpadDecimal types "," in German and many other layouts; KP_Decimal lets the remote layout decide.
  ".": "KP_Decimal",
  ",": "KP_Decimal",
  "+": "KP_Add",
  "-": "KP_Subtract",
  "*": "KP_Multiply",
  "/": "KP_Divide",
  "=": "KP_Equal",
  Enter: "KP_Enter",
  Home: "KP_Home",
  End: "KP_End",
  PageUp: "KP_Prior",
  PageDown: "KP_Next",
  ArrowLeft: "KP_Left",
  ArrowUp: "KP_Up",
  ArrowRight: "KP_Right",
  ArrowDown: "KP_Down",
  Insert: "KP_Insert",
  Delete: "KP_Delete",
  // Numpad 5 with Num Lock off.
  Clear: "KP_Begin",
};

/**
 * Media and browser keys, from XF86keysym.h (not keysymdef.h, so not in the
 * generated table). Most desktops keep these keys for themselves; when the
 * browser does see one it goes through.
 */
const XF86_KEYS: Readonly<Record<string, number>> = {
  AudioVolumeDown: 0x1008ff11, // XF86AudioLowerVolume
  AudioVolumeMute: 0x1008ff12, // XF86AudioMute
  AudioVolumeUp: 0x1008ff13, // XF86AudioRaiseVolume
  MediaPlayPause: 0x1008ff14, // XF86AudioPlay
  MediaStop: 0x1008ff15, // XF86AudioStop
  MediaTrackPrevious: 0x1008ff16, // XF86AudioPrev
  MediaTrackNext: 0x1008ff17, // XF86AudioNext
  BrowserHome: 0x1008ff18, // XF86HomePage
  BrowserSearch: 0x1008ff1b, // XF86Search
  BrowserBack: 0x1008ff26, // XF86Back
  BrowserForward: 0x1008ff27, // XF86Forward
  BrowserRefresh: 0x1008ff29, // XF86Refresh
};

const RESOLVED = new Map<string, readonly [number, number]>();
for (const [key, names] of Object.entries(NAMED_KEYS)) {
  const [left, right] = typeof names === "string" ? [names, names] : names;
  RESOLVED.set(key, [named(left), named(right)]);
}
const NUMPAD = new Map(Object.entries(NUMPAD_KEYS).map(([key, name]) => [key, named(name)]));
const KP_SEPARATOR = named("KP_Separator");

const XK = {
  Control_L: named("Control_L"),
  Alt_L: named("Alt_L"),
  Alt_R: named("Alt_R"),
  Super_L: named("Super_L"),
  Super_R: named("Super_R"),
  Mode_switch: named("Mode_switch"),
  ISO_Level3_Shift: named("ISO_Level3_Shift"),
  Caps_Lock: named("Caps_Lock"),
  BackSpace: named("BackSpace"),
  Delete: named("Delete"),
  Return: named("Return"),
} as const;

/** Japanese input-method keys whose release Windows never reports (noVNC works around the same). */
const WINDOWS_TAP_ONLY = new Set(
  ["Zenkaku_Hankaku", "Eisu_toggle", "Katakana", "Hiragana", "Romaji"].map(named),
);

/** `KeyboardEvent.key` values of named keys: an ASCII letter then letters or digits ("F5", "Enter"). */
const NAMED_KEY = /^[A-Z][A-Za-z0-9]+$/;
const FUNCTION_KEY = /^F([1-9]|[12][0-9]|3[0-5])$/;
const LATIN_LETTER = /^[A-Za-z]$/;
const KEY_CODE = /^Key([A-Z])$/;
const DIGIT_CODE = /^Digit([0-9])$/;
const MODIFIER_CODE = /^(Shift|Control|Alt|Meta|OS)(Left|Right)$/;

/**
 * Whether a character key is part of a shortcut: Control, Alt (not on macOS,
 * where Option types characters) or Meta held, and not AltGr, which types
 * characters too. Windows reports AltGr as Control+Alt, and some browsers
 * there do not set the AltGraph state, so Control+Alt counts as AltGr there.
 */
function isShortcut(ev: KeyEventLike, platform: KeyboardPlatform): boolean {
  if (ev.getModifierState?.("AltGraph")) return false;
  if (platform.windows && ev.ctrlKey && ev.altKey) return false;
  return Boolean(ev.ctrlKey || ev.metaKey || (!platform.mac && ev.altKey));
}

function characterKeysym(ev: KeyEventLike, cp: number, platform: KeyboardPlatform): number {
  if (!isShortcut(ev, platform)) return codePointToKeysym(cp);
  // Ctrl+A must reach the remote as Control + "a": with Caps Lock on (or from
  // a synthetic event) the key reads "A" without Shift, and the remote would add one.
  if (LATIN_LETTER.test(ev.key)) {
    return (ev.shiftKey ? ev.key.toUpperCase() : ev.key.toLowerCase()).codePointAt(0)!;
  }
  // Ctrl+C on a Russian or Greek layout must still copy: use the Latin key at
  // the same position, which every remote layout has.
  if (cp > 0x7f) {
    const letter = KEY_CODE.exec(ev.code)?.[1];
    if (letter) return (ev.shiftKey ? letter : letter.toLowerCase()).codePointAt(0)!;
    const digit = DIGIT_CODE.exec(ev.code)?.[1];
    if (digit && !ev.shiftKey) return digit.codePointAt(0)!;
  }
  return codePointToKeysym(cp);
}

/**
 * Returns the X keysym for a key event, or `undefined` when the key has none
 * to send: dead keys, keys an input method is handling ("Process",
 * "Unidentified"), unknown named keys and keys that type more than one
 * character.
 */
export function keysymForKeyEvent(
  ev: KeyEventLike,
  platform: KeyboardPlatform = {},
): number | undefined {
  const mac = platform.mac ?? false;
  const { key, code } = ev;
  if (ev.location === 3 || code.startsWith("Numpad")) {
    if (code === "NumpadComma") return KP_SEPARATOR;
    const keypad = NUMPAD.get(key);
    if (keypad !== undefined) return keypad;
  }
  const pair = RESOLVED.get(key);
  if (pair !== undefined) {
    const right = code.endsWith("Right") || (code === "" && ev.location === 2);
    const keysym = pair[right ? 1 : 0];
    // macOS: Option types characters (like AltGr) and Command is the shortcut
    // key, so send them the way RealVNC, TigerVNC and noVNC do.
    if (mac) {
      if (keysym === XK.Super_L) return XK.Alt_L;
      if (keysym === XK.Super_R) return XK.Super_L;
      if (keysym === XK.Alt_L) return XK.Mode_switch;
      if (keysym === XK.Alt_R) return XK.ISO_Level3_Shift;
    }
    return keysym;
  }
  if (FUNCTION_KEY.test(key)) return keysymFromName(key);
  const xf86 = XF86_KEYS[key];
  if (xf86 !== undefined) return xf86;
  const cp = key.codePointAt(0);
  if (cp === undefined || key.length !== String.fromCodePoint(cp).length) return undefined;
  if (cp < 0x20) return undefined;
  return characterKeysym(ev, cp, platform);
}

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

/**
 * Browser key events to X keysyms. A key that produces a character is the
 * keysym of that character (`event.key`), so the remote types what the local
 * layout shows whatever the remote layout is; named keys (Enter, F5, Shift)
 * have a fixed keysym, left and right told apart by `event.code`, keypad keys
 * follow Num Lock, and platform quirks (macOS Option, Windows AltGr) are
 * handled here.
 *
 * Pure: a DOM `KeyboardEvent` fits {@linkcode KeyEventLike}.
 *
 * @module
 */

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

/** Keysyms of the keys the keyboard bookkeeping treats specially. */
export const XK = {
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
export const WINDOWS_TAP_ONLY = new Set(
  ["Zenkaku_Hankaku", "Eisu_toggle", "Katakana", "Hiragana", "Romaji"].map(named),
);

/** `KeyboardEvent.key` values of named keys: an ASCII letter then letters or digits ("F5", "Enter"). */
export const NAMED_KEY = /^[A-Z][A-Za-z0-9]+$/;
const FUNCTION_KEY = /^F([1-9]|[12][0-9]|3[0-5])$/;
const LATIN_LETTER = /^[A-Za-z]$/;
const KEY_CODE = /^Key([A-Z])$/;
const DIGIT_CODE = /^Digit([0-9])$/;
/** `KeyboardEvent.code` of a modifier key, with its side. */
export const MODIFIER_CODE = /^(Shift|Control|Alt|Meta|OS)(Left|Right)$/;

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

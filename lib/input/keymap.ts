/**
 * Which X keycode types a keysym, on any keyboard layout: a pure model of
 * the X server's core keymap and of the keys one sink holds. It makes no X
 * call; the sink around it reads the keymap and sends what it decides.
 *
 * A keysym the keymap has is pressed on its keycode, with Shift added for a
 * level-2 symbol when the browser did not send Shift (on-screen keyboards
 * and input methods send the character only). A keysym the keymap lacks (é
 * on a US layout, Ж, 中, €), or one whose level the held modifiers would
 * change, is typed through a spare keycode remapped to it, like TigerVNC
 * and neko: up to {@linkcode SPARE_POOL} at once, least recently used first,
 * never one that is held down.
 *
 * @module
 */

import { type KeyboardMapping, LockMask, NoSymbol } from "../../ffi/x11.ts";

/** Keysyms of the Shift keys and Caps Lock. */
const XK_Shift_L = 0xffe1;
const XK_Shift_R = 0xffe2;
const XK_Caps_Lock = 0xffe5;
/** How many spare keycodes may carry remapped keysyms at once. */
export const SPARE_POOL = 16;

/** Lower- and upper-case forms of a keysym (Xlib's `XConvertCase`). */
export type CaseOf = (keysym: number) => { lower: number; upper: number };

/** Set every level of `keycode` to `keysyms` (one per level) before pressing it. */
export interface Remap {
  keycode: number;
  keysyms: number[];
}

/** What a key-down needs from the X server. */
export type KeyDownPlan =
  /** The keysym is already down: a repeat is not a second press. */
  | { action: "none" }
  /** No keycode can carry the keysym now (every spare is held): drop it. */
  | { action: "drop" }
  | {
    action: "press";
    /** Remap a spare keycode first. */
    remap?: Remap;
    /** Keycode of a Shift to hold around the press, or 0. */
    shift: number;
    keycode: number;
    /** Whether to send the press (false: another held keysym holds this keycode down already). */
    send: boolean;
    /** Whether the X modifier state changes (Shift, Caps Lock): re-read it before trusting it. */
    modifiersChanged: boolean;
  };

/** What a key-up needs from the X server. */
export interface KeyUpPlan {
  keycode: number;
  /** Whether to send the release (false: another held keysym still holds the keycode). */
  send: boolean;
  /** Whether the X modifier state changes (Caps Lock). */
  modifiersChanged: boolean;
}

/** Options of {@linkcode Keymap}. */
export interface KeymapOptions {
  /** How many spare keycodes may carry remapped keysyms at once. Default {@linkcode SPARE_POOL}. */
  spares?: number;
}

interface Found {
  keycode: number;
  /** 0 plain, 1 shifted. */
  level: 0 | 1;
  /** Whether Caps Lock flips the level (a lower/upper-case letter pair). */
  alphabetic: boolean;
  /** Whether Shift gives another symbol on this keycode. */
  shiftChanges: boolean;
}

/** Keysyms 0xff00-0xffff are keys, not characters (Return, Tab, arrows, F1, keypad, modifiers). */
function isFunctionKey(keysym: number): boolean {
  return keysym >= 0xff00 && keysym <= 0xffff;
}

/** The keymap of one X server and the keys one sink holds on it. */
export class Keymap {
  readonly #caseOf: CaseOf;
  readonly #pool: number;
  #mapping!: KeyboardMapping;
  /** Keysym -> where the layout has it (our remaps excluded); the first keycode wins. */
  #natural = new Map<number, Found>();
  /** Keycodes with no keysym, and ours. */
  #spares: number[] = [];
  /** Spare keycode -> keysym it carries, least recently used first. */
  #remapped = new Map<number, number>();
  /** Keycodes held down, with how many held keysyms hold each. */
  #keysDown = new Map<number, number>();
  /** Keysym -> keycode pressed for it, so key-up releases the same key. */
  #pressedFor = new Map<number, number>();
  #shiftKeycode = 0;

  /** @param caseOf the case pairs, to know which keys Caps Lock affects */
  constructor(mapping: KeyboardMapping, caseOf: CaseOf, options: KeymapOptions = {}) {
    this.#caseOf = caseOf;
    this.#pool = options.spares ?? SPARE_POOL;
    this.reload(mapping);
  }

  /**
   * Plans pressing `keysym`. `modifiers` returns the X modifier mask; it is
   * called only for a letter, whose level Caps Lock flips. Shift counts as
   * down when this keymap holds a Shift key.
   */
  keyDown(keysym: number, modifiers: () => number): KeyDownPlan {
    if (this.#pressedFor.has(keysym)) return { action: "none" };
    const found = this.#natural.get(keysym);
    let target: { keycode: number; shift: number; remap?: Remap } | undefined;
    if (found) {
      // Shift as this sink holds it (it knows better than a cached read); Lock from the server.
      const locked = found.alphabetic && (modifiers() & LockMask) !== 0;
      const shiftHeld = this.#shiftHeld();
      const shifted = shiftHeld !== locked;
      if (found.level === 1) {
        if (shifted) target = { keycode: found.keycode, shift: 0 };
        else if (!shiftHeld && this.#shiftKeycode !== 0) {
          target = { keycode: found.keycode, shift: this.#shiftKeycode };
        }
      } else if (!shifted || !found.shiftChanges || isFunctionKey(keysym)) {
        // Shift+Tab, Shift+arrows: the client sends the key and means Shift to apply.
        target = { keycode: found.keycode, shift: 0 };
      }
      // Otherwise Shift (or Lock) would change the character: a spare types it as it is.
    }
    target ??= this.#spareFor(keysym);
    if (target === undefined) return { action: "drop" };
    const count = this.#keysDown.get(target.keycode) ?? 0;
    this.#keysDown.set(target.keycode, count + 1);
    this.#pressedFor.set(keysym, target.keycode);
    return {
      action: "press",
      ...target,
      send: count === 0,
      modifiersChanged: keysym === XK_Shift_L || keysym === XK_Shift_R ||
        keysym === XK_Caps_Lock,
    };
  }

  /** Plans releasing `keysym`; undefined when it is not down (nothing to undo). */
  keyUp(keysym: number): KeyUpPlan | undefined {
    const keycode = this.#pressedFor.get(keysym);
    if (keycode === undefined) return undefined;
    this.#pressedFor.delete(keysym);
    const count = this.#keysDown.get(keycode) ?? 0;
    if (count > 1) this.#keysDown.set(keycode, count - 1);
    else this.#keysDown.delete(keycode);
    return { keycode, send: count <= 1, modifiersChanged: keysym === XK_Caps_Lock };
  }

  /** Forgets every held key and returns the keycodes to release. */
  releaseAll(): number[] {
    const keycodes = [...this.#keysDown.keys()];
    this.#keysDown.clear();
    this.#pressedFor.clear();
    return keycodes;
  }

  /** Forgets the remapped spares and returns the rows that empty them again. */
  undoRemaps(): Remap[] {
    const rows = [...this.#remapped.keys()].map((keycode) => this.#setRow(keycode, NoSymbol));
    this.#remapped.clear();
    return rows;
  }

  /**
   * Takes a new keymap table (after the X server announced a change). Our
   * remaps that the table still carries stay ours; a new layout
   * (`setxkbmap`) replaces the whole keymap, our remaps included.
   */
  reload(mapping: KeyboardMapping): void {
    this.#mapping = { ...mapping, keysyms: mapping.keysyms.slice() };
    const { minKeycode, maxKeycode, perKeycode, keysyms } = this.#mapping;
    for (const [keycode, keysym] of this.#remapped) {
      if (keysyms[(keycode - minKeycode) * perKeycode] !== BigInt(keysym)) {
        this.#remapped.delete(keycode);
      }
    }
    const natural = new Map<number, Found>();
    const spares: number[] = [];
    for (let keycode = minKeycode; keycode <= maxKeycode; keycode++) {
      if (this.#remapped.has(keycode)) continue;
      const base = (keycode - minKeycode) * perKeycode;
      const row = keysyms.subarray(base, base + perKeycode);
      if (row.every((k) => k === 0n)) {
        spares.push(keycode);
        continue;
      }
      const plain = Number(row[0]!);
      const shifted = perKeycode > 1 ? Number(row[1]!) : NoSymbol;
      const shiftChanges = shifted !== NoSymbol && shifted !== plain;
      const alphabetic = plain !== NoSymbol && shiftChanges &&
        this.#caseOf(plain).upper === shifted;
      // The first keycode found wins: the main keyboard comes before the keypad.
      if (plain !== NoSymbol && !natural.has(plain)) {
        natural.set(plain, { keycode, level: 0, alphabetic, shiftChanges });
      }
      if (shifted !== NoSymbol && !natural.has(shifted)) {
        natural.set(shifted, { keycode, level: 1, alphabetic, shiftChanges });
      }
    }
    this.#natural = natural;
    this.#spares = [...spares, ...this.#remapped.keys()];
    this.#shiftKeycode = natural.get(XK_Shift_L)?.keycode ?? 0;
  }

  #shiftHeld(): boolean {
    return this.#pressedFor.has(XK_Shift_L) || this.#pressedFor.has(XK_Shift_R);
  }

  /** The spare keycode carrying `keysym`, remapping the least recently used one if needed. */
  #spareFor(keysym: number): { keycode: number; shift: 0; remap?: Remap } | undefined {
    const held = (keycode: number) => this.#keysDown.has(keycode);
    let keycode = [...this.#remapped].find(([, carried]) => carried === keysym)?.[0];
    let remap: Remap | undefined;
    if (keycode === undefined) {
      const fresh = this.#spares.find((k) => !this.#remapped.has(k) && !held(k));
      if (fresh !== undefined && this.#remapped.size < this.#pool) keycode = fresh;
      else keycode = [...this.#remapped.keys()].find((k) => !held(k));
      if (keycode === undefined) return undefined;
      remap = this.#setRow(keycode, keysym);
    }
    // Most recently used last.
    this.#remapped.delete(keycode);
    this.#remapped.set(keycode, keysym);
    return remap ? { keycode, shift: 0, remap } : { keycode, shift: 0 };
  }

  /** Sets every level of `keycode` to `keysym` in our table; returns the row to send. */
  #setRow(keycode: number, keysym: number): Remap {
    const { minKeycode, perKeycode, keysyms } = this.#mapping;
    const base = (keycode - minKeycode) * perKeycode;
    keysyms.fill(BigInt(keysym), base, base + perKeycode);
    return { keycode, keysyms: new Array<number>(perKeycode).fill(keysym) };
  }
}

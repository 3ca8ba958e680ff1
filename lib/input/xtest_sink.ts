/**
 * Input injection into an X server through XTest, for any keyboard layout.
 *
 * Keys are injected by keysym: the sink finds a keycode that produces the
 * keysym in the server's current keymap (adding Shift for a level-2 symbol
 * when the browser did not send it, as on-screen keyboards and input methods
 * do). A keysym the keymap lacks (é on a US layout, Ж, 中, €) is typed
 * through a spare keycode that is remapped to it on the fly, like TigerVNC
 * and neko. The keymap is re-read whenever the server announces a change
 * (`setxkbmap de` while streaming).
 *
 * Every keycode and button pressed is remembered so that key-up releases
 * what key-down pressed, and {@linkcode XTestInputSink.releaseAll} leaves
 * nothing down.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import {
  convertCase,
  hasXTest,
  type KeyboardMapping,
  keyboardMapping,
  LockMask,
  MappingNotify,
  NoSymbol,
  openX11,
  queryPointer,
  rootSize,
  ShiftMask,
  x11,
  type X11Display,
  XEVENT_SIZE,
} from "../../ffi/x11.ts";
import type { InputSink, ScreenSize } from "./input_sink.ts";

const log = getLogger(["skerry", "input"]);

/** Keysyms of the Shift keys and Caps Lock. */
const XK_Shift_L = 0xffe1;
const XK_Shift_R = 0xffe2;
const XK_Caps_Lock = 0xffe5;
/** How long the X modifier state read from the server is trusted, in ms. */
const MODS_TTL_MS = 500;
/** How many spare keycodes may carry remapped keysyms at once. */
const SPARE_POOL = 16;
/** How long a cached screen size is trusted, in ms. */
const SIZE_TTL_MS = 250;

/** Counters of a sink. */
export interface XTestStats {
  /** XTest events sent. */
  injected: number;
  /** Calls ignored for a bad value (keysym 0, button outside 1-9) or a dead connection. */
  ignored: number;
  /** Spare keycodes remapped to a keysym the keymap lacked. */
  remaps: number;
  /** Keymap re-reads after the X server announced a change. */
  keymapReloads: number;
}

interface Found {
  keycode: number;
  /** 0 plain, 1 shifted. */
  level: 0 | 1;
  /** Whether Caps Lock flips the level (a lower/upper-case letter pair). */
  alphabetic: boolean;
}

/** Injects keys, buttons and motion into one X display with XTest. */
export class XTestInputSink implements InputSink {
  readonly #display: X11Display;
  #mapping!: KeyboardMapping;
  #lookup = new Map<number, Found>();
  #spares: number[] = [];
  /** Spare keycode -> keysym it currently carries, least recently used first. */
  #remapped = new Map<number, number>();
  /** Keycodes this sink holds down, with how many presses hold each. */
  #keysDown = new Map<number, number>();
  /** Keysym -> keycode pressed for it, so key-up releases the same key. */
  #pressedFor = new Map<number, number>();
  #buttonsDown = new Set<number>();
  #size: ScreenSize & { at: number } = { width: 0, height: 0, at: -Infinity };
  #event = new Uint8Array(XEVENT_SIZE);
  #shiftKeycode = 0;
  #mods = { mask: 0, at: -Infinity };
  /** Counters, for tests and metrics. */
  readonly stats: XTestStats = { injected: 0, ignored: 0, remaps: 0, keymapReloads: 0 };

  private constructor(display: X11Display) {
    this.#display = display;
    this.#loadKeymap();
  }

  /** Opens `displayName` and checks for XTest; throws a one-line `Error` otherwise. */
  static open(displayName: string): XTestInputSink {
    const display = openX11(displayName);
    if (!hasXTest(display)) {
      display.close();
      throw new Error(
        `Cannot inject input into ${displayName}: the X server has no XTest extension`,
      );
    }
    return new XTestInputSink(display);
  }

  /** Whether the X connection still works. */
  get alive(): boolean {
    return this.#display.alive();
  }

  key(keysym: number, down: boolean): void {
    if (!this.#usable() || !Number.isInteger(keysym) || keysym <= 0 || keysym > 0x1ffffff) {
      this.stats.ignored++;
      return;
    }
    this.#drainEvents();
    if (!this.#usable()) {
      this.stats.ignored++; // the X server went away while we read its events
      return;
    }
    if (!down) {
      const keycode = this.#pressedFor.get(keysym);
      if (keycode === undefined) return; // never pressed (or already released): nothing to undo
      this.#pressedFor.delete(keysym);
      this.#release(keycode);
      this.#flush();
      if (keysym === XK_Caps_Lock) this.#mods.at = -Infinity;
      return;
    }
    if (this.#pressedFor.has(keysym)) return; // already down: no second press
    let found = this.#lookup.get(keysym);
    let addShift = false;
    if (found) {
      const mask = found.level === 1 || found.alphabetic ? this.#modifiers() : 0;
      const shifted = (mask & ShiftMask) !== 0;
      const effective = shifted !== (found.alphabetic && (mask & LockMask) !== 0);
      if (found.level === 1 && !effective && this.#shiftKeycode !== 0) addShift = true;
      else if ((found.level === 1) !== effective) found = undefined; // shift held for a plain symbol
    }
    const keycode = found?.keycode ?? this.#remap(keysym);
    if (keycode === 0) {
      this.stats.ignored++;
      return;
    }
    const x = x11();
    if (addShift) x.XTestFakeKeyEvent(this.#display.pointer, this.#shiftKeycode, 1, 0n);
    this.#press(keycode);
    if (addShift) x.XTestFakeKeyEvent(this.#display.pointer, this.#shiftKeycode, 0, 0n);
    this.#pressedFor.set(keysym, keycode);
    this.#flush();
    // Our own Shift or Caps Lock changes the modifier state: read it afresh next time.
    if (keysym === XK_Shift_L || keysym === XK_Shift_R || keysym === XK_Caps_Lock) {
      this.#mods.at = -Infinity;
    }
  }

  /**
   * The X modifier state (Shift, Lock). A round trip to the X server, which
   * may be busy copying a frame for the capture, so it is cached briefly;
   * Shift held by this sink is added without asking.
   */
  #modifiers(): number {
    const now = performance.now();
    if (now - this.#mods.at > MODS_TTL_MS) {
      this.#mods = { mask: queryPointer(this.#display).mask, at: now };
    }
    const shiftHeld = [XK_Shift_L, XK_Shift_R].some((k) => this.#pressedFor.has(k));
    return shiftHeld ? this.#mods.mask | ShiftMask : this.#mods.mask & ~ShiftMask;
  }

  moveTo(x: number, y: number): void {
    if (!this.#usable() || !Number.isFinite(x) || !Number.isFinite(y)) {
      this.stats.ignored++;
      return;
    }
    const { width, height } = this.screenSize();
    const cx = Math.min(Math.max(0, Math.floor(x)), width - 1);
    const cy = Math.min(Math.max(0, Math.floor(y)), height - 1);
    x11().XTestFakeMotionEvent(this.#display.pointer, -1, cx, cy, 0n);
    this.stats.injected++;
    this.#flush();
  }

  moveBy(dx: number, dy: number): void {
    if (!this.#usable() || !Number.isInteger(dx) || !Number.isInteger(dy)) {
      this.stats.ignored++;
      return;
    }
    x11().XTestFakeRelativeMotionEvent(this.#display.pointer, dx, dy, 0n);
    this.stats.injected++;
    this.#flush();
  }

  button(button: number, down: boolean): void {
    if (!this.#usable() || !Number.isInteger(button) || button < 1 || button > 9) {
      this.stats.ignored++;
      return;
    }
    if (down === this.#buttonsDown.has(button)) return; // no double press, no stray release
    if (down) this.#buttonsDown.add(button);
    else this.#buttonsDown.delete(button);
    x11().XTestFakeButtonEvent(this.#display.pointer, button, down ? 1 : 0, 0n);
    this.stats.injected++;
    this.#flush();
  }

  releaseAll(): void {
    if (!this.#usable()) {
      this.#keysDown.clear();
      this.#pressedFor.clear();
      this.#buttonsDown.clear();
      return;
    }
    const x = x11();
    for (const button of this.#buttonsDown) {
      x.XTestFakeButtonEvent(this.#display.pointer, button, 0, 0n);
      this.stats.injected++;
    }
    this.#buttonsDown.clear();
    for (const keycode of this.#keysDown.keys()) {
      x.XTestFakeKeyEvent(this.#display.pointer, keycode, 0, 0n);
      this.stats.injected++;
    }
    this.#keysDown.clear();
    this.#pressedFor.clear();
    this.#flush();
  }

  screenSize(): ScreenSize {
    const now = performance.now();
    if (now - this.#size.at > SIZE_TTL_MS && this.#usable()) {
      this.#size = { ...rootSize(this.#display), at: now };
    }
    return { width: this.#size.width, height: this.#size.height };
  }

  close(): void {
    this.releaseAll();
    // Give the spare keycodes back their emptiness so the keymap is as we found it.
    if (this.#usable()) {
      for (const keycode of this.#remapped.keys()) this.#setKeysyms(keycode, NoSymbol);
    }
    this.#flush();
    this.#display.close();
  }

  #usable(): boolean {
    return this.#display.alive();
  }

  #press(keycode: number): void {
    const count = this.#keysDown.get(keycode) ?? 0;
    if (count === 0) {
      x11().XTestFakeKeyEvent(this.#display.pointer, keycode, 1, 0n);
      this.stats.injected++;
    }
    this.#keysDown.set(keycode, count + 1);
  }

  #release(keycode: number): void {
    const count = this.#keysDown.get(keycode) ?? 0;
    if (count > 1) {
      this.#keysDown.set(keycode, count - 1);
      return;
    }
    this.#keysDown.delete(keycode);
    x11().XTestFakeKeyEvent(this.#display.pointer, keycode, 0, 0n);
    this.stats.injected++;
  }

  #flush(): void {
    if (this.#display.alive()) x11().XFlush(this.#display.pointer);
  }

  /** Reads MappingNotify events (sent to every client unasked) and reloads the keymap. */
  #drainEvents(): void {
    const x = x11();
    let changed = false;
    while (this.#display.alive() && x.XPending(this.#display.pointer) > 0) {
      x.XNextEvent(this.#display.pointer, this.#event);
      if (new DataView(this.#event.buffer).getInt32(0, true) === MappingNotify) {
        x.XRefreshKeyboardMapping(this.#event);
        changed = true;
      }
    }
    if (changed && this.#display.alive()) {
      this.stats.keymapReloads++;
      try {
        this.#loadKeymap();
      } catch (error) {
        // Keep the old table: a vanished server is noticed on the next call.
        log.debug("Cannot reload the keymap: {reason}", { reason: (error as Error).message });
      }
    }
  }

  #loadKeymap(): void {
    const mapping = keyboardMapping(this.#display);
    this.#mapping = mapping;
    const lookup = new Map<number, Found>();
    const spares: number[] = [];
    const { minKeycode, maxKeycode, perKeycode, keysyms } = mapping;
    for (let keycode = minKeycode; keycode <= maxKeycode; keycode++) {
      const base = (keycode - minKeycode) * perKeycode;
      let empty = true;
      for (let i = 0; i < perKeycode; i++) if (keysyms[base + i] !== 0n) empty = false;
      if (empty) {
        spares.push(keycode);
        continue;
      }
      const ours = this.#remapped.get(keycode);
      if (ours !== undefined && keysyms[base] === BigInt(ours)) continue; // looked up below
      const plain = Number(keysyms[base]!);
      const shifted = perKeycode > 1 ? Number(keysyms[base + 1]!) : NoSymbol;
      const alphabetic = plain !== NoSymbol && shifted !== NoSymbol && plain !== shifted &&
        convertCase(plain).upper === shifted;
      // The first keycode found wins: the main keyboard comes before the keypad.
      if (plain !== NoSymbol && !lookup.has(plain)) {
        lookup.set(plain, { keycode, level: 0, alphabetic });
      }
      if (shifted !== NoSymbol && !lookup.has(shifted)) {
        lookup.set(shifted, { keycode, level: 1, alphabetic });
      }
    }
    for (const [keycode, keysym] of this.#remapped) {
      // A new layout (setxkbmap) replaces the whole keymap, our remaps included.
      if (keysyms[(keycode - minKeycode) * perKeycode] !== BigInt(keysym)) {
        this.#remapped.delete(keycode);
        continue;
      }
      lookup.set(keysym, { keycode, level: 0, alphabetic: false });
    }
    this.#lookup = lookup;
    // Spare keycodes: empty ones, and ours, which stay ours across reloads.
    this.#spares = [...new Set([...spares, ...this.#remapped.keys()])];
    this.#shiftKeycode = lookup.get(XK_Shift_L)?.keycode ?? 0;
  }

  /** Maps `keysym` onto a spare keycode (least recently used, never a held one). */
  #remap(keysym: number): number {
    const held = (keycode: number) => this.#keysDown.has(keycode);
    let keycode = [...this.#remapped].find(([, ks]) => ks === keysym)?.[0];
    if (keycode === undefined) {
      const fresh = this.#spares.find((k) => !this.#remapped.has(k));
      if (fresh !== undefined && this.#remapped.size < SPARE_POOL) keycode = fresh;
      else keycode = [...this.#remapped.keys()].find((k) => !held(k));
      if (keycode === undefined) {
        log.warn("No spare keycode left for keysym {keysym}", { keysym: keysym.toString(16) });
        return 0;
      }
      const previous = this.#remapped.get(keycode);
      if (previous !== undefined) this.#lookup.delete(previous);
      this.#setKeysyms(keycode, keysym);
      this.stats.remaps++;
    }
    // Most recently used last.
    this.#remapped.delete(keycode);
    this.#remapped.set(keycode, keysym);
    this.#lookup.set(keysym, { keycode, level: 0, alphabetic: false });
    return keycode;
  }

  /** Sets every level of `keycode` to `keysym` (NoSymbol empties it). */
  #setKeysyms(keycode: number, keysym: number): void {
    const per = this.#mapping.perKeycode;
    const row = new BigUint64Array(per).fill(BigInt(keysym));
    x11().XChangeKeyboardMapping(
      this.#display.pointer,
      keycode,
      per,
      new Uint8Array(row.buffer),
      1,
    );
    // Our own MappingNotify arrives later; the table is already right.
    const base = (keycode - this.#mapping.minKeycode) * per;
    this.#mapping.keysyms.fill(BigInt(keysym), base, base + per);
  }
}

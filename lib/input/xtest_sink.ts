/**
 * Input injection into an X server through XTest: the I/O shell around a
 * {@linkcode Keymap}, which decides which keycode types each keysym (any
 * layout; spare keycodes for keysyms the layout lacks). The sink reads the
 * keymap again whenever the server announces a change (`setxkbmap de` while
 * streaming) and sends what the keymap decides.
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
  drainEvents,
  fakeButton,
  fakeKey,
  fakeMotion,
  fakeRelativeMotion,
  flush,
  hasXTest,
  inputDeviceNames,
  keyboardMapping,
  openX11,
  type OpenX11Options,
  queryPointer,
  rootSize,
  setKeysyms,
  type X11Display,
} from "../../ffi/x11.ts";
import type { InputSink, ScreenSize } from "./input_sink.ts";
import { Keymap } from "./keymap.ts";
import { Throttle } from "../throttle.ts";

const log = getLogger(["skerry", "input"]);

/** How long the X modifier state read from the server is trusted, in ms. */
const MODS_TTL_MS = 500;
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

/** Injects keys, buttons and motion into one X display with XTest. */
export class XTestInputSink implements InputSink {
  readonly #display: X11Display;
  readonly #keymap: Keymap;
  #buttonsDown = new Set<number>();
  #size: ScreenSize & { at: number } = { width: 0, height: 0, at: -Infinity };
  #mods = { mask: 0, at: -Infinity };
  readonly #spareLog = new Throttle(1000);
  /** Counters, for tests and metrics. */
  readonly stats: XTestStats = { injected: 0, ignored: 0, remaps: 0, keymapReloads: 0 };

  private constructor(display: X11Display) {
    this.#display = display;
    this.#keymap = new Keymap(keyboardMapping(display), convertCase);
  }

  /**
   * Opens `displayName` (with `cookie`, an embedded display's; default
   * XAUTHORITY's) and checks for XTest; throws a one-line `Error` otherwise.
   */
  static open(displayName: string, options: OpenX11Options = {}): XTestInputSink {
    const display = openX11(displayName, options);
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

  /** Whether the X server lists an input device named `name` (one round trip; false when dead). */
  hasInputDevice(name: string): boolean {
    return this.#display.alive() && inputDeviceNames(this.#display).includes(name);
  }

  key(keysym: number, down: boolean): void {
    if (!this.#usable() || !Number.isInteger(keysym) || keysym <= 0 || keysym > 0x1ffffff) {
      this.stats.ignored++;
      return;
    }
    this.#followKeymap();
    if (!this.#usable()) {
      this.stats.ignored++; // the X server went away while we read its events
      return;
    }
    if (!down) {
      const plan = this.#keymap.keyUp(keysym);
      if (plan === undefined) return; // never pressed (or already released): nothing to undo
      if (plan.send) this.#fakeKey(plan.keycode, false);
      flush(this.#display);
      if (plan.modifiersChanged) this.#mods.at = -Infinity;
      return;
    }
    const plan = this.#keymap.keyDown(keysym, () => this.#modifiers());
    if (plan.action === "none") return;
    if (plan.action === "drop") {
      this.stats.ignored++;
      // Once a second at most: a viewer holding every spare could otherwise flood the log.
      if (this.#spareLog.due(performance.now())) {
        log.warn("No spare keycode left for keysym {keysym} ({ignored} ignored so far)", {
          keysym: keysym.toString(16),
          ignored: this.stats.ignored,
        });
      }
      return;
    }
    if (plan.remap) {
      setKeysyms(this.#display, plan.remap.keycode, plan.remap.keysyms);
      this.stats.remaps++;
    }
    if (plan.shift) fakeKey(this.#display, plan.shift, true);
    if (plan.send) this.#fakeKey(plan.keycode, true);
    if (plan.shift) fakeKey(this.#display, plan.shift, false);
    flush(this.#display);
    // Our own Shift or Caps Lock changes the modifier state: read it afresh next time.
    if (plan.modifiersChanged) this.#mods.at = -Infinity;
  }

  /**
   * The X modifier state (Shift, Lock). A round trip to the X server, which
   * may be busy copying a frame for the capture, so it is cached briefly.
   */
  #modifiers(): number {
    const now = performance.now();
    if (now - this.#mods.at > MODS_TTL_MS) {
      this.#mods = { mask: queryPointer(this.#display).mask, at: now };
    }
    return this.#mods.mask;
  }

  moveTo(x: number, y: number): void {
    if (!this.#usable() || !Number.isFinite(x) || !Number.isFinite(y)) {
      this.stats.ignored++;
      return;
    }
    const { width, height } = this.screenSize();
    const cx = Math.min(Math.max(0, Math.floor(x)), width - 1);
    const cy = Math.min(Math.max(0, Math.floor(y)), height - 1);
    fakeMotion(this.#display, cx, cy);
    this.stats.injected++;
    flush(this.#display);
  }

  moveBy(dx: number, dy: number): void {
    if (!this.#usable() || !Number.isInteger(dx) || !Number.isInteger(dy)) {
      this.stats.ignored++;
      return;
    }
    fakeRelativeMotion(this.#display, dx, dy);
    this.stats.injected++;
    flush(this.#display);
  }

  button(button: number, down: boolean): void {
    if (!this.#usable() || !Number.isInteger(button) || button < 1 || button > 9) {
      this.stats.ignored++;
      return;
    }
    if (down === this.#buttonsDown.has(button)) return; // no double press, no stray release
    if (down) this.#buttonsDown.add(button);
    else this.#buttonsDown.delete(button);
    fakeButton(this.#display, button, down);
    this.stats.injected++;
    flush(this.#display);
  }

  releaseAll(): void {
    const keycodes = this.#keymap.releaseAll();
    const buttons = [...this.#buttonsDown];
    this.#buttonsDown.clear();
    if (!this.#usable()) return;
    for (const button of buttons) {
      fakeButton(this.#display, button, false);
      this.stats.injected++;
    }
    for (const keycode of keycodes) this.#fakeKey(keycode, false);
    flush(this.#display);
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
    const rows = this.#keymap.undoRemaps();
    if (this.#usable()) {
      for (const row of rows) setKeysyms(this.#display, row.keycode, row.keysyms);
    }
    flush(this.#display);
    this.#display.close();
  }

  #usable(): boolean {
    return this.#display.alive();
  }

  #fakeKey(keycode: number, down: boolean): void {
    fakeKey(this.#display, keycode, down);
    this.stats.injected++;
  }

  /** Reads MappingNotify events (sent to every client unasked) and reloads the keymap. */
  #followKeymap(): void {
    if (!drainEvents(this.#display).mappingChanged || !this.#display.alive()) return;
    this.stats.keymapReloads++;
    try {
      this.#keymap.reload(keyboardMapping(this.#display));
    } catch (error) {
      // Keep the old table: a vanished server is noticed on the next call.
      log.debug("Cannot reload the keymap: {reason}", { reason: (error as Error).message });
    }
  }
}

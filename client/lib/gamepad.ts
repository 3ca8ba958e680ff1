/**
 * Gamepads: browser Gamepad API snapshots to `PadConnect`, `PadDisconnect`,
 * `PadButton` and `PadAxis`, sending only what changed.
 *
 * Only pads with the W3C "standard" mapping are forwarded (the server maps
 * that layout to a virtual xpad); at most {@linkcode MAX_PADS} at once, each
 * given the lowest free protocol index 0-3 (browser indices can go higher
 * after reconnects). Button values 0-1 become 0-65535; axes get a dead zone
 * and become -32767..32767.
 *
 * Pure diffing of plain snapshots; {@linkcode snapshotPads} reads the DOM
 * and `client/lib/input.ts` polls it once per animation frame.
 *
 * @module
 */

import { type InputEvent, MAX_PADS, Op } from "../../lib/protocol/input.ts";

/**
 * Axis values closer to 0 than this are 0: resting sticks read up to about
 * ±0.1 and would otherwise send a stream of tiny changes. Values beyond it
 * are rescaled so the full range stays reachable.
 */
export const AXIS_DEAD_ZONE = 0.1;

/** One pad as polled: the fields of a DOM `Gamepad` this module reads. */
export interface PadSnapshot {
  /** The browser's index (`Gamepad.index`). */
  readonly index: number;
  readonly connected: boolean;
  /** `"standard"` for the W3C standard layout. */
  readonly mapping: string;
  /** Button values 0-1 (`GamepadButton.value`). */
  readonly buttons: readonly number[];
  /** Axis values -1..1. */
  readonly axes: readonly number[];
}

/** Reads `navigator.getGamepads()` into plain snapshots, skipping empty slots. */
export function snapshotPads(pads: ArrayLike<Gamepad | null>): PadSnapshot[] {
  const out: PadSnapshot[] = [];
  for (let i = 0; i < pads.length; i++) {
    const pad = pads[i];
    if (!pad) continue;
    out.push({
      index: pad.index,
      connected: pad.connected,
      mapping: pad.mapping,
      buttons: pad.buttons.map((b) => b.value),
      axes: [...pad.axes],
    });
  }
  return out;
}

/** Scales a button value 0-1 to the protocol's 0-65535. */
export function buttonValue(value: number): number {
  if (!(value > 0)) return 0;
  return Math.round(Math.min(value, 1) * 65535);
}

/** Scales an axis value -1..1 to the protocol's -32767..32767, with {@linkcode AXIS_DEAD_ZONE}. */
export function axisValue(value: number): number {
  if (!Number.isFinite(value)) return 0;
  const size = Math.min(Math.abs(value), 1);
  if (size < AXIS_DEAD_ZONE) return 0;
  const scaled = Math.round((size - AXIS_DEAD_ZONE) / (1 - AXIS_DEAD_ZONE) * 32767);
  return value < 0 && scaled !== 0 ? -scaled : scaled;
}

interface Slot {
  index: number;
  buttons: number[];
  axes: number[];
}

/** Tracks connected pads and the values last sent for each. */
export class GamepadInput {
  #emit: (event: InputEvent) => void;
  /** Browser index to protocol slot and last values sent. */
  #slots = new Map<number, Slot>();

  /** @param emit receives each event to send, in order. */
  constructor(emit: (event: InputEvent) => void) {
    this.#emit = emit;
  }

  /** Number of connected pads with a button pressed or an axis off centre. */
  get held(): number {
    let n = 0;
    for (const slot of this.#slots.values()) {
      if (slot.buttons.some((v) => v !== 0) || slot.axes.some((v) => v !== 0)) n++;
    }
    return n;
  }

  /** Number of pads forwarded. */
  get connected(): number {
    return this.#slots.size;
  }

  /** Sends what changed since the last call, given every pad the browser reports now. */
  update(pads: readonly PadSnapshot[]): void {
    const present = new Map<number, PadSnapshot>();
    for (const pad of pads) {
      if (pad.connected && pad.mapping === "standard") present.set(pad.index, pad);
    }
    for (const [browserIndex, slot] of [...this.#slots]) {
      if (present.has(browserIndex)) continue;
      this.#slots.delete(browserIndex);
      this.#emit({ op: Op.PadDisconnect, index: slot.index });
    }
    for (const pad of present.values()) {
      let slot = this.#slots.get(pad.index);
      if (!slot) {
        const index = this.#freeIndex();
        if (index === undefined) continue;
        const buttons = Math.min(pad.buttons.length, 255);
        const axes = Math.min(pad.axes.length, 255);
        slot = { index, buttons: new Array(buttons).fill(0), axes: new Array(axes).fill(0) };
        this.#slots.set(pad.index, slot);
        this.#emit({ op: Op.PadConnect, index, buttons, axes });
      }
      this.#diff(slot, pad.buttons.map(buttonValue), pad.axes.map(axisValue));
    }
  }

  /**
   * Returns every pad to rest (buttons up, sticks centred) on the remote
   * (blur, hidden page). The pads stay connected; the next {@linkcode update}
   * sends whatever is still held.
   */
  releaseAll(): void {
    for (const slot of this.#slots.values()) this.#diff(slot, [], []);
  }

  /** Disconnects every pad on the remote (detach). */
  disconnectAll(): void {
    this.releaseAll();
    for (const slot of this.#slots.values()) {
      this.#emit({ op: Op.PadDisconnect, index: slot.index });
    }
    this.#slots.clear();
  }

  #diff(slot: Slot, buttons: readonly number[], axes: readonly number[]): void {
    for (let i = 0; i < slot.buttons.length; i++) {
      const value = buttons[i] ?? 0;
      if (value === slot.buttons[i]) continue;
      slot.buttons[i] = value;
      this.#emit({ op: Op.PadButton, index: slot.index, button: i, value });
    }
    for (let i = 0; i < slot.axes.length; i++) {
      const value = axes[i] ?? 0;
      if (value === slot.axes[i]) continue;
      slot.axes[i] = value;
      this.#emit({ op: Op.PadAxis, index: slot.index, axis: i, value });
    }
  }

  #freeIndex(): number | undefined {
    const used = new Set([...this.#slots.values()].map((s) => s.index));
    for (let i = 0; i < MAX_PADS; i++) if (!used.has(i)) return i;
    return undefined;
  }
}

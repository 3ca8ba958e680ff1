/**
 * One viewer's input: decodes input-channel messages and drives an
 * {@linkcode InputSink}, remembering what this viewer holds so that it is
 * released when the viewer blurs, leaves or goes silent (watchdog).
 *
 * Every message passes the viewer's limits first ({@linkcode INPUT_LIMITS}:
 * message rate, held keys, scroll notches, typed characters, gamepad
 * connects): what exceeds them is dropped and counted, never injected, and
 * logged at most once a second. Then its gate (lib/roles/control.ts): input
 * from a view-only viewer, or from a viewer while another controls, is
 * dropped and counted before it is even decoded.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import {
  decodeInput,
  INPUT_LIMITS,
  type InputEvent,
  type InputLimits,
  Op,
} from "../protocol/input.ts";
import { codePointToKeysym } from "../protocol/keysyms.ts";
import { Throttle } from "../throttle.ts";
import { TokenBucket } from "../token_bucket.ts";
import type { InputSink } from "./input_sink.ts";
import type { Admission } from "../roles/control.ts";

const log = getLogger(["skerry", "input"]);

/** Gamepads of one viewer (uinput), or nothing. */
export interface PadSink {
  connect(index: number, shape: { buttons: number; axes: number }): void;
  button(index: number, button: number, value: number): void;
  axis(index: number, axis: number, value: number): void;
  disconnect(index: number): void;
  /** Disconnects every pad of this viewer. */
  close(): void;
}

/** Why a limit dropped input. */
export type InputLimitReason = "rate" | "heldKeys" | "scroll" | "text" | "pads";

/** Why the gate refused input. */
export type InputRefusal = "viewOnly" | "notController";

/** Counters of one viewer's input: `received = accepted + rejected + limited + refused`. */
export interface InputStats {
  /** Messages received. */
  received: number;
  /** Messages decoded and acted on (a Scroll cut short by the notch limits included). */
  accepted: number;
  /** Messages dropped as malformed or out of range (nothing injected). */
  rejected: number;
  /** Messages dropped whole by a limit (nothing injected). */
  limited: number;
  /** What each limit dropped: messages, except `scroll`, which counts wheel notches. */
  limitedBy: Record<InputLimitReason, number>;
  /** Messages dropped by the gate: the viewer may not control now (nothing injected). */
  refused: number;
  /** Why the gate refused them. */
  refusedBy: Record<InputRefusal, number>;
  /** Times the watchdog released held input. */
  watchdogReleases: number;
}

/** Options of {@linkcode InputHandler}. */
export interface InputHandlerOptions {
  /** Gamepads; default none (pad messages are accepted and dropped). */
  pads?: PadSink;
  /** Release held input after this much silence, in ms. Default 3000. */
  watchdogMs?: number;
  /** Peer id, for logs. */
  peer?: string;
  /** The limits; default {@linkcode INPUT_LIMITS}. */
  limits?: InputLimits;
  /**
   * Whether this viewer's input may be injected now; `active` is true for a
   * move, a press or typing (what takes free control). Default: always.
   */
  gate?: (active: boolean) => Admission;
}

/**
 * Input that takes control when nobody has it: a move, a press, typing,
 * a gamepad. Releases, heartbeats and pad disconnects never do.
 */
const ACTIVE_OPS: ReadonlySet<number> = new Set([
  Op.KeyDown,
  Op.Move,
  Op.MoveRelative,
  Op.ButtonDown,
  Op.Scroll,
  Op.Text,
  Op.PadConnect,
  Op.PadButton,
  Op.PadAxis,
]);

/** Wheel notch buttons: up, down, left, right. */
const WHEEL = { up: 4, down: 5, left: 6, right: 7 } as const;

/** Decodes and injects one viewer's input. */
export class InputHandler {
  readonly #sink: InputSink;
  readonly #options: InputHandlerOptions;
  readonly #limits: InputLimits;
  readonly #keys = new Set<number>();
  readonly #buttons = new Set<number>();
  /** Gamepad slots this viewer has connected. */
  readonly #padSlots = new Set<number>();
  /** Gamepad buttons held (value above 0) and axes off centre, per slot: `slot * 256 + n`. */
  readonly #padButtons = new Set<number>();
  readonly #padAxes = new Set<number>();
  readonly #rate: TokenBucket;
  readonly #notches: TokenBucket;
  readonly #chars: TokenBucket;
  readonly #padConnects: TokenBucket;
  readonly #rejectLog = new Throttle(1000);
  readonly #limitLog = new Throttle(1000);
  readonly #refuseLog = new Throttle(1000);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** Counters, for tests and metrics. */
  readonly stats: InputStats = {
    received: 0,
    accepted: 0,
    rejected: 0,
    limited: 0,
    limitedBy: { rate: 0, heldKeys: 0, scroll: 0, text: 0, pads: 0 },
    refused: 0,
    refusedBy: { viewOnly: 0, notController: 0 },
    watchdogReleases: 0,
  };

  constructor(sink: InputSink, options: InputHandlerOptions = {}) {
    this.#sink = sink;
    this.#options = options;
    const limits = this.#limits = options.limits ?? INPUT_LIMITS;
    const now = Date.now();
    this.#rate = new TokenBucket({ ratePerSecond: limits.rate, capacity: limits.burst }, now);
    this.#notches = new TokenBucket(
      { ratePerSecond: limits.notchesPerSecond, capacity: limits.notchesBurst },
      now,
    );
    this.#chars = new TokenBucket(
      { ratePerSecond: limits.textCharsPerSecond, capacity: limits.textBurst },
      now,
    );
    this.#padConnects = new TokenBucket({
      ratePerSecond: (limits.padConnects * 1000) / limits.padWindowMs,
      capacity: limits.padConnects,
    }, now);
  }

  /** Handles one data-channel message. Never throws. */
  handle(message: Uint8Array): void {
    if (this.#closed) return;
    this.stats.received++;
    const now = Date.now();
    // Before decoding: a flood costs one subtraction per message.
    if (!this.#rate.take(now)) return this.#limited("rate", now);
    const gate = this.#options.gate;
    if (gate) {
      const admission = gate(ACTIVE_OPS.has(message[0] ?? 0));
      if (admission !== "ok") return this.#refused(admission, now);
    }
    let event: InputEvent;
    try {
      event = decodeInput(message);
    } catch (error) {
      this.stats.rejected++;
      if (this.#rejectLog.due(now)) {
        log.debug("Rejected input from {peer}: {reason} ({rejected} so far)", {
          peer: this.#peer,
          reason: (error as Error).message,
          rejected: this.stats.rejected,
        });
      }
      return;
    }
    const over = this.#overLimit(event, now);
    if (over !== undefined) return this.#limited(over, now);
    this.stats.accepted++;
    this.#apply(event, now);
    this.#armWatchdog();
  }

  /** Releases everything this viewer holds (blur, control taken away). */
  releaseAll(): void {
    for (const keysym of this.#keys) this.#sink.key(keysym, false);
    this.#keys.clear();
    for (const button of this.#buttons) this.#sink.button(button, false);
    this.#buttons.clear();
  }

  /**
   * Control went to another viewer (or was given up): releases every key and
   * button this viewer holds, and its gamepads' buttons and sticks, which
   * stay plugged in.
   */
  revoke(): void {
    this.releaseAll();
    const pads = this.#options.pads;
    for (const id of this.#padButtons) pads?.button(id >> 8, id & 0xff, 0);
    this.#padButtons.clear();
    for (const id of this.#padAxes) pads?.axis(id >> 8, id & 0xff, 0);
    this.#padAxes.clear();
  }

  /** The viewer left: release everything and disconnect its gamepads. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.releaseAll();
    this.#options.pads?.close();
    const { limitedBy, refusedBy, ...stats } = this.stats;
    log[stats.rejected + stats.limited + stats.refused > 0 ? "info" : "debug"](
      "Input from {peer}: {received} messages, {accepted} accepted, {rejected} malformed, {limited} over a limit (rate {rate}, held keys {heldKeys}, text {text}, pads {pads}), {refused} refused (view-only {viewOnly}, not in control {notController}); {scroll} wheel notches dropped",
      { peer: this.#peer, ...stats, ...limitedBy, ...refusedBy },
    );
  }

  get #peer(): string {
    return this.#options.peer ?? "?";
  }

  /** The limit `event` exceeds (it is then dropped whole), if any. */
  #overLimit(event: InputEvent, now: number): InputLimitReason | undefined {
    switch (event.op) {
      case Op.KeyDown:
        if (this.#keys.size >= this.#limits.heldKeys && !this.#keys.has(event.keysym)) {
          return "heldKeys";
        }
        return;
      case Op.Text:
        // All or nothing: half a word typed would be worse than none.
        if (!this.#chars.take(now, [...event.text].length)) return "text";
        return;
      case Op.PadConnect:
        if (!this.#padSlots.has(event.index) && !this.#padConnects.take(now)) return "pads";
        return;
    }
  }

  #refused(admission: Exclude<Admission, "ok">, now: number): void {
    const reason: InputRefusal = admission === "view-only" ? "viewOnly" : "notController";
    this.stats.refused++;
    this.stats.refusedBy[reason]++;
    if (!this.#refuseLog.due(now)) return;
    log.debug("Dropped input from {peer}: {admission} ({refused} so far)", {
      peer: this.#peer,
      admission,
      refused: this.stats.refused,
    });
  }

  #limited(reason: InputLimitReason, now: number): void {
    this.stats.limited++;
    this.stats.limitedBy[reason]++;
    this.#logLimited(reason, now);
  }

  #logLimited(reason: InputLimitReason, now: number): void {
    if (!this.#limitLog.due(now)) return;
    log.info(
      "Dropped input from {peer} over the {reason} limit ({limited} messages, {notches} wheel notches so far)",
      {
        peer: this.#peer,
        reason,
        limited: this.stats.limited,
        notches: this.stats.limitedBy.scroll,
      },
    );
  }

  /** Wheel notches allowed now for a request of `n` (any sign): clamped, then budgeted. */
  #allowNotches(n: number, now: number): number {
    const asked = Math.abs(n);
    const allowed = this.#notches.takeUpTo(now, Math.min(asked, this.#limits.notchesPerMessage));
    if (allowed < asked) {
      this.stats.limitedBy.scroll += asked - allowed;
      this.#logLimited("scroll", now);
    }
    return allowed;
  }

  #apply(event: InputEvent, now: number): void {
    const sink = this.#sink;
    switch (event.op) {
      case Op.KeyDown:
        if (this.#keys.has(event.keysym)) return;
        this.#keys.add(event.keysym);
        sink.key(event.keysym, true);
        return;
      case Op.KeyUp:
        if (!this.#keys.delete(event.keysym)) return;
        sink.key(event.keysym, false);
        return;
      case Op.Move: {
        const { width, height } = sink.screenSize();
        sink.moveTo(
          Math.floor((event.x * width) / event.width),
          Math.floor((event.y * height) / event.height),
        );
        return;
      }
      case Op.MoveRelative:
        sink.moveBy(event.dx, event.dy);
        return;
      case Op.ButtonDown:
        if (this.#buttons.has(event.button)) return;
        this.#buttons.add(event.button);
        sink.button(event.button, true);
        return;
      case Op.ButtonUp:
        if (!this.#buttons.delete(event.button)) return;
        sink.button(event.button, false);
        return;
      case Op.Scroll:
        this.#scroll(event.dy > 0 ? WHEEL.down : WHEEL.up, this.#allowNotches(event.dy, now));
        this.#scroll(event.dx > 0 ? WHEEL.right : WHEEL.left, this.#allowNotches(event.dx, now));
        return;
      case Op.Text:
        for (const char of event.text) {
          const keysym = codePointToKeysym(char.codePointAt(0)!);
          if (this.#keys.has(keysym)) continue; // held by this viewer: typing it would release it
          sink.key(keysym, true);
          sink.key(keysym, false);
        }
        return;
      case Op.ReleaseAll:
        this.releaseAll();
        return;
      case Op.Heartbeat:
        return;
      case Op.PadConnect:
        if (this.#padSlots.has(event.index)) return;
        this.#padSlots.add(event.index);
        this.#options.pads?.connect(event.index, { buttons: event.buttons, axes: event.axes });
        return;
      case Op.PadDisconnect:
        if (!this.#padSlots.delete(event.index)) return;
        this.#forgetPad(event.index);
        this.#options.pads?.disconnect(event.index);
        return;
      case Op.PadButton: {
        const id = event.index * 256 + event.button;
        if (event.value > 0) this.#padButtons.add(id);
        else this.#padButtons.delete(id);
        this.#options.pads?.button(event.index, event.button, event.value);
        return;
      }
      case Op.PadAxis: {
        const id = event.index * 256 + event.axis;
        if (event.value !== 0) this.#padAxes.add(id);
        else this.#padAxes.delete(id);
        this.#options.pads?.axis(event.index, event.axis, event.value);
        return;
      }
    }
  }

  #forgetPad(index: number): void {
    for (const set of [this.#padButtons, this.#padAxes]) {
      for (const id of set) if (id >> 8 === index) set.delete(id);
    }
  }

  #scroll(button: number, count: number): void {
    for (let i = 0; i < count; i++) {
      this.#sink.button(button, true);
      this.#sink.button(button, false);
    }
  }

  /** Releases held input if nothing (not even a heartbeat) arrives in time. */
  #armWatchdog(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#keys.size === 0 && this.#buttons.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.stats.watchdogReleases++;
      log.info("No input from {peer} for {ms} ms with keys held: releasing them", {
        peer: this.#peer,
        ms: this.#options.watchdogMs ?? 3000,
      });
      this.releaseAll();
    }, this.#options.watchdogMs ?? 3000);
  }
}

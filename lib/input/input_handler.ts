/**
 * One viewer's input: decodes input-channel messages and drives an
 * {@linkcode InputSink}, remembering what this viewer holds so that it is
 * released when the viewer blurs, leaves or goes silent (watchdog).
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { decodeInput, type InputEvent, Op } from "../protocol/input.ts";
import { codePointToKeysym } from "../protocol/keysyms.ts";
import type { InputSink } from "./input_sink.ts";

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

/** Counters of one viewer's input. */
export interface InputStats {
  /** Messages received. */
  received: number;
  /** Messages decoded and acted on. */
  accepted: number;
  /** Messages dropped as malformed or out of range (nothing injected). */
  rejected: number;
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
}

/** Wheel notch buttons: up, down, left, right. */
const WHEEL = { up: 4, down: 5, left: 6, right: 7 } as const;

/** Decodes and injects one viewer's input. */
export class InputHandler {
  readonly #sink: InputSink;
  readonly #options: InputHandlerOptions;
  readonly #keys = new Set<number>();
  readonly #buttons = new Set<number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastReject = 0;
  #closed = false;
  /** Counters, for tests and metrics. */
  readonly stats: InputStats = { received: 0, accepted: 0, rejected: 0, watchdogReleases: 0 };

  constructor(sink: InputSink, options: InputHandlerOptions = {}) {
    this.#sink = sink;
    this.#options = options;
  }

  /** Handles one data-channel message. Never throws. */
  handle(message: Uint8Array): void {
    if (this.#closed) return;
    this.stats.received++;
    let event: InputEvent;
    try {
      event = decodeInput(message);
    } catch (error) {
      this.stats.rejected++;
      const now = Date.now();
      if (now - this.#lastReject > 1000) {
        this.#lastReject = now;
        log.debug("Rejected input from {peer}: {reason} ({rejected} so far)", {
          peer: this.#options.peer ?? "?",
          reason: (error as Error).message,
          rejected: this.stats.rejected,
        });
      }
      return;
    }
    this.stats.accepted++;
    this.#apply(event);
    this.#armWatchdog();
  }

  /** Releases everything this viewer holds (blur, control taken away). */
  releaseAll(): void {
    for (const keysym of this.#keys) this.#sink.key(keysym, false);
    this.#keys.clear();
    for (const button of this.#buttons) this.#sink.button(button, false);
    this.#buttons.clear();
  }

  /** The viewer left: release everything and disconnect its gamepads. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.releaseAll();
    this.#options.pads?.close();
  }

  #apply(event: InputEvent): void {
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
        this.#notches(event.dy > 0 ? WHEEL.down : WHEEL.up, Math.abs(event.dy));
        this.#notches(event.dx > 0 ? WHEEL.right : WHEEL.left, Math.abs(event.dx));
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
        this.#options.pads?.connect(event.index, { buttons: event.buttons, axes: event.axes });
        return;
      case Op.PadDisconnect:
        this.#options.pads?.disconnect(event.index);
        return;
      case Op.PadButton:
        this.#options.pads?.button(event.index, event.button, event.value);
        return;
      case Op.PadAxis:
        this.#options.pads?.axis(event.index, event.axis, event.value);
        return;
    }
  }

  #notches(button: number, count: number): void {
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
        peer: this.#options.peer ?? "?",
        ms: this.#options.watchdogMs ?? 3000,
      });
      this.releaseAll();
    }, this.#options.watchdogMs ?? 3000);
  }
}

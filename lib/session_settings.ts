/**
 * The live settings of a media session (bitrate, frame rate, audio): what
 * they are now, the `settings` message viewers get, and the changes the
 * helper gets, merged so that a viewer dragging a slider does not restart
 * the encoder at every step.
 *
 * @module
 */

import type { HelperTuning, LiveSettings, LiveSettingsChange } from "./protocol/live_settings.ts";
import type { ServerMessage } from "./protocol/signalling.ts";

/** Live settings of a `MediaSession`. */
export interface SessionSettings {
  /** The settings at start (options, then the `--json-config` file). */
  initial: LiveSettings;
  /** Whether congestion control runs (the viewers are told: the bitrate is then a ceiling). */
  congestionControl: boolean;
  /** Called with the new settings after a viewer changed them (to remember them). */
  onChange?(settings: LiveSettings, change: LiveSettingsChange): void;
}

/**
 * Least time between two `settings` messages to the helper, in ms: a viewer
 * dragging a slider sends many; a frame-rate change restarts the encoder
 * (one keyframe), so changes in between are merged and sent as one.
 */
export const SETTINGS_INTERVAL_MS = 200;

/** Where a helper is in its life, as far as settings go. */
export type HelperPhase = "none" | "starting" | "running";

/** What {@linkcode SettingsKeeper} needs of the session. */
export interface SettingsTarget {
  /** The current helper's phase. */
  phase(): HelperPhase;
  /** Sends a change to the current helper. */
  send(change: LiveSettingsChange): void;
}

/** The settings now, and their way to the helper. */
export class SettingsKeeper {
  readonly #options: SessionSettings;
  readonly #target: SettingsTarget;
  #current: LiveSettings;
  #pending: LiveSettingsChange | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: SessionSettings, target: SettingsTarget) {
    this.#options = options;
    this.#target = target;
    this.#current = { ...options.initial };
  }

  /** The `settings` message for viewers. */
  get message(): Extract<ServerMessage, { type: "settings" }> {
    return {
      type: "settings",
      ...this.#current,
      congestionControl: this.#options.congestionControl,
    };
  }

  /** `tuning` with the settings now in place of the ones the server started with. */
  tuning(tuning: HelperTuning): HelperTuning {
    return { ...tuning, ...this.#current };
  }

  /**
   * Applies a viewer's change; returns what actually changed (null: nothing).
   * The change goes to the helper (now, or merged after
   * {@linkcode SETTINGS_INTERVAL_MS}) and to `onChange`.
   */
  change(change: LiveSettingsChange): LiveSettingsChange | null {
    const current = this.#current;
    const changed = Object.fromEntries(
      Object.entries(change).filter(([key, value]) => current[key as keyof LiveSettings] !== value),
    ) as LiveSettingsChange;
    if (Object.keys(changed).length === 0) return null;
    this.#current = { ...current, ...changed };
    this.#pending = { ...this.#pending, ...changed };
    if (this.#timer === undefined) this.flush();
    this.#options.onChange?.(this.#current, changed);
    return changed;
  }

  /** A helper was sent `start` (with {@linkcode tuning}): nothing older needs sending. */
  started(): void {
    this.#pending = undefined;
  }

  /** Sends what waits, if the helper can take it (call again when it becomes ready). */
  flush(): void {
    const pending = this.#pending;
    const phase = this.#target.phase();
    // A starting helper gets it once ready; one not started gets the settings in its `start`.
    if (!pending || phase === "starting" || this.#timer !== undefined) return;
    this.#pending = undefined;
    if (phase !== "running") return;
    this.#target.send(pending);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, SETTINGS_INTERVAL_MS);
  }

  /** Stops the timer. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

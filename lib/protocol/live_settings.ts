/**
 * Stream settings a viewer changes while connected (docs/PROTOCOL.md, "Live
 * settings"): video bitrate, frame rate, audio on or off. The same shapes
 * travel browser → server (a change), server → browser (the settings now)
 * and server → helper (a change, and the start values inside `start`).
 *
 * @module
 */

import type { JsonObject } from "./_fields.ts";

/** The settings a viewer may change live. */
export interface LiveSettings {
  /**
   * Video bitrate in kbit/s: the encoder's bitrate, and with congestion
   * control the most it may use.
   */
  videoBitrate: number;
  /** Frames per second captured and encoded (congestion control may use fewer). */
  framerate: number;
  /** Whether the desktop's sound is streamed. */
  audio: boolean;
}

/** A change of some settings. */
export type LiveSettingsChange = Partial<LiveSettings>;

/** Ranges of the numeric settings: the same as the options `--video-bitrate` and `--framerate`. */
export const LIVE_SETTING_RANGES = {
  videoBitrate: { min: 100, max: 1_000_000 },
  framerate: { min: 1, max: 240 },
} as const;

/** What the helper starts with: the live settings and the fixed ones that shape them. */
export interface HelperTuning extends LiveSettings {
  /** Seconds between forced keyframes; -1: only on request. For encoder buffer sizes. */
  keyframeDistance: number;
  /** Whether each viewer's congestion controller may lower the bitrate and frame rate. */
  congestionControl: boolean;
  /** ULP FEC overhead in percent for expected loss; 0: off. */
  fecPercent: number;
}

/**
 * Reads a change from a message's fields: at least one of `videoBitrate`,
 * `framerate`, `audio`, each in range; other fields are ignored. Throws
 * `RangeError` naming the bad field.
 */
export function parseSettingsChange(o: JsonObject): LiveSettingsChange {
  const change: LiveSettingsChange = {};
  for (const name of ["videoBitrate", "framerate"] as const) {
    if (o[name] === undefined) continue;
    const { min, max } = LIVE_SETTING_RANGES[name];
    change[name] = integer(o, name, min, max);
  }
  if (o.audio !== undefined) change.audio = boolean(o, "audio");
  if (Object.keys(change).length === 0) {
    throw new RangeError(
      `Cannot parse "${o.type}" message: give at least one of "videoBitrate", "framerate", "audio"`,
    );
  }
  return change;
}

/** Reads complete settings (every field required); throws like {@linkcode parseSettingsChange}. */
export function parseSettings(o: JsonObject): LiveSettings {
  const change = parseSettingsChange(o);
  for (const name of ["videoBitrate", "framerate", "audio"] as const) {
    if (change[name] === undefined) {
      throw new RangeError(`Cannot parse "${o.type}" message: "${name}" is missing`);
    }
  }
  return change as LiveSettings;
}

/** Reads a {@linkcode HelperTuning} object from field `name` of a message. */
export function parseTuning(o: JsonObject, name: string): HelperTuning {
  const v = o[name];
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new RangeError(`Cannot parse "${o.type}" message: "${name}" must be an object`);
  }
  const t = { type: o.type, ...v } as JsonObject;
  const keyframeDistance = t.keyframeDistance;
  if (typeof keyframeDistance !== "number" || !(keyframeDistance === -1 || keyframeDistance > 0)) {
    throw new RangeError(
      `Cannot parse "${o.type}" message: "keyframeDistance" must be -1 or a positive number`,
    );
  }
  return {
    ...parseSettings(t),
    keyframeDistance,
    congestionControl: boolean(t, "congestionControl"),
    fecPercent: number(t, "fecPercent", 0, 100),
  };
}

function integer(o: JsonObject, name: string, min: number, max: number): number {
  const v = o[name];
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(
      `Cannot parse "${o.type}" message: "${name}" must be an integer ${min}-${max}`,
    );
  }
  return v;
}

function number(o: JsonObject, name: string, min: number, max: number): number {
  const v = o[name];
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
    throw new RangeError(
      `Cannot parse "${o.type}" message: "${name}" must be a number ${min}-${max}`,
    );
  }
  return v;
}

function boolean(o: JsonObject, name: string): boolean {
  const v = o[name];
  if (typeof v !== "boolean") {
    throw new RangeError(`Cannot parse "${o.type}" message: "${name}" must be true or false`);
  }
  return v;
}

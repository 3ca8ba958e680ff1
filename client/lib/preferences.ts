/**
 * The viewer's own preferences, remembered per browser in `localStorage`
 * under one versioned key ({@linkcode PREFERENCES_KEY}) and re-applied on
 * every connection: the video format, the statistics overlay, how the
 * desktop is scaled, and relay-only. Stored data is never trusted: a field
 * that is missing, of the wrong type or out of range falls back to its
 * default on its own, and unreadable JSON (or a storage that throws, as in
 * some private windows) gives the defaults. The display name is kept apart
 * (client/lib/display_name.ts).
 *
 * @module
 */

import { type Encoder, isEncoder } from "../../lib/protocol/encoders.ts";

/** The `localStorage` key; a new version of the format gets a new key. */
export const PREFERENCES_KEY = "skerry.preferences.v1";

/**
 * How the desktop is drawn: `fit` scales it to the window (letterboxed),
 * `native` draws one desktop pixel per device pixel (scroll to see the rest).
 */
export type ScaleMode = "fit" | "native";

/** What this browser remembers. */
export interface Preferences {
  /** The video format this viewer picked; undefined: the server's choice. */
  encoder: Encoder | undefined;
  /** Whether the statistics overlay is shown. */
  overlay: boolean;
  /** How the desktop is drawn. */
  scale: ScaleMode;
  /** Whether to connect through TURN relays only. */
  relay: boolean;
}

/** What a browser that never chose anything gets. */
export const DEFAULT_PREFERENCES: Readonly<Preferences> = Object.freeze({
  encoder: undefined,
  overlay: false,
  scale: "fit",
  relay: false,
});

/** The part of `Storage` used; `localStorage` may be missing or throw. */
export type PreferenceStorage = Pick<Storage, "getItem" | "setItem"> | undefined;

/** Reads stored text into preferences, field by field; anything unusable is the default. */
export function parsePreferences(text: string | null): Preferences {
  const result: Preferences = { ...DEFAULT_PREFERENCES };
  if (text === null) return result;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return result;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return result;
  const o = value as Record<string, unknown>;
  if (typeof o.encoder === "string" && isEncoder(o.encoder)) result.encoder = o.encoder;
  if (typeof o.overlay === "boolean") result.overlay = o.overlay;
  if (o.scale === "fit" || o.scale === "native") result.scale = o.scale;
  if (typeof o.relay === "boolean") result.relay = o.relay;
  return result;
}

/** The preferences this browser remembers (the defaults when it remembers none). */
export function loadPreferences(storage: PreferenceStorage): Preferences {
  try {
    return parsePreferences(storage?.getItem(PREFERENCES_KEY) ?? null);
  } catch {
    return { ...DEFAULT_PREFERENCES };
  }
}

/** Remembers `change` on top of what is stored; returns the new preferences. */
export function savePreferences(
  storage: PreferenceStorage,
  change: Partial<Preferences>,
): Preferences {
  const next = { ...loadPreferences(storage), ...change };
  try {
    storage?.setItem(PREFERENCES_KEY, JSON.stringify(next));
  } catch {
    // Storage full or refused (private windows): the choice holds for this page only.
  }
  return next;
}

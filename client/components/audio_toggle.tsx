/**
 * The stream's sound switch in the menu's Sound section: a live setting on
 * the server (`settings` `audio`, docs/PROTOCOL.md), the same for every
 * viewer, disabled until the server has said the settings.
 *
 * @module
 */

import type { LiveSettingsChange } from "../../lib/protocol/live_settings.ts";

/** Props of {@linkcode AudioToggle}. */
export interface AudioToggleProps {
  /** Whether the stream carries sound; undefined before the server said. */
  audio: boolean | undefined;
  /** Asks the server for a change. */
  onChange(change: LiveSettingsChange): void;
}

/** A labelled checkbox. */
export function AudioToggle(props: AudioToggleProps) {
  return (
    <label class="check">
      <input
        type="checkbox"
        name="audio"
        disabled={props.audio === undefined}
        checked={props.audio ?? false}
        onChange={(e) => props.onChange({ audio: e.currentTarget.checked })}
      />{" "}
      Stream the desktop's sound
    </label>
  );
}

/**
 * The stream's live settings in the menu: video bitrate, frame rate, audio,
 * and the statistics overlay. A change goes to the server at once
 * (`settings`, docs/PROTOCOL.md); what the controls show is what the server
 * says is set, so every viewer sees the same.
 */

import type { LiveSettings, LiveSettingsChange } from "../../lib/protocol/live_settings.ts";

/** Bitrate choices, in kbit/s. */
export const BITRATES = [500, 1000, 2000, 4000, 8000, 16000, 32000] as const;
/** Frame-rate choices. */
export const FRAMERATES = [5, 10, 15, 24, 30, 60] as const;

/** Props of {@linkcode StreamControls}. */
export interface StreamControlsProps {
  /** What the server says is set; null before it said. */
  settings: (LiveSettings & { congestionControl: boolean }) | null;
  /** Asks the server for a change. */
  onChange(change: LiveSettingsChange): void;
  /** Whether the statistics overlay is shown. */
  overlay: boolean;
  onOverlay(on: boolean): void;
}

/** The choices, with the current value among them (it may come from an option or another viewer). */
export function choices(list: readonly number[], current: number | undefined): number[] {
  return [...new Set([...list, ...(current === undefined ? [] : [current])])].sort((a, b) => a - b);
}

/** Labels a bitrate in kbit/s. */
export function bitrateLabel(kbps: number): string {
  return kbps >= 1000 ? `${kbps / 1000} Mbit/s` : `${kbps} kbit/s`;
}

/** Selects for bitrate and frame rate, checkboxes for audio and the overlay. */
export function StreamControls(props: StreamControlsProps) {
  const s = props.settings;
  return (
    <fieldset class="stream-controls" disabled={s === null}>
      <legend>Stream</legend>
      <label>
        {s?.congestionControl ? "Bitrate (at most)" : "Bitrate"}
        <select
          name="videoBitrate"
          value={s?.videoBitrate}
          onChange={(e) => props.onChange({ videoBitrate: Number(e.currentTarget.value) })}
        >
          {choices(BITRATES, s?.videoBitrate).map((kbps) => (
            <option key={kbps} value={kbps}>{bitrateLabel(kbps)}</option>
          ))}
        </select>
      </label>
      <label>
        Frame rate
        <select
          name="framerate"
          value={s?.framerate}
          onChange={(e) => props.onChange({ framerate: Number(e.currentTarget.value) })}
        >
          {choices(FRAMERATES, s?.framerate).map((fps) => (
            <option key={fps} value={fps}>{fps} fps</option>
          ))}
        </select>
      </label>
      <label>
        <input
          type="checkbox"
          name="audio"
          checked={s?.audio ?? false}
          onChange={(e) => props.onChange({ audio: e.currentTarget.checked })}
        />{" "}
        Sound
      </label>
      <label>
        <input
          type="checkbox"
          name="overlay"
          checked={props.overlay}
          onChange={(e) => props.onOverlay(e.currentTarget.checked)}
        />{" "}
        Statistics overlay (Ctrl+Shift+.)
      </label>
    </fieldset>
  );
}

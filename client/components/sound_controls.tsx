/**
 * The sound buttons at the bottom left: "Unmute" while the browser keeps the
 * desktop's sound muted (autoplay policy), and the microphone switch when
 * the server takes one.
 *
 * @module
 */

import type { JSX } from "preact";
import type { SoundState } from "../lib/sound.ts";

/** Props of {@linkcode SoundControls}. */
export interface SoundControlsProps {
  state: SoundState;
  onUnmute(): void;
  onMicrophone(on: boolean): void;
}

/** Labels of the microphone button by state. */
const MICROPHONE_LABELS: Record<SoundState["microphone"], string> = {
  unavailable: "",
  off: "🎤 Microphone off",
  starting: "🎤 Starting…",
  on: "🎤 Microphone on",
  error: "🎤 Microphone unavailable",
};

/** Unmute and microphone buttons; nothing when there is nothing to do. */
export function SoundControls({ state, onUnmute, onMicrophone }: SoundControlsProps) {
  const unmute = state.hasAudio && state.muted;
  const microphone = state.microphone !== "unavailable";
  if (!unmute && !microphone) return null;
  // Buttons keep the keyboard focus where it was (the input's textarea).
  const keepFocus = (ev: JSX.TargetedMouseEvent<HTMLButtonElement>) => ev.preventDefault();
  return (
    <div class="sound-controls">
      {unmute && (
        <button type="button" class="unmute" onMouseDown={keepFocus} onClick={onUnmute}>
          🔇 Unmute
        </button>
      )}
      {microphone && (
        <button
          type="button"
          class={`microphone ${state.microphone}`}
          aria-pressed={state.microphone === "on"}
          title={state.microphoneError ?? "Send your microphone to the desktop"}
          onMouseDown={keepFocus}
          onClick={() => onMicrophone(state.microphone !== "on")}
          disabled={state.microphone === "starting"}
        >
          {MICROPHONE_LABELS[state.microphone]}
        </button>
      )}
    </div>
  );
}

/**
 * The stream's sound in the browser: the desktop's audio plays through its
 * own `<audio>` element, unmuted when the browser's autoplay policy allows,
 * else muted until the first user gesture on the page (or the Unmute
 * button); and, when the server takes a microphone, the browser's microphone
 * on the offer's recvonly audio m-line (after a click: `getUserMedia`).
 *
 * {@linkcode Connection} calls the three hooks {@linkcode Sound.prepare},
 * {@linkcode Sound.answer} and {@linkcode Sound.track} for every peer
 * connection.
 *
 * @module
 */

import { microphoneMid, withOpusStereo } from "./sdp_audio.ts";

/** What the sound controls show. */
export interface SoundState {
  /** A desktop audio track is playing. */
  hasAudio: boolean;
  /** It is muted (the autoplay policy wants a gesture first). */
  muted: boolean;
  /** The microphone: not offered by the server, off, being asked for, on, or refused. */
  microphone: "unavailable" | "off" | "starting" | "on" | "error";
  /** Why the microphone could not start, in words. */
  microphoneError?: string;
}

/** Options of {@linkcode Sound}. */
export interface SoundOptions {
  /** The element that plays the desktop's audio. */
  audio: HTMLAudioElement;
  /** Called on every state change. */
  onChange(state: SoundState): void;
  /** Where gestures are listened for. Default `globalThis`. */
  gestures?: EventTarget;
  /** `navigator.mediaDevices.getUserMedia`. Default the browser's. */
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
}

/** Events that count as a user gesture (user activation) for the autoplay policy. */
const GESTURES = ["pointerdown", "keydown", "touchend"] as const;

/** The audio element, the Unmute logic and the microphone. */
export class Sound {
  readonly #options: SoundOptions;
  #state: SoundState = { hasAudio: false, muted: false, microphone: "unavailable" };
  /** The microphone transceiver of the current peer connection. */
  #micTransceiver: RTCRtpTransceiver | null = null;
  #micTrack: MediaStreamTrack | null = null;
  readonly #onGesture = () => this.unmute();

  constructor(options: SoundOptions) {
    this.#options = options;
    for (const type of GESTURES) {
      (options.gestures ?? globalThis).addEventListener(type, this.#onGesture, { capture: true });
    }
  }

  /** The state now. */
  get state(): SoundState {
    return this.#state;
  }

  /**
   * Before the answer: finds the microphone m-line of `offer` and makes its
   * transceiver send (no track yet: nothing is sent until the user turns
   * the microphone on, which then needs no new negotiation).
   */
  prepare(pc: RTCPeerConnection, offer: string): void {
    const mid = microphoneMid(offer);
    const transceiver = mid === null ? undefined : pc.getTransceivers().find((t) => t.mid === mid);
    this.#micTransceiver = transceiver ?? null;
    if (transceiver) {
      transceiver.direction = "sendonly";
      if (this.#micTrack) void transceiver.sender.replaceTrack(this.#micTrack).catch(() => {});
    }
    const microphone = transceiver
      ? (this.#micTrack
        ? "on"
        : this.#state.microphone === "unavailable"
        ? "off"
        : this.#state.microphone)
      : "unavailable";
    this.#set({ microphone });
  }

  /** The answer to send for `offer`: stereo Opus where the server sends stereo. */
  answer(offer: string, answer: string): string {
    return withOpusStereo(offer, answer);
  }

  /** Takes an incoming audio track (returns true); leaves video to the caller (false). */
  track(event: RTCTrackEvent): boolean {
    if (event.track.kind !== "audio") return false;
    const audio = this.#options.audio;
    audio.srcObject = new MediaStream([event.track]);
    event.track.addEventListener("ended", () => this.#set({ hasAudio: false }));
    this.#set({ hasAudio: true });
    void this.#play();
    return true;
  }

  /** Unmutes (a user gesture, or the Unmute button: both allow sound to play). */
  unmute(): void {
    const audio = this.#options.audio;
    if (!audio.muted && !audio.paused) return;
    audio.muted = false;
    this.#set({ muted: false });
    void audio.play().catch(() => {
      // Still refused (no activation yet): back to muted playback.
      audio.muted = true;
      this.#set({ muted: true });
      void audio.play().catch(() => {});
    });
  }

  /** Turns the microphone on (asks the browser for it; call from a click) or off. */
  async setMicrophone(on: boolean): Promise<void> {
    if (!on) {
      this.#micTrack?.stop();
      this.#micTrack = null;
      await this.#micTransceiver?.sender.replaceTrack(null).catch(() => {});
      this.#set({ microphone: this.#micTransceiver ? "off" : "unavailable" });
      return;
    }
    if (this.#micTrack || !this.#micTransceiver) return;
    this.#set({ microphone: "starting" });
    const getUserMedia = this.#options.getUserMedia ??
      ((c: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(c));
    let stream: MediaStream;
    try {
      // Echo cancellation: the desktop's own sound, played here, must not go back up.
      stream = await getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
    } catch (error) {
      const name = (error as DOMException).name;
      this.#set({
        microphone: "error",
        microphoneError: name === "NotAllowedError"
          ? "The browser was not allowed to use the microphone"
          : name === "NotFoundError"
          ? "No microphone was found"
          : "The microphone could not be started",
      });
      return;
    }
    const track = stream.getAudioTracks()[0]!;
    this.#micTrack = track;
    track.addEventListener("ended", () => void this.setMicrophone(false));
    await this.#micTransceiver?.sender.replaceTrack(track).catch(() => {});
    this.#set({ microphone: "on" });
  }

  /** Stops listening for gestures and releases the microphone. */
  close(): void {
    for (const type of GESTURES) {
      (this.#options.gestures ?? globalThis).removeEventListener(type, this.#onGesture, {
        capture: true,
      });
    }
    this.#micTrack?.stop();
    this.#micTrack = null;
  }

  /** Plays with sound; when the autoplay policy refuses, plays muted and says so. */
  async #play(): Promise<void> {
    const audio = this.#options.audio;
    audio.muted = false;
    try {
      await audio.play();
      this.#set({ muted: false });
    } catch {
      // Chromium without a user gesture (and Firefox with blocking on): muted playback is allowed.
      audio.muted = true;
      this.#set({ muted: true });
      await audio.play().catch(() => {});
    }
  }

  #set(change: Partial<SoundState>): void {
    const next = { ...this.#state, ...change };
    if (next.microphone !== "error") delete next.microphoneError;
    this.#state = next;
    this.#options.onChange(next);
  }
}

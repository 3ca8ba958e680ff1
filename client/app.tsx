/** The whole client: a full-window video, the status line, the menu, input. */

import { useEffect, useRef, useState } from "preact/hooks";
import { KeyboardButton } from "./components/keyboard_button.tsx";
import { Menu } from "./components/menu.tsx";
import { SoundControls } from "./components/sound_controls.tsx";
import { StatusLine } from "./components/status_line.tsx";
import { Connection, type ConnectionState, signallingUrl } from "./lib/connection.ts";
import { attachInput } from "./lib/input.ts";
import { Sound, type SoundState } from "./lib/sound.ts";
import { StatsCollector } from "./lib/stats.ts";
import { toggleFullscreen } from "./lib/shortcuts.ts";

/** The client application. */
export function App() {
  const stage = useRef<HTMLDivElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  const audio = useRef<HTMLAudioElement>(null);
  const sound = useRef<Sound | null>(null);
  const [soundState, setSoundState] = useState<SoundState | null>(null);
  const [state, setState] = useState<ConnectionState>({ phase: "connecting" });
  const [menuOpen, setMenuOpen] = useState(false);
  const [frameSize, setFrameSize] = useState("");
  const [inputActive, setInputActive] = useState(false);

  useEffect(() => {
    const element = video.current!;
    let detachInput: (() => void) | undefined;
    sound.current = new Sound({ audio: audio.current!, onChange: setSoundState });
    const connection = new Connection({
      sound: sound.current,
      url: signallingUrl(location),
      relay: relayOnly(location),
      video: element,
      onState: setState,
      onInputChannel: (channel) => {
        detachInput?.();
        detachInput = undefined;
        setInputActive(channel !== null);
        if (!channel) return;
        detachInput = attachInput({
          element: stage.current!,
          video: element,
          send: (message) => channel.send(message as Uint8Array<ArrayBuffer>),
          onMenu: () => setMenuOpen((open) => !open),
        });
      },
    });
    // "Live" means a frame is on screen, not merely that signalling succeeded.
    const onPlaying = () => setState({ phase: "live" });
    const onResize = () => setFrameSize(`${element.videoWidth}x${element.videoHeight}`);
    element.addEventListener("playing", onPlaying);
    element.addEventListener("resize", onResize);
    const stats = new StatsCollector({
      video: element,
      peerConnection: () => connection.peerConnection,
      report: (s) => connection.reportStats(s),
    });
    connection.start();
    stats.start();
    return () => {
      stats.stop();
      element.removeEventListener("playing", onPlaying);
      element.removeEventListener("resize", onResize);
      detachInput?.();
      connection.stop();
      sound.current?.close();
    };
  }, []);

  return (
    <div class="stage" ref={stage}>
      <video
        ref={video}
        autoplay
        muted
        playsInline
        disablePictureInPicture
      />
      <audio ref={audio} />
      <StatusLine state={state} />
      <KeyboardButton container={stage} />
      {soundState && (
        <SoundControls
          state={soundState}
          onUnmute={() => sound.current?.unmute()}
          onMicrophone={(on) => void sound.current?.setMicrophone(on)}
        />
      )}
      {menuOpen && (
        <Menu
          state={state}
          frameSize={frameSize}
          inputActive={inputActive}
          relay={relayOnly(location)}
          onRelay={(on) => location.search = on ? "?relay=1" : ""}
          onFullscreen={() => void toggleFullscreen(stage.current!, document)}
          onClose={() => setMenuOpen(false)}
        />
      )}
    </div>
  );
}

/** `?relay=1`: TURN relays only ("Force relay connection"), e.g. to test a TURN server. */
function relayOnly(location: { search: string }): boolean {
  return new URLSearchParams(location.search).get("relay") === "1";
}

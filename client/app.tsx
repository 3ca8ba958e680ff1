/** The whole client: a full-window video, the status line, the menu, input. */

import { useEffect, useRef, useState } from "preact/hooks";
import { ConnectionScreen } from "./components/connection_screen.tsx";
import { ControlBadge } from "./components/control_badge.tsx";
import { FileTransfer } from "./components/file_transfer.tsx";
import { KeyboardButton } from "./components/keyboard_button.tsx";
import { MainMenu } from "./components/main_menu.tsx";
import { MenuButton } from "./components/menu_button.tsx";
import { Notice } from "./components/notice.tsx";
import { SoundControls } from "./components/sound_controls.tsx";
import { StatsOverlay } from "./components/stats_overlay.tsx";
import { StatusLine } from "./components/status_line.tsx";
import type { StreamControlsProps } from "./components/stream_controls.tsx";
import { Connection, type ConnectionState, signallingUrl } from "./lib/connection.ts";
import { attachDesktop } from "./lib/desktop.ts";
import { type Figure, overlayFigures } from "./lib/overlay_figures.ts";
import { attachInput } from "./lib/input.ts";
import { Sound, type SoundState } from "./lib/sound.ts";
import { StatsCollector } from "./lib/stats.ts";
import { toggleFullscreen } from "./lib/shortcuts.ts";
import { displayName, setDisplayName } from "./lib/display_name.ts";
import { loadPreferences, type Preferences, savePreferences } from "./lib/preferences.ts";
import { watchVisualViewport } from "./lib/visual_viewport.ts";
import type { ControlView } from "../lib/protocol/control.ts";
import type { Encoder } from "../lib/protocol/encoders.ts";

/** The client application. */
export function App() {
  const stage = useRef<HTMLDivElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  const audio = useRef<HTMLAudioElement>(null);
  const sound = useRef<Sound | null>(null);
  const [soundState, setSoundState] = useState<SoundState | null>(null);
  const [state, setState] = useState<ConnectionState>({ phase: "connecting" });
  const [menuOpen, setMenuOpen] = useState(false);
  const [frame, setFrame] = useState({ width: 0, height: 0 });
  const [inputActive, setInputActive] = useState(false);
  const [notice, setNotice] = useState({ text: "", id: 0 });
  const [control, setControl] = useState<ControlView | null>(null);
  const connectionRef = useRef<Connection>();
  /** View-only logins forward no input (the server would drop it anyway). */
  const viewOnly = useRef(false);
  const [settings, setSettings] = useState<StreamControlsProps["settings"]>(null);
  const [prefs, setPrefs] = useState<Preferences>(() => loadPreferences(localStore()));
  const [name, setName] = useState(() =>
    displayName({ search: location.search, storage: localStore() })
  );
  const [fullscreen, setFullscreen] = useState(false);
  const [figures, setFigures] = useState<Figure[]>([]);
  const [encoders, setEncoders] = useState<{ current?: Encoder; choices: Encoder[] }>({
    choices: [],
  });
  /** Remembers a preference and applies it. */
  const prefer = (change: Partial<Preferences>) => setPrefs(savePreferences(localStore(), change));

  useEffect(() => {
    const element = video.current!;
    let detachInput: (() => void) | undefined;
    // The remembered video format is asked for once per connection (a new `welcome`).
    let encoderAsked = false;
    const desktop = attachDesktop({
      stage: stage.current!,
      video: element,
      send: (message) => connection.sendDesktop(message),
      notify: (text) => setNotice((n) => ({ text, id: n.id + 1 })),
    });
    sound.current = new Sound({ audio: audio.current!, onChange: setSoundState });
    const connection = new Connection({
      onDesktop: (message) => desktop.handle(message),
      sound: sound.current,
      url: signallingUrl(location),
      relay: relayOnly(location) || loadPreferences(localStore()).relay,
      video: element,
      onState: (s) => {
        if (s.phase === "connecting") encoderAsked = false;
        setState(s);
      },
      name: () => displayName({ search: location.search, storage: localStore() }),
      onControl: (view) => {
        viewOnly.current = view.you.role === "view";
        setControl(view);
      },
      onSettings: ({ type: _, ...s }) => setSettings(s),
      onEncoder: (current, choices) => {
        setEncoders({ current, choices });
        const wanted = loadPreferences(localStore()).encoder;
        if (encoderAsked || !wanted || wanted === current || !choices.includes(wanted)) return;
        encoderAsked = true;
        connection.requestEncoder(wanted);
      },
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
          viewOnly: viewOnly.current,
          holdFor: (ev) => viewOnly.current ? undefined : desktop.pasteKey(ev),
          onStats: () => setPrefs((p) => savePreferences(localStore(), { overlay: !p.overlay })),
        });
      },
    });
    // "Live" means a frame is on screen, not merely that signalling succeeded.
    const onPlaying = () => setState({ phase: "live" });
    const onResize = () => setFrame({ width: element.videoWidth, height: element.videoHeight });
    const onFullscreen = () => setFullscreen(document.fullscreenElement !== null);
    element.addEventListener("playing", onPlaying);
    element.addEventListener("resize", onResize);
    document.addEventListener("fullscreenchange", onFullscreen);
    const unwatch = watchVisualViewport(stage.current!);
    const stats = new StatsCollector({
      video: element,
      peerConnection: () => connection.peerConnection,
      report: (s) => connection.reportStats(s),
      onStats: (s, sample, previous) => setFigures(overlayFigures(s, sample, previous)),
    });
    connectionRef.current = connection;
    connection.start();
    stats.start();
    return () => {
      stats.stop();
      unwatch();
      element.removeEventListener("playing", onPlaying);
      element.removeEventListener("resize", onResize);
      document.removeEventListener("fullscreenchange", onFullscreen);
      detachInput?.();
      desktop.stop();
      connection.stop();
      sound.current?.close();
    };
  }, []);

  const relay = connectionRef.current?.relay ?? prefs.relay;
  const useRelay = (on: boolean) => {
    prefer({ relay: on });
    connectionRef.current?.setRelay(on);
  };
  // 1:1: one desktop pixel per device pixel; the stage scrolls when the desktop is bigger.
  const nativeSize = prefs.scale === "native" && frame.width > 0
    ? {
      width: `${frame.width / devicePixelRatio}px`,
      height: `${frame.height / devicePixelRatio}px`,
    }
    : undefined;
  return (
    <div class={`stage scale-${prefs.scale}`} ref={stage}>
      <video
        ref={video}
        autoplay
        muted
        playsInline
        disablePictureInPicture
        style={nativeSize}
      />
      <audio ref={audio} />
      <StatusLine state={state} />
      <ConnectionScreen
        state={state}
        relay={relay}
        onReload={() => location.reload()}
        onRelay={() => useRelay(true)}
        onDirect={() => useRelay(false)}
        onReconnect={() => connectionRef.current?.reconnect()}
      />
      {prefs.overlay && <StatsOverlay figures={figures} />}
      <MenuButton open={menuOpen} onToggle={() => setMenuOpen((open) => !open)} />
      <KeyboardButton container={stage} />
      <Notice text={notice.text} id={notice.id} />
      {soundState && (
        <SoundControls
          state={soundState}
          onUnmute={() => sound.current?.unmute()}
          onMicrophone={(on) => void sound.current?.setMicrophone(on)}
        />
      )}
      <ControlBadge
        view={control}
        onTake={() => connectionRef.current?.requestControl()}
        onRelease={() => connectionRef.current?.releaseControl()}
      />
      <FileTransfer />
      {menuOpen && (
        <MainMenu
          onClose={() => setMenuOpen(false)}
          settings={settings}
          onSettings={(change) => connectionRef.current?.sendSettings(change)}
          encoder={encoders.current}
          encoders={encoders.choices}
          onEncoder={(e) => {
            prefer({ encoder: e });
            connectionRef.current?.requestEncoder(e);
          }}
          overlay={prefs.overlay}
          onOverlay={(on) => prefer({ overlay: on })}
          fullscreen={fullscreen}
          onFullscreen={() => void toggleFullscreen(stage.current!, document)}
          onPointerLock={() => {
            setMenuOpen(false);
            lockPointer(video.current!);
          }}
          scale={prefs.scale}
          onScale={(scale) => prefer({ scale })}
          control={control}
          onTake={() => connectionRef.current?.requestControl()}
          onRelease={() => connectionRef.current?.releaseControl()}
          name={name}
          onName={(raw) => {
            const clean = setDisplayName(raw, localStore());
            setName(clean);
            connectionRef.current?.rename(clean);
          }}
          state={state}
          frameSize={frame.width > 0 ? `${frame.width}x${frame.height}` : ""}
          inputActive={inputActive}
          relay={relay}
          onRelay={useRelay}
          onReconnect={() => connectionRef.current?.reconnect()}
        />
      )}
    </div>
  );
}

/** `?relay=1`: TURN relays only ("Force relay connection"), e.g. to test a TURN server. */
function relayOnly(location: { search: string }): boolean {
  return new URLSearchParams(location.search).get("relay") === "1";
}

/** Locks the pointer to the video (input.ts turns moves relative while locked). */
function lockPointer(video: HTMLVideoElement): void {
  // unadjustedMovement: raw mouse counts; Chrome rejects it where the OS has none.
  const raw = video.requestPointerLock({ unadjustedMovement: true }) as Promise<void> | undefined;
  raw?.catch(() => (video.requestPointerLock() as Promise<void> | undefined)?.catch(() => {}));
}

/** `localStorage`, or undefined where reading it throws (sandboxed frames, some private modes). */
function localStore(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

/** The whole client: a full-window video, the status line, the menu, input. */

import { useEffect, useRef, useState } from "preact/hooks";
import { ControlBadge } from "./components/control_badge.tsx";
import { FileTransfer } from "./components/file_transfer.tsx";
import { EncoderSelect } from "./components/encoder_select.tsx";
import { KeyboardButton } from "./components/keyboard_button.tsx";
import { Notice } from "./components/notice.tsx";
import { Menu } from "./components/menu.tsx";
import { StatsOverlay } from "./components/stats_overlay.tsx";
import { StatusLine } from "./components/status_line.tsx";
import { StreamControls, type StreamControlsProps } from "./components/stream_controls.tsx";
import { Connection, type ConnectionState, signallingUrl } from "./lib/connection.ts";
import { attachDesktop } from "./lib/desktop.ts";
import { type Figure, overlayFigures } from "./lib/overlay_figures.ts";
import { attachInput } from "./lib/input.ts";
import { StatsCollector } from "./lib/stats.ts";
import { toggleFullscreen } from "./lib/shortcuts.ts";
import { displayName } from "./lib/display_name.ts";
import type { ControlView } from "../lib/protocol/control.ts";
import type { Encoder } from "../lib/protocol/encoders.ts";

/** The client application. */
export function App() {
  const stage = useRef<HTMLDivElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<ConnectionState>({ phase: "connecting" });
  const [menuOpen, setMenuOpen] = useState(false);
  const [frameSize, setFrameSize] = useState("");
  const [inputActive, setInputActive] = useState(false);
  const [notice, setNotice] = useState({ text: "", id: 0 });
  const [control, setControl] = useState<ControlView | null>(null);
  const connectionRef = useRef<Connection>();
  /** View-only logins forward no input (the server would drop it anyway). */
  const viewOnly = useRef(false);
  const [settings, setSettings] = useState<StreamControlsProps["settings"]>(null);
  const [overlay, setOverlay] = useState(false);
  const [figures, setFigures] = useState<Figure[]>([]);
  const [encoders, setEncoders] = useState<{ current?: Encoder; choices: Encoder[] }>({
    choices: [],
  });

  useEffect(() => {
    const element = video.current!;
    let detachInput: (() => void) | undefined;
    const desktop = attachDesktop({
      stage: stage.current!,
      video: element,
      send: (message) => connection.sendDesktop(message),
      notify: (text) => setNotice((n) => ({ text, id: n.id + 1 })),
    });
    const connection = new Connection({
      onDesktop: (message) => desktop.handle(message),
      url: signallingUrl(location),
      relay: relayOnly(location),
      video: element,
      onState: setState,
      name: () => displayName({ search: location.search, storage: localStore() }),
      onControl: (view) => {
        viewOnly.current = view.you.role === "view";
        setControl(view);
      },
      onSettings: ({ type: _, ...s }) => setSettings(s),
      onEncoder: (current, choices) => setEncoders({ current, choices }),
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
          onStats: () => setOverlay((on) => !on),
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
      onStats: (s, sample, previous) => setFigures(overlayFigures(s, sample, previous)),
    });
    connectionRef.current = connection;
    connection.start();
    stats.start();
    return () => {
      stats.stop();
      element.removeEventListener("playing", onPlaying);
      element.removeEventListener("resize", onResize);
      detachInput?.();
      desktop.stop();
      connection.stop();
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
      <StatusLine state={state} />
      {overlay && <StatsOverlay figures={figures} />}
      <KeyboardButton container={stage} />
      <Notice text={notice.text} id={notice.id} />
      <ControlBadge
        view={control}
        onTake={() => connectionRef.current?.requestControl()}
        onRelease={() => connectionRef.current?.releaseControl()}
      />
      <FileTransfer />
      {menuOpen && (
        <Menu
          state={state}
          frameSize={frameSize}
          inputActive={inputActive}
          relay={relayOnly(location)}
          onRelay={(on) => location.search = on ? "?relay=1" : ""}
          onFullscreen={() => void toggleFullscreen(stage.current!, document)}
          onClose={() => setMenuOpen(false)}
        >
          <StreamControls
            settings={settings}
            onChange={(change) => connectionRef.current?.sendSettings(change)}
            overlay={overlay}
            onOverlay={setOverlay}
          />
          <EncoderSelect
            encoder={encoders.current}
            encoders={encoders.choices}
            onChange={(e) => connectionRef.current?.requestEncoder(e)}
          />
        </Menu>
      )}
    </div>
  );
}

/** `?relay=1`: TURN relays only ("Force relay connection"), e.g. to test a TURN server. */
function relayOnly(location: { search: string }): boolean {
  return new URLSearchParams(location.search).get("relay") === "1";
}

/** `localStorage`, or undefined where reading it throws (sandboxed frames, some private modes). */
function localStore(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

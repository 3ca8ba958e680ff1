/** The whole client: a full-window video, the status line, input. */

import { useEffect, useRef, useState } from "preact/hooks";
import { StatusLine } from "./components/status_line.tsx";
import { Connection, type ConnectionState, signallingUrl } from "./lib/connection.ts";

/** The client application. */
export function App() {
  const stage = useRef<HTMLDivElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<ConnectionState>({ phase: "connecting" });

  useEffect(() => {
    const element = video.current!;
    const connection = new Connection({
      url: signallingUrl(location),
      video: element,
      onState: setState,
      onInputChannel: () => {},
    });
    // "Live" means a frame is on screen, not merely that signalling succeeded.
    const onPlaying = () => setState({ phase: "live" });
    element.addEventListener("playing", onPlaying);
    connection.start();
    return () => {
      element.removeEventListener("playing", onPlaying);
      connection.stop();
    };
  }, []);

  return (
    <div class="stage" ref={stage} tabIndex={0}>
      <video
        ref={video}
        autoplay
        muted
        playsInline
        disablePictureInPicture
      />
      <StatusLine state={state} />
    </div>
  );
}

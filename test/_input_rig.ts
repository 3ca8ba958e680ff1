/**
 * What the input tests need: a real Xvfb, the recorder X client on it, an
 * XTest sink and a probe connection, torn down together with `await using`.
 *
 * @module
 */

import { startXvfb, type VirtualDisplay } from "../lib/display.ts";
import { XTestInputSink } from "../lib/input/xtest_sink.ts";
import { openX11, type X11Display } from "../ffi/x11.ts";
import { type Recorder, startRecorder } from "./_recorder.ts";

/** A display with a recorder, a sink and a probe. */
export interface InputRig extends AsyncDisposable {
  display: VirtualDisplay;
  recorder: Recorder;
  sink: XTestInputSink;
  /** A second connection, for XQueryPointer and XQueryKeymap. */
  probe: X11Display;
}

/** Starts Xvfb at `width`x`height` with everything an input test uses. */
export async function startInputRig(width = 640, height = 480): Promise<InputRig> {
  const display = await startXvfb({ width, height });
  const recorder = await startRecorder(display);
  const sink = XTestInputSink.open(display.name, display);
  const probe = openX11(display.name, display);
  return {
    display,
    recorder,
    sink,
    probe,
    async [Symbol.asyncDispose]() {
      probe.close();
      sink.close();
      await recorder.stop();
      await display.stop();
    },
  };
}

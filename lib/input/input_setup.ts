/**
 * The input sinks of a server, chosen once at start-up (lib/input/channels.ts
 * wires viewers to them).
 *
 * @module
 */

/**
 * Chooses the input sinks once: XTest on the display (a null sink when it
 * cannot be opened: view-only), and when /dev/uinput is writable uinput
 * gamepads and a uinput relative mouse (used only once the X server lists
 * it). Returns the per-viewer channel sinks (close them on shutdown).
 */
export async function openInputChannels(
  display: { name: string; cookie?: Uint8Array },
  control: import("../roles/control.ts").Control,
  log: {
    info(message: string, props: Record<string, unknown>): void;
    warn(message: string, props: Record<string, unknown>): void;
  },
) {
  const { createInputChannels } = await import("./channels.ts");
  const { NullInputSink } = await import("./input_sink.ts");
  const { XTestInputSink } = await import("./xtest_sink.ts");
  const { uinputAvailable } = await import("../../ffi/uinput.ts");
  let sink: import("./input_sink.ts").InputSink = new NullInputSink();
  let pads: ((peer: string) => import("./input_handler.ts").PadSink) | undefined;
  try {
    const xtest = XTestInputSink.open(
      display.name,
      display.cookie ? { cookie: display.cookie } : {},
    );
    sink = xtest;
    const uinput = uinputAvailable();
    if (uinput.ok) {
      const { createUinputMouse, UinputRelativeSink } = await import(
        "./uinput_mouse.ts"
      );
      const { UinputPads } = await import("./gamepads.ts");
      pads = (peer) => new UinputPads(peer);
      try {
        sink = new UinputRelativeSink(xtest, createUinputMouse());
        log.info("Input: XTest, uinput gamepads and a uinput mouse for relative motion", {});
      } catch (error) {
        log.info("Input: XTest and uinput gamepads; no uinput mouse ({reason})", {
          reason: (error as Error).message,
        });
      }
    } else {
      log.info("Input: XTest only; {reason}: gamepads disabled", { reason: uinput.reason });
    }
  } catch (error) {
    log.warn("Input disabled: {reason}", { reason: (error as Error).message });
  }
  return createInputChannels(sink, { control, ...(pads ? { pads } : {}) });
}

/**
 * `skerry resize WxH`: changes the screen of `DISPLAY` with xrandr, as
 * selkies-gstreamer-resize does: a new mode, added to the first connected
 * output, then switched to. It acts on the display directly, so it works
 * with or without a Skerry server running on it (a running one follows:
 * the capture picks up the new size by itself).
 *
 * @module
 */

import { randrOutput, setScreenSize } from "../display.ts";
import { size } from "../options/parse.ts";

/**
 * Resizes `display` to `wanted` (`"1024x768"`); resolves undefined when
 * done, else a one-line problem and the exit code (2 usage, 1 failure).
 */
export async function resizeCommand(
  wanted: string | undefined,
  display: string | undefined,
): Promise<{ message: string; code: number } | undefined> {
  if (wanted === undefined) {
    return { message: "resize needs a size, e.g. skerry resize 1280x720", code: 2 };
  }
  let target: { width: number; height: number };
  try {
    target = size(wanted);
  } catch (error) {
    return { message: `Cannot parse size "${wanted}": ${(error as Error).message}`, code: 2 };
  }
  if (!display) {
    return { message: "resize needs DISPLAY (or --display) to name the X display", code: 2 };
  }
  const env: Record<string, string> = { DISPLAY: display };
  const authority = Deno.env.get("XAUTHORITY");
  if (authority) env.XAUTHORITY = authority;
  const randr = await randrOutput({ env });
  if (!randr) {
    return {
      message:
        `Cannot resize ${display}: no RandR output (is xrandr installed and the display up?)`,
      code: 1,
    };
  }
  if (!randr.resizable) {
    return { message: `Cannot resize ${display}: Xvfb screens have a fixed size`, code: 1 };
  }
  try {
    await setScreenSize({ name: display, backend: "xorg", env }, target.width, target.height, {
      output: randr.output,
    });
  } catch (error) {
    return { message: (error as Error).message, code: 1 };
  }
  return undefined;
}

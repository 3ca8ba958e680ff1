/**
 * The embedded desktop: what Skerry streams when no `DISPLAY` is given. A
 * virtual X server plus a small desktop on it: a background, a window
 * manager with a taskbar and a clock (IceWM, else Openbox, else twm), a
 * terminal and an analogue clock, and its own PulseAudio (lib/pulseaudio.ts)
 * whose address its programs get in `PULSE_SERVER`. Everything started here
 * is stopped by `stop()`.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import {
  startVirtualDisplay,
  type StartVirtualDisplayOptions,
  type VirtualDisplay,
} from "./display.ts";
import { childCommand } from "./child_command.ts";
import { stopProcess } from "./process.ts";
import { type PulseAudio, startPulseAudio } from "./pulseaudio.ts";

const log = getLogger(["skerry", "display"]);

/** Window managers in order of preference, with the arguments they need. */
const WINDOW_MANAGERS: readonly { command: string; args: string[] }[] = [
  // IceWM: small, and its taskbar gives the desktop a clock and a menu.
  { command: "icewm", args: [] },
  { command: "openbox", args: [] },
  { command: "twm", args: [] },
];

/** Colours of the desktop (a dark slate background, a dark terminal). */
const BACKGROUND = "#2e3440";

/** A desktop session running on a display. */
export interface Desktop {
  /** The programs it started, by command name. */
  readonly programs: string[];
  /** Stops every program it started (SIGTERM, then SIGKILL after 2 s). */
  stop(): Promise<void>;
}

/** A virtual display with a desktop on it, stopped together. */
export interface EmbeddedDesktop extends VirtualDisplay {
  readonly desktop: Desktop;
  /** Its sound server's address (for `PULSE_SERVER`); absent without sound. */
  readonly pulseServer?: string;
}

/** Options of {@linkcode startEmbeddedDesktop}. */
export interface StartEmbeddedDesktopOptions extends StartVirtualDisplayOptions {
  /** Start a PulseAudio for the desktop, with the microphone source or not; absent: no sound. */
  sound?: { microphone: boolean };
}

/** Whether `command` is an executable on PATH. */
export function onPath(command: string, path = Deno.env.get("PATH") ?? ""): boolean {
  return path.split(":").some((dir) => {
    try {
      return Deno.statSync(`${dir}/${command}`).isFile;
    } catch {
      return false;
    }
  });
}

/** Where the terminal and the clock go on a `width`x`height` screen. */
export function layout(width: number, height: number): { terminal: string; clock: string } {
  // Terminal: about 60 % of the width, top left; 8x17-pixel cells at 11 pt.
  const columns = Math.max(40, Math.min(120, Math.floor((width * 0.6) / 8)));
  const rows = Math.max(10, Math.min(40, Math.floor((height * 0.55) / 17)));
  const clock = Math.max(120, Math.min(220, Math.floor(width / 7)));
  return {
    terminal: `${columns}x${rows}+40+48`,
    clock: `${clock}x${clock}-40+48`,
  };
}

/**
 * Starts a desktop on `display` (its DISPLAY and XAUTHORITY in `env`: the
 * only X clients given the cookie are these). Missing programs are skipped
 * (and said so once); an X server that refuses them is an error.
 */
async function startDesktop(
  env: VirtualDisplay["env"] & { PULSE_SERVER?: string },
  options: { width: number; height: number },
): Promise<Desktop> {
  const cwd = Deno.env.get("HOME") ?? "/";
  const children: { name: string; child: Deno.ChildProcess }[] = [];
  const spawn = (command: string, args: string[]) => {
    const child = childCommand(command, { args, role: "desktop", env, cwd }).spawn();
    children.push({ name: command, child });
  };

  if (onPath("xsetroot")) {
    await childCommand("xsetroot", { args: ["-solid", BACKGROUND], role: "desktop", env })
      .output();
  }
  const wm = WINDOW_MANAGERS.find((w) => onPath(w.command));
  if (wm) spawn(wm.command, wm.args);
  const missing = [wm ? [] : ["a window manager (icewm, openbox or twm)"]].flat();
  const place = layout(options.width, options.height);
  if (onPath("xterm")) {
    spawn("xterm", [
      "-geometry",
      place.terminal,
      "-fa",
      "DejaVu Sans Mono",
      "-fs",
      "11",
      "-bg",
      "#1e1e1e",
      "-fg",
      "#d8dee9",
      "-T",
      "Terminal",
    ]);
  } else missing.push("xterm");
  if (onPath("xclock")) {
    spawn("xclock", [
      "-geometry",
      place.clock,
      "-update",
      "1",
      "-bg",
      "#eceff4",
      "-hd",
      "#2e3440",
      "-hl",
      "#5e81ac",
    ]);
  } else missing.push("xclock");
  if (missing.length > 0) {
    log.warn("The embedded desktop lacks {missing}; run tools/setup to install it", {
      missing: missing.join(", "),
    });
  }
  return {
    programs: children.map((c) => c.name),
    async stop() {
      await Promise.all(children.map(({ child }) => stopProcess(child)));
    },
  };
}

/** Starts a virtual display and a desktop on it; `stop()` stops both. */
export async function startEmbeddedDesktop(
  options: StartEmbeddedDesktopOptions = {},
): Promise<EmbeddedDesktop> {
  const { sound, ...displayOptions } = options;
  const display = await startVirtualDisplay(displayOptions);
  let pulse: PulseAudio | null = null;
  let desktop: Desktop;
  try {
    if (sound && !onPath("pulseaudio")) {
      log.warn("pulseaudio is not installed: the desktop has no sound; run tools/setup");
    } else if (sound) pulse = await startPulseAudio(sound);
    const env = pulse ? { ...display.env, PULSE_SERVER: pulse.server } : display.env;
    desktop = await startDesktop(env, display);
  } catch (error) {
    await pulse?.stop();
    await display.stop();
    throw error;
  }
  return {
    name: display.name,
    backend: display.backend,
    width: display.width,
    height: display.height,
    authority: display.authority,
    cookie: display.cookie,
    env: display.env,
    desktop,
    ...(pulse ? { pulseServer: pulse.server } : {}),
    async stop() {
      await desktop.stop();
      await pulse?.stop();
      await display.stop();
    },
  };
}

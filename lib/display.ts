/**
 * Virtual X displays: find a free display number, start Xorg with the dummy
 * video driver (whose screen can be resized with xrandr) or Xvfb (which
 * cannot), wait until it accepts connections, stop it.
 *
 * Every server admits only holders of its cookie: a random
 * MIT-MAGIC-COOKIE-1 in a 0600 authority file in a 0700 directory of its
 * own (`-auth`), no TCP and no abstract socket (`-nolisten local`: any
 * process in the same network namespace could reach it), only the file
 * socket in /tmp/.X11-unix.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { childCommand } from "./child_command.ts";
import { stopProcess } from "./process.ts";
import { freeDisplayNumber, readLog, tail, waitForSocket } from "./x_server_wait.ts";
import { writeXCookie, type XCookie } from "./xauth.ts";

export { freeDisplayNumber } from "./x_server_wait.ts";

const log = getLogger(["skerry", "display"]);

/** A running X server that this process started. */
export interface VirtualDisplay extends XCookie {
  /** The display name, e.g. `":12"`. */
  readonly name: string;
  /** Which server runs it. */
  readonly backend: "xvfb" | "xorg";
  /** Screen width at start, in pixels. */
  readonly width: number;
  /** Screen height at start, in pixels. */
  readonly height: number;
  /** What an X client needs in its environment: DISPLAY and XAUTHORITY. */
  readonly env: { readonly DISPLAY: string; readonly XAUTHORITY: string };
  /** Stops the server (SIGTERM, then SIGKILL after 2 s) and removes its files. */
  stop(): Promise<void>;
}

/** Options shared by the X server starters. */
export interface StartDisplayOptions {
  /** Screen width in pixels. Default 1280. */
  width?: number;
  /** Screen height in pixels. Default 720. */
  height?: number;
  /** First display number to try. Default 20. */
  firstDisplay?: number;
  /** How long to wait for the server to accept connections, in ms. Default 10000. */
  timeoutMs?: number;
}

/** Options of {@linkcode startVirtualDisplay}. */
export interface StartVirtualDisplayOptions extends StartDisplayOptions {
  /** `xorg` (dummy driver), `xvfb`, or `auto`: Xorg, then Xvfb if Xorg fails. Default auto. */
  backend?: "auto" | "xorg" | "xvfb";
  /** Xorg binary, for tests. Default "Xorg". */
  xorg?: string;
}

/**
 * A CVT reduced-blanking style modeline for `width`x`height` at `refresh` Hz,
 * as xrandr's `--newmode` takes it: name, pixel clock in MHz, then the
 * horizontal and vertical timings. The dummy driver accepts any consistent
 * timing; these follow CVT-RB's fixed blanking so real tools agree.
 */
export function modeline(width: number, height: number, refresh = 60): string[] {
  const hTotal = width + 160; // CVT-RB: 160 pixels of horizontal blanking
  const hSyncStart = width + 48;
  const hSyncEnd = hSyncStart + 32;
  // At least 460 µs of vertical blanking, and at least 3 + 5 + 6 lines.
  const lineUs = 1e6 / refresh / (height + 30);
  const vBlank = Math.max(14, Math.ceil(460 / lineUs));
  const vTotal = height + vBlank;
  const vSyncStart = height + 3;
  const vSyncEnd = vSyncStart + 5;
  const clockMHz = Math.round((hTotal * vTotal * refresh) / 10_000) / 100;
  return [
    `${width}x${height}`,
    clockMHz.toFixed(2),
    ...[width, hSyncStart, hSyncEnd, hTotal, height, vSyncStart, vSyncEnd, vTotal].map(String),
    "+hsync",
    "-vsync",
  ];
}

/** The Xorg configuration of a headless dummy screen starting at `width`x`height`. */
export function xorgDummyConfig(width: number, height: number): string {
  const [name, ...timing] = modeline(width, height);
  return `# Written by Skerry: a headless screen on the dummy driver, resizable with xrandr.
Section "ServerFlags"
  Option "AutoAddDevices" "false"
  Option "AutoEnableDevices" "false"
  Option "DontVTSwitch" "true"
  Option "AllowMouseOpenFail" "true"
  Option "PciForceNone" "true"
EndSection

Section "Device"
  Identifier "dummy"
  Driver "dummy"
  # In KiB: room for the largest virtual size below.
  VideoRam 256000
EndSection

Section "Monitor"
  Identifier "monitor"
  HorizSync 5.0 - 1000.0
  VertRefresh 5.0 - 200.0
  # Our modelines use CVT reduced blanking; without this Xorg drops them.
  Option "ReducedBlanking"
  Modeline "${name}" ${timing.join(" ")}
EndSection

Section "Screen"
  Identifier "screen"
  Device "dummy"
  Monitor "monitor"
  DefaultDepth 24
  SubSection "Display"
    Depth 24
    Modes "${name}"
    Virtual 7680 4320
  EndSubSection
EndSection
`;
}

/** Starts Xvfb on a free display and resolves once it accepts connections. */
export async function startXvfb(options: StartDisplayOptions = {}): Promise<VirtualDisplay> {
  const { width = 1280, height = 720 } = options;
  const dir = await privateDir();
  return await startOnFreeNumber(
    options,
    dir,
    (number) =>
      runXServer(number, "Xvfb", ["-screen", "0", `${width}x${height}x24`], {
        backend: "xvfb",
        width,
        height,
        timeoutMs: options.timeoutMs ?? 10_000,
        dir,
      }),
  );
}

/**
 * Starts Xorg with the dummy video driver on a free display. Needs root or
 * an Xorg that lets this user start a server (Debian's wrapper allows
 * console users only).
 */
export async function startXorgDummy(
  options: StartDisplayOptions & { xorg?: string } = {},
): Promise<VirtualDisplay> {
  const { width = 1280, height = 720 } = options;
  const dir = await privateDir();
  const config = `${dir}/xorg.conf`;
  await Deno.writeTextFile(config, xorgDummyConfig(width, height)).catch(async (error) => {
    await removeDir(dir);
    throw error;
  });
  return await startOnFreeNumber(options, dir, (number) => {
    const logfile = `${dir}/xorg-${number}.log`;
    return runXServer(
      number,
      options.xorg ?? "Xorg",
      ["-config", config, "-novtswitch", "-sharevts", "-logfile", logfile],
      {
        backend: "xorg",
        width,
        height,
        timeoutMs: options.timeoutMs ?? 10_000,
        dir,
        logfile,
      },
    );
  });
}

/** A new 0700 directory for one X server's files: its cookie, config and log. */
function privateDir(): Promise<string> {
  return Deno.makeTempDir({ prefix: "skerry-x-" });
}

/**
 * Runs an X server on `:number` (cookie only, no TCP, no abstract socket, no
 * reset) and waits for its socket.
 */
async function runXServer(
  number: number,
  program: string,
  args: string[],
  options: {
    backend: VirtualDisplay["backend"];
    width: number;
    height: number;
    timeoutMs: number;
    /** Its private directory: the cookie goes there; removed when it stops. */
    dir: string;
    /** Its log file, read for the reason when it fails. */
    logfile?: string;
  },
): Promise<VirtualDisplay> {
  const { authority, cookie } = await writeXCookie(`${options.dir}/Xauthority`, number);
  const child = childCommand(program, {
    args: [
      `:${number}`,
      ...args,
      "-auth",
      authority,
      "-nolisten",
      "tcp",
      "-nolisten",
      "local",
      "-noreset",
    ],
    role: "x-server",
    // SIGTERM lets the server remove its socket and lock file when Skerry is killed.
    onParentDeath: "SIGTERM",
    stderr: "piped",
  }).spawn();
  const stderr = tail(child.stderr);
  const { logfile } = options;
  await waitForSocket(number, child, options.timeoutMs, async () => {
    await stderr.done;
    return [...stderr.lines, ...(logfile ? readLog(logfile) : [])];
  });
  const name = `:${number}`;
  return {
    name,
    backend: options.backend,
    width: options.width,
    height: options.height,
    authority,
    cookie,
    env: { DISPLAY: name, XAUTHORITY: authority },
    stop: async () => {
      await stopProcess(child);
      await stderr.done;
      await removeDir(options.dir);
    },
  };
}

/** Starts the requested X server; with `auto`, Xorg dummy first and Xvfb if it fails. */
export async function startVirtualDisplay(
  options: StartVirtualDisplayOptions = {},
): Promise<VirtualDisplay> {
  const backend = options.backend ?? "auto";
  if (backend === "xvfb") return await startXvfb(options);
  if (backend === "xorg") return await startXorgDummy(options);
  try {
    return await startXorgDummy(options);
  } catch (error) {
    log.info(
      "Xorg with the dummy driver did not start ({reason}); using Xvfb, which cannot resize",
      {
        reason: (error as Error).message,
      },
    );
    return await startXvfb(options);
  }
}

/** Options of {@linkcode setScreenSize}. */
export interface SetScreenSizeOptions {
  /** The RandR output to change. Default `DUMMY0` (the dummy driver's). */
  output?: string;
  /** Also set the screen's DPI (`xrandr --dpi`), which sizes fonts in X clients. */
  dpi?: number;
}

/**
 * Changes the screen of a display with a resizable RandR output (Xorg with
 * the dummy driver) to `width`x`height` with xrandr, adding the mode first.
 * Throws for Xvfb, which cannot resize. Three xrandr runs: about 40-60 ms
 * here, against 1-2 s for the capture and encoder to follow; FFI would save
 * nothing a viewer notices.
 */
export async function setScreenSize(
  display: {
    name: string;
    backend: VirtualDisplay["backend"];
    /** DISPLAY and, when needed, XAUTHORITY for xrandr. */
    env: Readonly<Record<string, string>>;
  },
  width: number,
  height: number,
  options: SetScreenSizeOptions = {},
): Promise<void> {
  if (display.backend !== "xorg") {
    throw new Error(`Cannot resize ${display.name}: Xvfb screens have a fixed size`);
  }
  const output = options.output ?? "DUMMY0";
  const line = modeline(width, height);
  const name = line[0]!;
  const xrandr = (args: string[]) =>
    childCommand("xrandr", { args, role: "desktop", env: { ...display.env }, stderr: "piped" })
      .output();
  // The mode may exist from an earlier resize: adding it again fails harmlessly.
  await xrandr(["--newmode", ...line]);
  await xrandr(["--addmode", output, name]);
  const dpi = options.dpi === undefined ? [] : ["--dpi", String(options.dpi)];
  const out = await xrandr(["--output", output, "--mode", name, ...dpi]);
  if (!out.success) {
    const reason = new TextDecoder().decode(out.stderr).trim().split("\n")[0];
    throw new Error(`Cannot resize ${display.name} to ${name}: ${reason}`);
  }
}

/**
 * The first connected RandR output of a display and whether its screen can
 * change size: Xvfb's single output `screen` cannot; any other (Xorg's
 * dummy `DUMMY0`, a real driver's) can. Undefined without RandR or xrandr.
 */
export async function randrOutput(
  display: { env: Readonly<Record<string, string>> },
): Promise<{ output: string; resizable: boolean } | undefined> {
  try {
    const out = await childCommand("xrandr", {
      args: ["--query"],
      role: "desktop",
      env: { ...display.env },
      stdout: "piped",
    }).output();
    if (!out.success) return undefined;
    const text = new TextDecoder().decode(out.stdout);
    const output = /^(\S+) connected/m.exec(text)?.[1];
    return output === undefined ? undefined : { output, resizable: output !== "screen" };
  } catch {
    return undefined;
  }
}

/**
 * Tries display numbers until a server starts (another process may take a
 * number first); removes `dir` when none does.
 */
async function startOnFreeNumber(
  options: StartDisplayOptions,
  dir: string,
  start: (number: number) => Promise<VirtualDisplay>,
): Promise<VirtualDisplay> {
  let first = options.firstDisplay ?? 20;
  for (let attempt = 0;; attempt++) {
    try {
      const number = freeDisplayNumber(first);
      try {
        return await start(number);
      } catch (error) {
        // "Server is already active" means a race for the number: try the next one.
        if (attempt >= 9 || !/already active|in use/i.test((error as Error).message)) throw error;
        first = number + 1;
      }
    } catch (error) {
      await removeDir(dir);
      throw error;
    }
  }
}

function removeDir(dir: string): Promise<void> {
  return Deno.remove(dir, { recursive: true }).catch(() => {});
}

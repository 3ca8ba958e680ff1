/**
 * The embedded desktop's own sound server: a user-mode PulseAudio whose
 * default sink is a null sink (Skerry captures its monitor), with, when the
 * microphone is on, a second null sink whose monitor is remapped into the
 * source "Skerry microphone" that desktop apps record from.
 *
 * It listens on one unix socket in a private 0700 directory (no TCP, no
 * D-Bus, no cookie: only this user can reach the directory) and refuses
 * module loading and `exit` from its clients. Skerry's children get its
 * address in `PULSE_SERVER`; `stop()` ends it and removes the directory.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { childCommand } from "./child_command.ts";
import { pollUntil } from "./poll.ts";
import { stopProcess } from "./process.ts";
import { readLines } from "./read_lines.ts";

const log = getLogger(["skerry", "sound"]);

/** The null sink desktop apps play into; Skerry streams its monitor. */
export const DESKTOP_SINK = "skerry";
/** The null sink the viewers' microphone plays into (the helper's `pulsesink`). */
export const MICROPHONE_SINK = "skerry_microphone_sink";
/** The source desktop apps record the viewers' microphone from. */
export const MICROPHONE_SOURCE = "skerry_microphone";
/** Sample rate of both sinks: Opus' own, so nothing is resampled on the way. */
const RATE = 48000;

/** A running sound server. */
export interface PulseAudio {
  /** Its address for `PULSE_SERVER`, `unix:/tmp/skerry-pulse-…/native`. */
  readonly server: string;
  /** Its process id. */
  readonly pid: number;
  /** Stops it (SIGTERM, then SIGKILL after 2 s) and removes its directory. */
  stop(): Promise<void>;
}

/** Options of {@linkcode startPulseAudio}. */
export interface StartPulseAudioOptions {
  /** Add the microphone sink and source. Default false. */
  microphone?: boolean;
  /** The program. Default `pulseaudio` from PATH. */
  program?: string;
  /** How long to wait for its socket, in ms. Default 10000. */
  timeoutMs?: number;
}

/**
 * The daemon's start-up script for a socket at `socket`: the sinks first,
 * then the socket, so a client that connects finds them.
 */
export function pulseScript(socket: string, options: { microphone: boolean }): string {
  const lines = [
    `load-module module-null-sink sink_name=${DESKTOP_SINK} rate=${RATE} ` +
    `sink_properties=device.description=Skerry`,
  ];
  if (options.microphone) {
    lines.push(
      `load-module module-null-sink sink_name=${MICROPHONE_SINK} rate=${RATE} channels=1 ` +
        `sink_properties="device.description='Skerry microphone (viewer)'"`,
      `load-module module-remap-source master=${MICROPHONE_SINK}.monitor ` +
        `source_name=${MICROPHONE_SOURCE} ` +
        `source_properties="device.description='Skerry microphone'"`,
      `set-default-source ${MICROPHONE_SOURCE}`,
    );
  }
  lines.push(
    `set-default-sink ${DESKTOP_SINK}`,
    // auth-anonymous: the socket's 0700 directory is the access control (no cookie to leak).
    `load-module module-native-protocol-unix socket=${socket} auth-anonymous=1 auth-cookie-enabled=0`,
  );
  return lines.join("\n") + "\n";
}

/** The daemon's arguments for the script at `script`. */
export function pulseArgs(script: string): string[] {
  return [
    "--daemonize=no",
    "--system=no",
    // -n: no default.pa (which would load udev, D-Bus, X11 and TCP modules); only our script.
    "-n",
    `--file=${script}`,
    "--use-pid-file=no",
    // Never exit by itself, nor when a client asks; clients cannot load modules.
    "--exit-idle-time=-1",
    "--disallow-exit",
    "--disallow-module-loading",
    "--log-target=stderr",
  ];
}

/**
 * Starts a PulseAudio for the embedded desktop. Resolves null (after one
 * warning) when the `pulseaudio` program is missing or does not come up:
 * the desktop then has no sound and Skerry streams video only.
 */
export async function startPulseAudio(
  options: StartPulseAudioOptions = {},
): Promise<PulseAudio | null> {
  const program = options.program ?? "pulseaudio";
  const dir = await Deno.makeTempDir({ prefix: "skerry-pulse-" });
  const socket = `${dir}/native`;
  const script = `${dir}/skerry.pa`;
  await Deno.writeTextFile(
    script,
    pulseScript(socket, { microphone: options.microphone ?? false }),
  );
  let child: Deno.ChildProcess;
  try {
    child = childCommand(program, {
      args: pulseArgs(script),
      role: "desktop",
      // Its state and runtime files in the private directory, not the user's home.
      env: { HOME: dir, XDG_RUNTIME_DIR: dir, XDG_CONFIG_HOME: `${dir}/config` },
      stderr: "piped",
    }).spawn();
  } catch (error) {
    await removeDir(dir);
    log.warn("Cannot start {program} ({reason}): the desktop has no sound; run tools/setup", {
      program,
      reason: (error as Error).message,
    });
    return null;
  }
  const output: string[] = [];
  const reading = (async () => {
    for await (const line of readLines(child.stderr)) {
      output.push(line);
      if (output.length > 50) output.shift();
      log.debug("pulseaudio: {line}", { line });
    }
  })();
  let exited = false;
  child.status.then(() => exited = true);
  try {
    await pollUntil(() => {
      if (exited) throw new Error("it exited");
      return exists(socket);
    }, { what: "the PulseAudio socket", timeoutMs: options.timeoutMs ?? 10_000, intervalMs: 20 });
  } catch (error) {
    await stopProcess(child);
    await reading;
    await removeDir(dir);
    // setpriv reports a program it cannot run as its own failure.
    const missing = output.some((l) =>
      /No such file or directory|cannot execute|failed to execute/i.test(l)
    );
    log.warn("Cannot start PulseAudio ({reason}): the desktop has no sound{hint}", {
      reason: `${(error as Error).message}: ${errorLine(output)}`,
      hint: missing ? "; run tools/setup to install it" : "",
    });
    return null;
  }
  log.info("Started PulseAudio for the desktop at {server}", { server: `unix:${socket}` });
  return {
    server: `unix:${socket}`,
    pid: child.pid,
    async stop() {
      await stopProcess(child);
      await reading;
      await removeDir(dir);
    },
  };
}

/** The most telling line of PulseAudio's output: its last error, else its last line. */
function errorLine(lines: string[]): string {
  const error = lines.findLast((l) => /^E: /.test(l));
  return (error ?? lines.findLast((l) => l.trim() !== "") ?? "no output").replace(/^E: /, "");
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function removeDir(dir: string): Promise<void> {
  return Deno.remove(dir, { recursive: true }).catch(() => {});
}

/**
 * Whether this session streams sound and takes viewers' microphones,
 * decided once when the server starts: the options, the GStreamer elements,
 * and whether PulseAudio answers (asked of a helper process, so the server
 * never loads GStreamer). Missing pieces cost the sound, never the session:
 * one warning, then video only.
 *
 * With the user's own PulseAudio (`skerry serve` on their DISPLAY) the
 * microphone's sink and source are added with `pactl load-module` and
 * removed on {@linkcode SoundSetup.close}; the embedded desktop's PulseAudio
 * (lib/pulseaudio.ts) has them from the start.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import {
  AUDIO_ELEMENTS,
  audioSpec,
  MICROPHONE_ELEMENTS,
  microphoneSpec,
  OPUS_FRAME_MS,
  sentChannels,
} from "../pipelines/audio.ts";
import { childCommand } from "./child_command.ts";
import { helperCommand } from "./helper_process.ts";
import {
  type AudioReport,
  type HelperAudio,
  type HelperMicrophone,
  parseAudioReport,
} from "./protocol/helper.ts";
import { MICROPHONE_SINK, MICROPHONE_SOURCE } from "./pulseaudio.ts";

const log = getLogger(["skerry", "sound"]);

/** Debian packages of the sound elements, for the warning. */
const PACKAGES: Record<string, string> = {
  pulsesrc: "gstreamer1.0-pulseaudio",
  pulsesink: "gstreamer1.0-pulseaudio",
  opusenc: "gstreamer1.0-plugins-base",
  opusdec: "gstreamer1.0-plugins-base",
  audioconvert: "gstreamer1.0-plugins-base",
  audioresample: "gstreamer1.0-plugins-base",
  volume: "gstreamer1.0-plugins-base",
  rtpopuspay: "gstreamer1.0-plugins-good",
  rtpopusdepay: "gstreamer1.0-plugins-good",
  errorignore: "gstreamer1.0-plugins-bad",
};

/** The options sound depends on (a slice of the `Config`). */
export interface SoundConfig {
  enableAudio: boolean;
  audioBitrate: number;
  audioChannels: number;
  audioPacketlossPercent: number;
  /** Opus frame duration, in ms. Default `OPUS_FRAME_MS` (10). */
  audioFrameMs?: number;
  enableMicrophone: boolean;
}

/** What the session's helper gets, and what to undo at the end. */
export interface SoundSetup {
  /** The `audio` and `microphone` parts of the helper's `start` message (absent: off). */
  start: { audio?: HelperAudio; microphone?: HelperMicrophone };
  /** Removes what was added to the user's PulseAudio. */
  close(): Promise<void>;
}

/** Options of {@linkcode resolveSound}. */
export interface ResolveSoundOptions {
  /** The embedded desktop's PulseAudio (its microphone source exists); absent: the user's. */
  pulseServer?: string;
  /** Asks whether sound works here. Default: `skerry helper --probe-audio`. */
  probe?: (elements: string[], env: Record<string, string>) => Promise<AudioReport>;
  /** Runs `pactl` with arguments; resolves its stdout, throws with its error. Default: the program. */
  pactl?: (args: string[]) => Promise<string>;
}

/**
 * Decides the sound of the session from `config`, the installed elements
 * and PulseAudio; logs one warning for each part that is off for lack of
 * something.
 */
export async function resolveSound(
  config: SoundConfig,
  options: ResolveSoundOptions = {},
): Promise<SoundSetup> {
  const none: SoundSetup = { start: {}, close: () => Promise.resolve() };
  if (!config.enableAudio && !config.enableMicrophone) return none;
  const elements = [
    ...AUDIO_ELEMENTS,
    ...(config.enableMicrophone ? MICROPHONE_ELEMENTS : []),
  ];
  const env: Record<string, string> = options.pulseServer
    ? { PULSE_SERVER: options.pulseServer }
    : {};
  let report: AudioReport;
  try {
    report = await (options.probe ?? probeSound)(elements, env);
  } catch (error) {
    log.warn("Sound is off: {reason}; streaming video only", {
      reason: (error as Error).message,
    });
    return none;
  }
  if (report.missing.length > 0) {
    const hints = report.missing.map((e) => `${e} (${PACKAGES[e] ?? "?"})`).join(", ");
    log.warn("Sound is off: GStreamer elements missing: {missing}; streaming video only", {
      missing: hints,
    });
    return none;
  }
  if (!report.reachable) {
    log.warn(
      "Sound is off: PulseAudio is not reachable ({reason}); streaming video only (start PulseAudio or set PULSE_SERVER)",
      { reason: report.reason ?? "no answer" },
    );
    return none;
  }
  const start: SoundSetup["start"] = {};
  if (config.enableAudio) {
    start.audio = audioSpec({
      bitrate: config.audioBitrate,
      channels: config.audioChannels,
      packetLossPercent: config.audioPacketlossPercent,
      ...(config.audioFrameMs === undefined ? {} : { frameMs: config.audioFrameMs }),
    });
    if (config.audioChannels > 2) {
      log.info("Sending {channels} audio channels as stereo (browsers play stereo Opus at most)", {
        channels: config.audioChannels,
      });
    }
    log.info(
      "Streaming sound: Opus {channels} channel(s) at {bitrate} bit/s, {frameMs} ms frames",
      {
        channels: sentChannels(config.audioChannels),
        bitrate: config.audioBitrate,
        frameMs: config.audioFrameMs ?? OPUS_FRAME_MS,
      },
    );
  }
  let close = none.close;
  if (config.enableMicrophone) {
    const added = options.pulseServer
      ? { close: none.close }
      : await addMicrophoneSource(options.pactl ?? pactl);
    if (added) {
      start.microphone = microphoneSpec(MICROPHONE_SINK);
      close = added.close;
      log.info("Viewers' microphones play into the PulseAudio source {source}", {
        source: MICROPHONE_SOURCE,
      });
    }
  }
  return { start, close };
}

/**
 * Adds the microphone's null sink and the "Skerry microphone" source to the
 * user's PulseAudio. Resolves null (after a warning) when it cannot.
 */
async function addMicrophoneSource(
  run: (args: string[]) => Promise<string>,
): Promise<{ close(): Promise<void> } | null> {
  const modules: string[] = [];
  const unload = async () => {
    for (const id of modules.splice(0).reverse()) {
      await run(["unload-module", id]).catch(() => {});
    }
  };
  try {
    modules.push(
      (await run([
        "load-module",
        "module-null-sink",
        `sink_name=${MICROPHONE_SINK}`,
        "rate=48000",
        "channels=1",
        "sink_properties=device.description='Skerry microphone (viewer)'",
      ])).trim(),
    );
    modules.push(
      (await run([
        "load-module",
        "module-remap-source",
        `master=${MICROPHONE_SINK}.monitor`,
        `source_name=${MICROPHONE_SOURCE}`,
        "source_properties=device.description='Skerry microphone'",
      ])).trim(),
    );
  } catch (error) {
    await unload();
    log.warn("Microphone is off: cannot add its source to PulseAudio ({reason})", {
      reason: (error as Error).message,
    });
    return null;
  }
  return { close: unload };
}

/** Runs `pactl` (pulseaudio-utils) on the user's PulseAudio. */
async function pactl(args: string[]): Promise<string> {
  const output = await childCommand("pactl", {
    args,
    role: "desktop",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();
  if (!output.success) {
    throw new Error(`pactl ${args[0]}: ${text(output.stderr) || `exit ${output.code}`}`);
  }
  return text(output.stdout);
}

/** Runs `skerry helper --probe-audio` with `env` (PULSE_SERVER) and reads its answer. */
async function probeSound(
  elements: string[],
  env: Record<string, string>,
): Promise<AudioReport> {
  const [program, ...args] = helperCommand();
  const output = await childCommand(program!, {
    args: [...args, "--probe-audio", elements.join(",")],
    role: "helper",
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const last = new TextDecoder().decode(output.stdout).trim().split("\n").pop() ?? "";
  try {
    return parseAudioReport(last);
  } catch (error) {
    const stderr = new TextDecoder().decode(output.stderr).trim().split("\n")[0] ?? "";
    throw new Error(
      `cannot ask the helper: ${(error as Error).message}${stderr ? ` (${stderr})` : ""}`,
    );
  }
}

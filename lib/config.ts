/**
 * The option table: every Skerry setting, its flag, environment variables,
 * default and help. It drives argument parsing, environment parsing,
 * `--help` and the README's option table, so they cannot disagree.
 *
 * Precedence: flag > `SKERRY_*` variable > alias variable (selkies-gstreamer
 * names) > default.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type Encoder, ENCODERS } from "./protocol/encoders.ts";

/** Log levels, most verbose first. */
export const LOG_LEVELS = ["debug", "info", "warning", "error"] as const;
/** One of {@linkcode LOG_LEVELS}. */
export type LogLevel = typeof LOG_LEVELS[number];
/** Which X server the embedded display uses. */
export const X_SERVERS = ["auto", "xorg", "xvfb"] as const;
/** One of {@linkcode X_SERVERS}. */
export type XServer = typeof X_SERVERS[number];

/** A screen size in pixels. */
export interface Size {
  width: number;
  height: number;
}

/** The parsed, frozen configuration. */
export interface Config {
  /** Address to listen on. */
  addr: string;
  /** TCP port for the page, the WebSocket and everything else. */
  port: number;
  /** X display to stream; undefined starts an embedded one. */
  display: string | undefined;
  /** Video encoder element. */
  encoder: Encoder;
  /** Frames per second. */
  framerate: number;
  /** Video bitrate, in kbit/s. */
  videoBitrate: number;
  /** Seconds between keyframes, -1 for keyframes on request only. */
  keyframeDistance: number;
  /** Directory of a custom web client, or undefined for the built-in one. */
  webRoot: string | undefined;
  /** Log level. */
  logLevel: LogLevel;
  /** Size of the embedded display. */
  screen: Size;
  /** X server of the embedded display. */
  xServer: XServer;
  /** Local addresses added to the ICE agent. */
  iceAddresses: string[];
  /** Require HTTP Basic authentication on every route. */
  enableBasicAuth: boolean;
  /** Basic auth user name. */
  basicAuthUser: string;
  /** Basic auth password; undefined generates one at start-up. */
  basicAuthPassword: string | undefined;
}

/** One row of the option table. */
export interface OptionSpec {
  /** Config field it sets. */
  key: keyof Config;
  /** Canonical kebab-case flag, without `--`. */
  flag: string;
  /** Placeholder shown in help; absent for booleans. */
  value?: string;
  /** Canonical environment variable. */
  env: string;
  /** Other accepted flags (without `--`), e.g. selkies-gstreamer's snake_case names. */
  flagAliases?: string[];
  /** Other accepted environment variables, lowest precedence last. */
  envAliases?: string[];
  /** Default, as shown in help (what `parse` receives when nothing is set). */
  default: string | undefined;
  /** One line of help. */
  help: string;
  /** Whether the value is a secret: never logged or printed. */
  secret?: boolean;
  /** Whether the option is a boolean (`--x`, `--no-x`, `--x=false`). */
  boolean?: boolean;
  /** Turns the raw text into the config value; throws `RangeError` with the reason. */
  parse(raw: string): unknown;
}

const int = (min: number, max: number) => (raw: string): number => {
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || n < min || n > max) {
    throw new RangeError(`value must be an integer ${min}-${max}`);
  }
  return n;
};

const oneOf = <T extends string>(values: readonly T[]) => (raw: string): T => {
  if (!(values as readonly string[]).includes(raw)) {
    throw new RangeError(`value must be one of ${values.join(", ")}`);
  }
  return raw as T;
};

const bool = (raw: string): boolean => {
  const v = raw.toLowerCase();
  if (["true", "1", "yes", "on"].includes(v)) return true;
  if (["false", "0", "no", "off"].includes(v)) return false;
  throw new RangeError("value must be true or false");
};

const text = (raw: string): string => {
  if (raw === "") throw new RangeError("value must not be empty");
  return raw;
};

const optionalText = (raw: string): string | undefined => raw === "" ? undefined : raw;

const size = (raw: string): Size => {
  const m = /^(\d{2,5})x(\d{2,5})$/.exec(raw);
  const width = Number(m?.[1]);
  const height = Number(m?.[2]);
  if (!m || width < 64 || height < 64 || width > 7680 || height > 4320) {
    throw new RangeError("value must be WIDTHxHEIGHT between 64x64 and 7680x4320");
  }
  return { width, height };
};

const addresses = (raw: string): string[] => {
  const list = raw.split(",").map((s) => s.trim()).filter(Boolean);
  for (const a of list) {
    if (!/^[0-9a-fA-F.:]+$/.test(a)) throw new RangeError(`"${a}" is not an IP address`);
  }
  return list;
};

/** The option table. Order is the order of `--help` and the README. */
export const OPTIONS: readonly OptionSpec[] = [
  {
    key: "addr",
    flag: "addr",
    value: "ADDR",
    env: "SKERRY_ADDR",
    envAliases: ["SELKIES_ADDR"],
    default: "0.0.0.0",
    help: "Address to listen on",
    parse: text,
  },
  {
    key: "port",
    flag: "port",
    value: "PORT",
    env: "SKERRY_PORT",
    envAliases: ["SELKIES_PORT"],
    default: "8080",
    help: "Port for the web client, signalling and everything else",
    parse: int(0, 65535),
  },
  {
    key: "display",
    flag: "display",
    value: "DISPLAY",
    env: "DISPLAY",
    default: undefined,
    help: "X display to stream; unset: start an embedded virtual display with a small desktop",
    parse: optionalText,
  },
  {
    key: "encoder",
    flag: "encoder",
    value: "ENCODER",
    env: "SKERRY_ENCODER",
    envAliases: ["WEBRTC_ENCODER", "SELKIES_ENCODER"],
    default: "x264enc",
    help: `Video encoder: ${ENCODERS.join(", ")} (nvh264enc falls back to x264enc without NVIDIA)`,
    parse: oneOf(ENCODERS),
  },
  {
    key: "framerate",
    flag: "framerate",
    value: "FPS",
    env: "SKERRY_FRAMERATE",
    envAliases: ["WEBRTC_FRAMERATE", "SELKIES_FRAMERATE"],
    default: "60",
    help: "Frames per second captured and encoded",
    parse: int(1, 240),
  },
  {
    key: "videoBitrate",
    flag: "video-bitrate",
    value: "KBPS",
    env: "SKERRY_VIDEO_BITRATE",
    flagAliases: ["video_bitrate"],
    envAliases: ["WEBRTC_VIDEO_BITRATE", "SELKIES_VIDEO_BITRATE"],
    default: "8000",
    help: "Video bitrate in kbit/s",
    parse: int(100, 1_000_000),
  },
  {
    key: "keyframeDistance",
    flag: "keyframe-distance",
    value: "SECONDS",
    env: "SKERRY_KEYFRAME_DISTANCE",
    flagAliases: ["keyframe_distance"],
    envAliases: ["WEBRTC_KEYFRAME_DISTANCE", "SELKIES_KEYFRAME_DISTANCE"],
    default: "-1",
    help: "Seconds between keyframes; -1: only when a viewer needs one",
    parse: (raw) => {
      const n = int(-1, 3600)(raw);
      if (n === 0) throw new RangeError("value must be -1 or 1-3600");
      return n;
    },
  },
  {
    key: "webRoot",
    flag: "web-root",
    value: "DIR",
    env: "SKERRY_WEB_ROOT",
    flagAliases: ["web_root"],
    envAliases: ["WEB_ROOT", "SELKIES_WEB_ROOT"],
    default: undefined,
    help: "Serve a custom web client from this directory instead of the built-in one",
    parse: optionalText,
  },
  {
    key: "enableBasicAuth",
    flag: "enable-basic-auth",
    env: "SKERRY_ENABLE_BASIC_AUTH",
    flagAliases: ["enable_basic_auth"],
    envAliases: ["SELKIES_ENABLE_BASIC_AUTH"],
    default: "true",
    boolean: true,
    help: "Require HTTP Basic authentication on every route, the WebSocket included",
    parse: bool,
  },
  {
    key: "basicAuthUser",
    flag: "basic-auth-user",
    value: "USER",
    env: "SKERRY_BASIC_AUTH_USER",
    flagAliases: ["basic_auth_user"],
    envAliases: ["SELKIES_BASIC_AUTH_USER"],
    default: "skerry",
    help: "User name for Basic authentication",
    parse: text,
  },
  {
    key: "basicAuthPassword",
    flag: "basic-auth-password",
    value: "PASSWORD",
    env: "SKERRY_BASIC_AUTH_PASSWORD",
    flagAliases: ["basic_auth_password"],
    envAliases: ["SELKIES_BASIC_AUTH_PASSWORD"],
    default: undefined,
    secret: true,
    help: "Password for Basic authentication; unset: a random one is printed at start-up",
    parse: optionalText,
  },
  {
    key: "screen",
    flag: "screen",
    value: "WxH",
    env: "SKERRY_SCREEN",
    default: "1280x720",
    help: "Screen size of the embedded display",
    parse: size,
  },
  {
    key: "xServer",
    flag: "x-server",
    value: "SERVER",
    env: "SKERRY_X_SERVER",
    default: "auto",
    help: "X server of the embedded display: auto (Xorg dummy, else Xvfb), xorg, xvfb",
    parse: oneOf(X_SERVERS),
  },
  {
    key: "iceAddresses",
    flag: "ice-address",
    value: "IP[,IP]",
    env: "SKERRY_ICE_ADDRESS",
    default: "",
    help:
      "Local addresses to offer as ICE candidates besides the interfaces found (e.g. 127.0.0.1)",
    parse: addresses,
  },
  {
    key: "logLevel",
    flag: "log-level",
    value: "LEVEL",
    env: "SKERRY_LOG_LEVEL",
    default: "info",
    help: `Log level: ${LOG_LEVELS.join(", ")}`,
    parse: oneOf(LOG_LEVELS),
  },
];

/** Subcommands of the CLI. */
export const COMMANDS = ["serve", "demo", "helper"] as const;
/** One of {@linkcode COMMANDS}. */
export type Command = typeof COMMANDS[number];

/** What the command line asked for. */
export type Invocation =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "helper"; args: string[] }
  | { kind: "run"; command: "serve" | "demo"; config: Readonly<Config> };

/**
 * Parses the command line and environment. Throws `RangeError` with a
 * one-line message (exit code 2) on an unknown flag or a bad value.
 */
export function parseCommandLine(
  args: readonly string[],
  env: (name: string) => string | undefined,
): Invocation {
  let command: Command = "serve";
  let rest = [...args];
  const first = rest[0];
  if (first !== undefined && !first.startsWith("-")) {
    if (!(COMMANDS as readonly string[]).includes(first)) {
      throw new RangeError(`Unknown command "${first}": expected one of ${COMMANDS.join(", ")}`);
    }
    command = first as Command;
    rest = rest.slice(1);
  }
  if (command === "helper") return { kind: "helper", args: rest };

  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
    version: { type: "boolean", short: "V" },
  };
  const byFlag = new Map<string, OptionSpec>();
  for (const spec of OPTIONS) {
    for (const flag of [spec.flag, ...(spec.flagAliases ?? [])]) {
      options[flag] = { type: "string" };
      byFlag.set(flag, spec);
    }
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: normaliseBooleans(rest, byFlag),
      options,
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new RangeError(cleanParseArgsMessage((error as Error).message));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };

  const config: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    let source = "default";
    let raw: string | undefined = spec.default;
    const envHit = [spec.env, ...(spec.envAliases ?? [])].find((name) => env(name) !== undefined);
    if (envHit !== undefined) {
      raw = env(envHit);
      source = envHit;
    }
    for (const flag of [spec.flag, ...(spec.flagAliases ?? [])]) {
      const v = values[flag];
      if (typeof v === "string") {
        raw = v;
        source = `--${flag}`;
      }
    }
    try {
      config[spec.key] = raw === undefined ? undefined : spec.parse(raw);
    } catch (error) {
      const shown = spec.secret ? "<secret>" : JSON.stringify(raw);
      throw new RangeError(
        `Cannot parse ${source}: ${(error as Error).message}, received ${shown}`,
      );
    }
  }
  return { kind: "run", command, config: Object.freeze(config as unknown as Config) };
}

/** Rewrites `--x`, `--no-x` of boolean options to `--x=true` / `--x=false`. */
function normaliseBooleans(args: string[], byFlag: Map<string, OptionSpec>): string[] {
  return args.map((arg) => {
    if (!arg.startsWith("--") || arg.includes("=")) return arg;
    const name = arg.slice(2);
    if (byFlag.get(name)?.boolean) return `--${name}=true`;
    if (name.startsWith("no-") && byFlag.get(name.slice(3))?.boolean) {
      return `--${name.slice(3)}=false`;
    }
    return arg;
  });
}

function cleanParseArgsMessage(message: string): string {
  // parseArgs messages carry a usage hint about "--" that does not apply here.
  return message.split(". To specify")[0]!.replace(/\s+$/, "");
}

/** The config as loggable fields, secrets replaced by `<set>`/`<unset>`. */
export function redactedConfig(config: Readonly<Config>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    const v = config[spec.key];
    out[spec.key] = spec.secret ? (v === undefined ? "<unset>" : "<set>") : v;
  }
  return out;
}

/** `--help` text. */
export function helpText(version: string): string {
  const rows = OPTIONS.map((spec) => {
    const flag = `--${spec.flag}${spec.value ? ` <${spec.value}>` : ""}`;
    const aliases = [
      ...(spec.flagAliases ?? []).map((f) => `--${f}`),
      ...(spec.envAliases ?? []),
    ];
    const details = [
      `env ${spec.env}`,
      spec.default === undefined || spec.default === "" ? undefined : `default ${spec.default}`,
      aliases.length ? `also ${aliases.join(", ")}` : undefined,
    ].filter(Boolean).join("; ");
    return `  ${flag.padEnd(30)} ${spec.help}\n  ${"".padEnd(30)} (${details})`;
  });
  return [
    `skerry ${version}: a Linux desktop in the browser over WebRTC`,
    "",
    "USAGE",
    "  skerry [serve] [OPTIONS]   stream DISPLAY (or an embedded desktop when DISPLAY is unset)",
    "  skerry demo [OPTIONS]      always stream an embedded desktop",
    "  skerry --help | --version",
    "",
    "OPTIONS",
    ...rows,
    "  -h, --help                     Show this help",
    "  -V, --version                  Show the version",
    "",
    "Boolean options take --x, --no-x or --x=true|false. Flags beat SKERRY_* variables,",
    "which beat the selkies-gstreamer names, which beat defaults.",
  ].join("\n");
}

/** The README's option table, in Markdown. */
export function optionsMarkdown(): string {
  const cell = (s: string) => s.replaceAll("|", "\\|");
  const lines = [
    "| Flag | Environment | Default | Also accepted | Meaning |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const spec of OPTIONS) {
    const flag = `\`--${spec.flag}${spec.value ? ` ${spec.value}` : ""}\``;
    const aliases = [...(spec.flagAliases ?? []).map((f) => `--${f}`), ...(spec.envAliases ?? [])]
      .map((a) => `\`${a}\``).join(", ");
    const def = spec.default === undefined || spec.default === "" ? "" : `\`${spec.default}\``;
    lines.push(`| ${flag} | \`${spec.env}\` | ${def} | ${aliases} | ${cell(spec.help)} |`);
  }
  return lines.join("\n");
}

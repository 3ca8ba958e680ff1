/**
 * The configuration: the option table (lib/options/, one file per concern)
 * turned into a frozen `Config` from flags, environment variables and the
 * persisted settings file. The same table renders `--help` and the README's
 * option table (lib/options/render.ts), so they cannot disagree.
 *
 * Precedence: the `--json-config` file (settings viewers changed, as
 * selkies-gstreamer does) > flag > `SKERRY_*` variable > selkies-gstreamer
 * variables > default. A secret option is also read from `--<flag>-file` or
 * `<VARIABLE>_FILE`, which keeps it out of `ps` and of the environment.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { ACCESS_GROUP, ACCESS_OPTIONS } from "./options/access.ts";
import { AUDIO_GROUP, AUDIO_OPTIONS, VIDEO_GROUP, VIDEO_OPTIONS } from "./options/media.ts";
import { DESKTOP_GROUP, DESKTOP_OPTIONS } from "./options/desktop.ts";
import { NETWORK_GROUP, NETWORK_OPTIONS } from "./options/network.ts";
import {
  IGNORED_GROUP,
  IGNORED_OPTIONS,
  OPERATIONS_GROUP,
  OPERATIONS_OPTIONS,
} from "./options/operations.ts";
import type { OptionGroup, OptionSpec } from "./options/option.ts";
import { WEB_GROUP, WEB_OPTIONS } from "./options/web.ts";

export type { LogFormat, LogLevel } from "./options/operations.ts";
export { LOG_FORMATS, LOG_LEVELS } from "./options/operations.ts";
export type { ClipboardPolicy, XServer } from "./options/desktop.ts";
export { CLIPBOARD_POLICIES, X_SERVERS } from "./options/desktop.ts";
export type { Size } from "./options/parse.ts";
export type { OptionGroup, OptionSpec } from "./options/option.ts";

/** Every option, in the order of `--help` and the README. */
export const OPTIONS = [
  ...WEB_OPTIONS,
  ...ACCESS_OPTIONS,
  ...NETWORK_OPTIONS,
  ...VIDEO_OPTIONS,
  ...AUDIO_OPTIONS,
  ...DESKTOP_OPTIONS,
  ...OPERATIONS_OPTIONS,
  ...IGNORED_OPTIONS,
] as const;

/** The option table in sections, for `--help` and the README. */
export const OPTION_GROUPS: readonly OptionGroup[] = [
  WEB_GROUP,
  ACCESS_GROUP,
  NETWORK_GROUP,
  VIDEO_GROUP,
  AUDIO_GROUP,
  DESKTOP_GROUP,
  OPERATIONS_GROUP,
  IGNORED_GROUP,
];

type Spec = typeof OPTIONS[number];

/** The parsed, frozen configuration: one field per option, typed by its parser. */
export type Config = { readonly [S in Spec as S["key"]]: ReturnType<S["parse"]> };

/**
 * Settings a viewer may change while connected, which `--json-config`
 * remembers, by their key in that file (selkies-gstreamer's names).
 */
export const PERSISTED_SETTINGS: Readonly<Record<string, keyof Config>> = {
  encoder: "encoder",
  framerate: "framerate",
  video_bitrate: "videoBitrate",
  audio_bitrate: "audioBitrate",
  enable_resize: "enableResize",
};

/** Subcommands, with how many positional arguments each takes. */
export const COMMANDS = {
  serve: 0,
  demo: 0,
  helper: 0,
  "turn-config": 0,
  resize: 1,
} as const;
/** One of {@linkcode COMMANDS}. */
export type Command = keyof typeof COMMANDS;

/** What the command line asked for. */
export type Invocation =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "helper"; args: string[] }
  | {
    kind: "run";
    command: Exclude<Command, "helper">;
    /** Positional arguments of the command. */
    args: string[];
    config: Config;
    /** Things to tell the user once at start-up (ignored options, secrets on argv, a bad settings file). */
    notices: string[];
  };

/** Where {@linkcode parseCommandLine} reads the environment and files from. */
export interface ConfigSources {
  env(name: string): string | undefined;
  /** Reads a whole text file; throws when it cannot. Default `Deno.readTextFileSync`. */
  readTextFile?(path: string): string;
}

/**
 * Parses the command line, environment and settings file. Throws
 * `RangeError` with a one-line message (exit code 2) on an unknown flag or
 * a bad value.
 */
export function parseCommandLine(
  args: readonly string[],
  env: ConfigSources["env"],
  readTextFile: (path: string) => string = (path) => Deno.readTextFileSync(path),
): Invocation {
  let command: Command = "serve";
  let rest = [...args];
  const first = rest[0];
  if (first !== undefined && !first.startsWith("-")) {
    if (!Object.hasOwn(COMMANDS, first)) {
      throw new RangeError(
        `Unknown command "${first}": expected one of ${Object.keys(COMMANDS).join(", ")}`,
      );
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
  for (const spec of OPTIONS as readonly OptionSpec[]) {
    for (const flag of flagsOf(spec)) {
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
      allowPositionals: true,
    });
  } catch (error) {
    throw new RangeError(cleanParseArgsMessage((error as Error).message));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };
  const positionals = parsed.positionals;
  if (positionals.length > COMMANDS[command]) {
    throw new RangeError(`Unexpected argument '${positionals[COMMANDS[command]]}'`);
  }

  const notices: string[] = [];
  const raw = new Map<OptionSpec, { text: string; source: string }>();
  for (const spec of OPTIONS as readonly OptionSpec[]) {
    let value = { text: spec.default, source: "default" };
    const envHit = envNamesOf(spec).find((name) => env(name) !== undefined);
    if (envHit !== undefined) value = { text: env(envHit)!, source: envHit };
    for (const flag of flagsOf(spec)) {
      const v = values[flag];
      if (typeof v !== "string") continue;
      value = { text: v, source: `--${flag}` };
      if (spec.secret && !flag.endsWith("file")) {
        notices.push(
          `--${flag} is visible to every local user in ps: prefer --${spec.flag}-file or ${spec.env}_FILE`,
        );
      }
    }
    if (spec.secret) {
      const fileEnv = envNamesOf(spec).map((n) => `${n}_FILE`).find((n) => env(n) !== undefined);
      const fileFlag = fileFlagsOf(spec).findLast((f) => typeof values[f] === "string");
      const file = fileFlag !== undefined
        ? { path: values[fileFlag] as string, source: `--${fileFlag}` }
        : fileEnv !== undefined
        ? { path: env(fileEnv)!, source: fileEnv }
        : undefined;
      if (file) {
        value = { text: readSecret(file.path, file.source, readTextFile), source: file.source };
      }
    }
    if (spec.ignored && value.source !== "default") {
      notices.push(`Ignoring ${value.source}: ${spec.ignored}`);
    }
    raw.set(spec, value);
  }
  const settingsPath = raw.get(specOf("jsonConfig"))!.text;
  if (settingsPath !== "") overlaySettings(settingsPath, raw, readTextFile, notices);

  const config: Record<string, unknown> = {};
  for (const [spec, { text, source }] of raw) {
    try {
      config[spec.key] = spec.parse(text);
    } catch (error) {
      const shown = spec.secret ? "<secret>" : JSON.stringify(text);
      throw new RangeError(
        `Cannot parse ${source}: ${(error as Error).message}, received ${shown}`,
      );
    }
  }
  if (config.debug === true) config.logLevel = "debug";
  return {
    kind: "run",
    command,
    args: positionals,
    config: Object.freeze(config as unknown as Config),
    notices,
  };
}

function specOf(key: keyof Config): OptionSpec {
  return (OPTIONS as readonly OptionSpec[]).find((s) => s.key === key)!;
}

function flagsOf(spec: OptionSpec): string[] {
  return [spec.flag, ...(spec.flagAliases ?? []), ...fileFlagsOf(spec)];
}

/** `--x-file` (and `--x_file` for snake_case aliases) of a secret option. */
function fileFlagsOf(spec: OptionSpec): string[] {
  if (!spec.secret) return [];
  return [`${spec.flag}-file`, ...(spec.flagAliases ?? []).map((f) => `${f}_file`)];
}

function envNamesOf(spec: OptionSpec): string[] {
  return [spec.env, ...(spec.envAliases ?? [])];
}

/** Reads a secret from a file: its first line, without the line end. */
function readSecret(path: string, source: string, read: (path: string) => string): string {
  let text: string;
  try {
    text = read(path);
  } catch (error) {
    const reason = (error as Error).message.split(":")[0] ?? "unreadable";
    throw new RangeError(`Cannot read ${source} "${path}": ${reason}`);
  }
  return text.split(/\r?\n/)[0] ?? "";
}

/** Applies the settings viewers changed, remembered in the `--json-config` file. */
function overlaySettings(
  path: string,
  raw: Map<OptionSpec, { text: string; source: string }>,
  read: (path: string) => string,
  notices: string[],
): void {
  let text: string;
  try {
    text = read(path);
  } catch {
    return; // not written yet: the first change creates it
  }
  let saved: unknown;
  try {
    saved = JSON.parse(text);
  } catch {
    notices.push(`Ignoring --json-config "${path}": it is not JSON`);
    return;
  }
  if (typeof saved !== "object" || saved === null || Array.isArray(saved)) {
    notices.push(`Ignoring --json-config "${path}": it is not a JSON object`);
    return;
  }
  for (const [name, value] of Object.entries(saved)) {
    const key = PERSISTED_SETTINGS[name];
    if (key === undefined) continue;
    const spec = specOf(key);
    try {
      spec.parse(String(value));
      raw.set(spec, { text: String(value), source: `${path}: ${name}` });
    } catch (error) {
      notices.push(`Ignoring ${name} in ${path}: ${(error as Error).message}`);
    }
  }
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
export function redactedConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of OPTIONS as readonly OptionSpec[]) {
    const v = (config as Record<string, unknown>)[spec.key];
    out[spec.key] = spec.secret ? (v === undefined ? "<unset>" : "<set>") : v;
  }
  return out;
}

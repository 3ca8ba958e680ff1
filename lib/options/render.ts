/**
 * The option table rendered for people: `--help` text and the README's
 * Markdown table, section by section.
 *
 * @module
 */

import type { OptionGroup, OptionSpec } from "./option.ts";

function aliasesOf(spec: OptionSpec): string[] {
  const files = spec.secret ? [`--${spec.flag}-file`, `${spec.env}_FILE`] : [];
  return [
    ...(spec.flagAliases ?? []).map((f) => `--${f}`),
    ...(spec.envAliases ?? []),
    ...files,
  ];
}

/** `--help` text for `groups`. */
export function helpText(version: string, groups: readonly OptionGroup[]): string {
  const sections = groups.flatMap((group) => [
    "",
    `${group.title.toUpperCase()}`,
    ...group.options.map((spec) => {
      const flag = `--${spec.flag}${spec.value ? ` <${spec.value}>` : ""}`;
      const aliases = aliasesOf(spec);
      const details = [
        `env ${spec.env}`,
        spec.default === "" ? undefined : `default ${spec.default}`,
        aliases.length ? `also ${aliases.join(", ")}` : undefined,
      ].filter(Boolean).join("; ");
      return `  ${flag.padEnd(34)} ${spec.help}\n  ${"".padEnd(34)} (${details})`;
    }),
  ]);
  return [
    `skerry ${version}: a Linux desktop in the browser over WebRTC`,
    "",
    "USAGE",
    "  skerry [serve] [OPTIONS]   stream DISPLAY (or an embedded desktop when DISPLAY is unset)",
    "  skerry demo [OPTIONS]      always stream an embedded desktop",
    "  skerry turn-config [OPTIONS]  print the browser's RTC configuration (STUN/TURN) and exit",
    "  skerry --help | --version",
    ...sections,
    "",
    "  -h, --help                         Show this help",
    "  -V, --version                      Show the version",
    "",
    "Boolean options take --x, --no-x or --x=true|false. The --json-config file beats flags,",
    "which beat SKERRY_* variables, which beat the selkies-gstreamer names, which beat defaults.",
    "Secrets are also read from --<option>-file or <VARIABLE>_FILE (first line of the file).",
  ].join("\n");
}

/** The README's option tables, one per section, in Markdown. */
export function optionsMarkdown(groups: readonly OptionGroup[]): string {
  const cell = (s: string) => s.replaceAll("|", "\\|");
  const out: string[] = [];
  for (const group of groups) {
    out.push(`#### ${group.title}`, "");
    out.push("| Flag | Environment | Default | Also accepted | Meaning |");
    out.push("| --- | --- | --- | --- | --- |");
    for (const spec of group.options) {
      const flag = `\`--${spec.flag}${spec.value ? ` ${spec.value}` : ""}\``;
      const aliases = aliasesOf(spec).map((a) => `\`${a}\``).join(", ");
      const def = spec.default === "" ? "" : `\`${cell(spec.default)}\``;
      out.push(`| ${flag} | \`${spec.env}\` | ${def} | ${aliases} | ${cell(spec.help)} |`);
    }
    out.push("");
  }
  return out.join("\n").trimEnd();
}

/**
 * The shape of one row of the option table, and the helper that keeps each
 * row's config key and value type together so the `Config` type can be
 * derived from the table itself.
 *
 * @module
 */

/** One row of the option table. */
export interface OptionSpec<K extends string = string, T = unknown> {
  /** Config field it sets (camelCase of the flag). */
  key: K;
  /** Canonical kebab-case flag, without `--`. */
  flag: string;
  /** Placeholder shown in help; absent for booleans. */
  value?: string;
  /** Canonical environment variable. */
  env: string;
  /** Other accepted flags (without `--`): selkies-gstreamer's snake_case names. */
  flagAliases?: readonly string[];
  /** Other accepted environment variables, highest precedence first. */
  envAliases?: readonly string[];
  /** Default as text, what `parse` receives when nothing is set ("" for unset). */
  default: string;
  /** One line of help. */
  help: string;
  /** A secret: never logged or printed, also read from `--<flag>-file` and `<ENV>_FILE`. */
  secret?: boolean;
  /** A boolean (`--x`, `--no-x`, `--x=false`). */
  boolean?: boolean;
  /**
   * Set when the option cannot apply to Skerry: the reason, printed once at
   * start-up when the option is given. Its value is accepted and unused.
   */
  ignored?: string;
  /** Turns the raw text into the config value; throws `RangeError` with the reason. */
  parse(raw: string): T;
}

/** A titled group of options: one section of `--help` and the README table. */
export interface OptionGroup {
  /** Section title, e.g. "Web server". */
  title: string;
  options: readonly OptionSpec[];
}

/** Declares one option, keeping its key and value type for `Config`. */
export function option<const K extends string, T>(spec: OptionSpec<K, T>): OptionSpec<K, T> {
  return spec;
}

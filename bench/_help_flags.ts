/**
 * What a Skerry command line accepts, read from its `--help` text, so a
 * benchmark can start an older revision with only the flags it knows.
 *
 * @module
 */
/** The flags and defaults of a `--help` text (two-space indented `--flag`, then `default X;`). */
export function parseHelpFlags(help: string): Map<string, string> {
  const flags = new Map<string, string>();
  let last: string | undefined;
  for (const line of help.split("\n")) {
    const flag = /^ {2}--([a-z0-9-]+)/.exec(line)?.[1];
    if (flag !== undefined) {
      last = flag;
      if (flag !== "help" && flag !== "version") flags.set(flag, "");
    }
    const fallback = /[(;] ?default ([^;)]*)[;)]/.exec(line)?.[1];
    if (fallback !== undefined && last !== undefined && flags.has(last)) flags.set(last, fallback);
  }
  return flags;
}

/**
 * `args` without the flags `known` lacks (all kept when `known` is unset),
 * and the ones left out.
 */
export function commonFlags(
  args: string[],
  known?: ReadonlyMap<string, string>,
): { args: string[]; dropped: string[] } {
  if (known === undefined) return { args, dropped: [] };
  const name = (arg: string) => /^--([^=]+)/.exec(arg)?.[1] ?? "";
  return {
    args: args.filter((a) => known.has(name(a))),
    dropped: args.filter((a) => !known.has(name(a))),
  };
}

/**
 * The selkies-gstreamer spellings of an option: its snake_case flag and its
 * `SELKIES_*` environment variable (plus any older names its README uses),
 * so existing launch scripts run unchanged.
 *
 * @module
 */

/** Flag and environment aliases for selkies-gstreamer's option `snake`. */
export function selkies(
  snake: string,
  ...moreEnv: string[]
): { flagAliases: string[]; envAliases: string[] } {
  const kebab = snake.replaceAll("_", "-");
  return {
    flagAliases: snake === kebab ? [] : [snake],
    envAliases: [`SELKIES_${snake.toUpperCase()}`, ...moreEnv],
  };
}

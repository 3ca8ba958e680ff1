/**
 * Writes the option tables from lib/options/ into README.md between the
 * `<!-- options:start -->` and `<!-- options:end -->` markers.
 *
 * @module
 */

import { OPTION_GROUPS } from "../lib/config.ts";
import { optionsMarkdown } from "../lib/options/render.ts";

const path = new URL("../README.md", import.meta.url);
const readme = await Deno.readTextFile(path);
const start = "<!-- options:start -->";
const end = "<!-- options:end -->";
const i = readme.indexOf(start);
const j = readme.indexOf(end);
if (i < 0 || j < i) throw new Error("README.md has no options markers");
await Deno.writeTextFile(
  path,
  `${readme.slice(0, i + start.length)}\n${optionsMarkdown(OPTION_GROUPS)}\n${readme.slice(j)}`,
);

// Let deno fmt pad the table the way `deno fmt --check` expects.
await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", path.pathname] }).output();

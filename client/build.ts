/**
 * Bundles the web client into `client/dist/` with esbuild:
 * `deno task build` (add `--watch` to rebuild on change).
 *
 * @module
 */

import * as esbuild from "esbuild";

const root = new URL("./", import.meta.url).pathname;
const dist = `${root}dist/`;

/** Builds the client once; returns the bundle size in bytes. */
export async function buildClient(options: { minify?: boolean } = {}): Promise<number> {
  await Deno.mkdir(dist, { recursive: true });
  // A map left by an older build would otherwise be shipped by `deno task compile`.
  await Deno.remove(`${dist}app.js.map`).catch(() => {});
  const result = await esbuild.build({
    entryPoints: [`${root}main.tsx`],
    bundle: true,
    format: "esm",
    target: ["chrome110", "firefox115", "safari16"],
    jsx: "automatic",
    jsxImportSource: "preact",
    minify: options.minify ?? true,
    // No source maps: the server would hand out the client's source (and never serves *.map).
    sourcemap: false,
    outfile: `${dist}app.js`,
    metafile: true,
    logLevel: "warning",
  });
  await Deno.copyFile(`${root}index.html`, `${dist}index.html`);
  await Deno.copyFile(`${root}app.css`, `${dist}app.css`);
  return result.metafile.outputs["client/dist/app.js"]?.bytes ??
    Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
}

if (import.meta.main) {
  try {
    const bytes = await buildClient();
    // deno-lint-ignore no-console
    console.log(`client/dist/app.js: ${(bytes / 1024).toFixed(1)} KiB`);
  } finally {
    await esbuild.stop();
  }
}

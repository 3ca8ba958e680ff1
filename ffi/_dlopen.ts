/**
 * `Deno.dlopen` with a one-line error naming the library.
 *
 * @module
 */

/** Opens `file` (a SONAME such as `libX11.so.6`) and returns its symbols. */
export function openLibrary<S extends Deno.ForeignLibraryInterface>(
  file: string,
  symbols: S,
): Deno.DynamicLibrary<S>["symbols"] {
  try {
    return Deno.dlopen(file, symbols).symbols;
  } catch (error) {
    throw new Error(`Cannot load ${file}: ${(error as Error).message}`);
  }
}

/**
 * Where a generated password goes when nobody is at a terminal to read it
 * (a service, a container log): a 0600 file, never the log. The path is
 * `$XDG_RUNTIME_DIR/skerry/password` (the user's private tmpfs, gone at
 * logout), else a new 0700 directory in the temporary directory
 * (`/tmp/skerry-XXXXXX/password`). The file is removed when Skerry stops.
 *
 * @module
 */

/** The directory the password file goes in when `XDG_RUNTIME_DIR` is set; else undefined. */
export function runtimePasswordDir(env: (name: string) => string | undefined): string | undefined {
  const runtime = env("XDG_RUNTIME_DIR");
  return runtime && runtime.startsWith("/") ? `${runtime.replace(/\/+$/, "")}/skerry` : undefined;
}

/** A written password file. */
export interface PasswordFile {
  /** Its absolute path. */
  readonly path: string;
  /** Removes it (and the directory, when Skerry created a temporary one). */
  remove(): Promise<void>;
}

/**
 * Writes `password` and a newline to a new 0600 file in a 0700 directory
 * (see the module doc for where) and returns it. Throws when neither place
 * can be written.
 */
export async function writePasswordFile(
  password: string,
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): Promise<PasswordFile> {
  const dir = runtimePasswordDir(env);
  if (dir !== undefined) {
    try {
      await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
      await Deno.chmod(dir, 0o700);
      const path = `${dir}/password`;
      await writePrivate(path, password);
      return { path, remove: () => Deno.remove(path).catch(() => {}) };
    } catch {
      // Not writable (or not allowed): a private temporary directory instead.
    }
  }
  const temp = await Deno.makeTempDir({ prefix: "skerry-" });
  const path = `${temp}/password`;
  await writePrivate(path, password);
  return { path, remove: () => Deno.remove(temp, { recursive: true }).catch(() => {}) };
}

/** Replaces `path` with a new 0600 file holding `text` (never widening an old file's mode). */
async function writePrivate(path: string, text: string): Promise<void> {
  const partial = `${path}.partial`;
  await Deno.remove(partial).catch(() => {});
  await Deno.writeTextFile(partial, `${text}\n`, { mode: 0o600, createNew: true });
  await Deno.rename(partial, path);
}

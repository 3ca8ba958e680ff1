/**
 * `--file-transfers`, `--file-transfer-dir`, `--file-transfer-max-mb` into a
 * ready {@linkcode FileStore}: the folder chosen ($HOME/Downloads unless
 * told), checked against Deno's permissions, made if missing (0700), and
 * resolved once to a path without symlinks.
 *
 * @module
 */

import type { Config } from "../config.ts";
import { FileStore } from "./file_store.ts";

/** What `createApp()` takes: the folder and the directions that are on. */
export interface FileTransfers {
  store: FileStore;
  upload: boolean;
  download: boolean;
  /** The folder, resolved. */
  dir: string;
}

/** Options of {@linkcode openFileTransfers}. */
export interface OpenFileTransfersOptions {
  /** The home directory, for the default folder. Default `$HOME`. */
  home?: string | undefined;
  /** Whether Deno may write (`write`) or read (`read`) at a path. Default: `Deno.permissions`. */
  allowed?: (name: "read" | "write", path: string) => Promise<boolean>;
}

/** Returns the file transfers the config asks for, or undefined when they are off. */
export async function openFileTransfers(
  config: Pick<Config, "fileTransfers" | "fileTransferDir" | "fileTransferMaxMb">,
  options: OpenFileTransfersOptions = {},
): Promise<FileTransfers | undefined> {
  const which = config.fileTransfers;
  if (which === "none") return undefined;
  const upload = which === "upload" || which === "both";
  const download = which === "download" || which === "both";
  const home = "home" in options ? options.home : Deno.env.get("HOME");
  let dir = config.fileTransferDir;
  if (dir === undefined) {
    if (!home) {
      throw new Error(`--file-transfers=${which} needs --file-transfer-dir: HOME is not set`);
    }
    dir = `${home.replace(/\/+$/, "")}/Downloads`;
  }
  if (!dir.startsWith("/")) dir = `${Deno.cwd()}/${dir}`;
  const allowed = options.allowed ?? permitted;
  for (const name of upload ? ["read", "write"] as const : ["read"] as const) {
    if (!(await allowed(name, dir))) {
      throw new Error(
        `--file-transfers=${which} needs to ${name} ${dir}, which Deno's permissions do not allow: run deno with --allow-${name}=${dir} too`,
      );
    }
  }
  const info = await Deno.lstat(dir).catch(() => undefined);
  if (!info) await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const resolved = await Deno.realPath(dir);
  if (!(await Deno.stat(resolved)).isDirectory) {
    throw new Error(`--file-transfer-dir=${dir} is not a folder`);
  }
  return {
    store: new FileStore({ dir: resolved, maxBytes: config.fileTransferMaxMb * 1024 * 1024 }),
    upload,
    download,
    dir: resolved,
  };
}

async function permitted(name: "read" | "write", path: string): Promise<boolean> {
  return (await Deno.permissions.query({ name, path })).state === "granted";
}

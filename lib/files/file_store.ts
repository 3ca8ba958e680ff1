/**
 * The file transfer folder on the desktop host: uploads streamed into it,
 * and the files in it listed and opened for download.
 *
 * Safety (README, "File transfer"):
 * - every name passes {@linkcode checkFileName}: one path component, no
 *   dot-dot, no NUL or control characters, never hidden;
 * - an upload is streamed into a new hidden file (`O_CREAT|O_EXCL`, mode
 *   0600: never through a symlink, never over a file), counted as it comes
 *   and cut off past the limit, then hard-linked under its name, which
 *   fails rather than replace anything there (a file, a symlink, even a
 *   dangling one): a taken name gets the next number ("a (1).txt"). A
 *   partial upload (aborted, too big, stalled, disk full) is removed;
 * - a name that is a symbolic link in the folder is refused for upload and
 *   download, and downloads open only regular files, checking after `open`
 *   that the file opened is the one looked at (same device and inode), so a
 *   symlink swapped in meanwhile is not followed out of the folder.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { checkFileName, MAX_NAME_NUMBER, numberedName } from "./file_name.ts";
import { type FileEntry, humanBytes, type UploadResponse } from "../protocol/files.ts";

const log = getLogger(["skerry", "files"]);

/** HTTP statuses a refusal maps to. */
export type RefusalStatus = 400 | 404 | 408 | 409 | 413 | 429 | 503 | 507;

/** A transfer refused for a reason the user should read; `status` is its HTTP status. */
export class FileRefusedError extends Error {
  readonly status: RefusalStatus;
  constructor(status: RefusalStatus, message: string) {
    super(message);
    this.name = "FileRefusedError";
    this.status = status;
  }
}

/** Options of {@linkcode FileStore}. */
export interface FileStoreOptions {
  /** The folder, an absolute path with no symlink in it (`Deno.realPath`). */
  dir: string;
  /** Largest upload, in bytes. */
  maxBytes: number;
  /** Uploads at once; more are refused with 429. Default 4: each may write `maxBytes`. */
  maxUploads?: number;
  /** An upload that sends nothing for this long is cut off, in ms. Default 30000. */
  idleMs?: number;
  /** Most files listed. Default 1000. */
  maxListed?: number;
}

/** An opened download. */
export interface OpenedFile {
  name: string;
  /** Size in bytes. */
  size: number;
  /** The file, open for reading; the caller closes it (or streams `readable` to the end). */
  file: Deno.FsFile;
}

/** The transfer folder. */
export class FileStore {
  readonly #options: FileStoreOptions;
  #active = 0;

  constructor(options: FileStoreOptions) {
    this.#options = options;
  }

  /** Largest upload, in bytes. */
  get maxBytes(): number {
    return this.#options.maxBytes;
  }

  /** The regular files in the folder (no hidden ones, no symlinks), newest first. */
  async list(): Promise<FileEntry[]> {
    await this.#checkDir();
    const max = this.#options.maxListed ?? 1000;
    const files: FileEntry[] = [];
    for await (const entry of Deno.readDir(this.#options.dir)) {
      if (!entry.isFile || !acceptable(entry.name)) continue;
      try {
        const info = await Deno.lstat(this.#path(entry.name));
        if (!info.isFile) continue;
        files.push({ name: entry.name, size: info.size, modified: info.mtime?.getTime() ?? 0 });
      } catch {
        continue; // removed meanwhile
      }
      if (files.length >= max) break;
    }
    return files.sort((a, b) => b.modified - a.modified || a.name.localeCompare(b.name));
  }

  /**
   * Streams `body` into the folder as `rawName` (numbered if taken).
   * `declaredBytes` (Content-Length) over the limit is refused before
   * anything is written; a body longer than the limit is cut off and removed.
   */
  async save(
    rawName: string,
    body: ReadableStream<Uint8Array> | null,
    options: { declaredBytes?: number } = {},
  ): Promise<UploadResponse> {
    const name = this.#checkName(rawName);
    const max = this.#options.maxBytes;
    const declared = options.declaredBytes;
    if (declared !== undefined && declared > max) {
      throw new FileRefusedError(
        413,
        `"${name}" is ${humanBytes(declared)}: over the limit of ${humanBytes(max)}`,
      );
    }
    await this.#checkDir();
    await this.#refuseSymlink(name);
    if (this.#active >= (this.#options.maxUploads ?? 4)) {
      throw new FileRefusedError(429, "Too many uploads at once: wait for one to finish");
    }
    this.#active++;
    try {
      const temp = this.#path(`.skerry-upload-${crypto.randomUUID()}.part`);
      const size = await this.#receive(temp, name, body);
      try {
        const saved = await this.#publish(temp, name);
        log.info("Received {name} ({size} bytes)", { name: saved, size });
        return { name: saved, size };
      } finally {
        await Deno.remove(temp).catch(() => {});
      }
    } finally {
      this.#active--;
    }
  }

  /** Opens a regular file of the folder for download. */
  async open(rawName: string): Promise<OpenedFile> {
    const name = this.#checkName(rawName);
    await this.#checkDir();
    const path = this.#path(name);
    const missing = () => new FileRefusedError(404, `No file "${name}" in the folder`);
    const before = await Deno.lstat(path).catch(() => undefined);
    if (!before) throw missing();
    if (before.isSymlink) {
      throw new FileRefusedError(404, `"${name}" is a symbolic link: only files are sent`);
    }
    if (!before.isFile) throw missing();
    const file = await Deno.open(path, { read: true }).catch(() => undefined);
    if (!file) throw missing();
    const after = await file.stat();
    if (!after.isFile || after.ino !== before.ino || after.dev !== before.dev) {
      file.close();
      throw new FileRefusedError(404, `"${name}" changed while it was opened`);
    }
    return { name, size: after.size, file };
  }

  #path(name: string): string {
    return `${this.#options.dir}/${name}`;
  }

  #checkName(raw: string): string {
    try {
      return checkFileName(raw);
    } catch (error) {
      throw new FileRefusedError(400, (error as Error).message);
    }
  }

  async #checkDir(): Promise<void> {
    const info = await Deno.lstat(this.#options.dir).catch(() => undefined);
    if (!info?.isDirectory) {
      throw new FileRefusedError(503, "The transfer folder is missing on the desktop host");
    }
  }

  async #refuseSymlink(name: string): Promise<void> {
    const info = await Deno.lstat(this.#path(name)).catch(() => undefined);
    if (info?.isSymlink) {
      throw new FileRefusedError(
        409,
        `"${name}" is a symbolic link in the folder: refusing to write through it`,
      );
    }
  }

  /** Writes the body to a new file at `temp`; removes it on any failure. Returns the size. */
  async #receive(
    temp: string,
    name: string,
    body: ReadableStream<Uint8Array> | null,
  ): Promise<number> {
    const max = this.#options.maxBytes;
    const file = await Deno.open(temp, { write: true, createNew: true, mode: 0o600 });
    const reader = body?.getReader();
    let size = 0;
    let done = false;
    try {
      while (reader) {
        const chunk = await readWithin(reader, this.#options.idleMs ?? 30_000);
        if (chunk.done) break;
        size += chunk.value.byteLength;
        if (size > max) {
          throw new FileRefusedError(413, `"${name}" is over the limit of ${humanBytes(max)}`);
        }
        await writeAll(file, chunk.value);
      }
      done = true;
      return size;
    } catch (error) {
      if (error instanceof FileRefusedError) throw error;
      if (/os error 28\b/.test(String(error))) {
        throw new FileRefusedError(507, "The desktop host's disk is full");
      }
      log.info("Upload of {name} stopped after {size} bytes: {error}", { name, size, error });
      throw error;
    } finally {
      file.close();
      if (!done) {
        await reader?.cancel().catch(() => {});
        await Deno.remove(temp).catch(() => {});
      }
    }
  }

  /** Links `temp` under `name`, or the first free numbered name; never replaces anything. */
  async #publish(temp: string, name: string): Promise<string> {
    for (let n = 0; n <= MAX_NAME_NUMBER; n++) {
      const candidate = numberedName(name, n);
      try {
        await Deno.link(temp, this.#path(candidate));
        return candidate;
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      }
    }
    throw new FileRefusedError(
      409,
      `"${name}" is taken, and so are its numbers up to ${MAX_NAME_NUMBER}`,
    );
  }
}

/** Whether a name in the folder may be listed. */
function acceptable(name: string): boolean {
  try {
    checkFileName(name);
    return true;
  } catch {
    return false;
  }
}

/** The next chunk, or a 408 refusal when none comes within `ms`. */
async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  ms: number,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new FileRefusedError(408, `Nothing arrived for ${ms / 1000} s`)),
      ms,
    );
  });
  try {
    return await Promise.race([reader.read(), idle]);
  } finally {
    clearTimeout(timer);
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.byteLength;) {
    offset += await file.write(bytes.subarray(offset));
  }
}

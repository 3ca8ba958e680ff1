/**
 * File transfer over HTTP (docs/PROTOCOL.md, "File transfer"): the routes,
 * the header that carries the page token on uploads, and the JSON bodies.
 * Shared by server and client.
 *
 * @module
 */

/** The routes' base, relative to the page: `GET files`, `GET files/<name>`, `POST files?name=`. */
export const FILES_PATH = "files";
/** The header an upload carries its page token in (from `GET ws-token`): a CSRF lock. */
export const FILE_TOKEN_HEADER = "X-Skerry-Token";

/** One file offered for download. */
export interface FileEntry {
  name: string;
  /** Size in bytes. */
  size: number;
  /** Last modification, in ms since the epoch. */
  modified: number;
}

/** The body of `GET files`. */
export interface FilesResponse {
  /** Whether uploads are on. */
  upload: boolean;
  /** Whether downloads are on. */
  download: boolean;
  /** Largest upload, in bytes. */
  maxBytes: number;
  /** The files in the folder, newest first; empty when downloads are off. */
  files: FileEntry[];
}

/** The body of a successful upload (201). */
export interface UploadResponse {
  /** The name the file was saved under (numbered when the name was taken). */
  name: string;
  /** Bytes written. */
  size: number;
}

/** The URL of one file for download, relative to the page. */
export function fileUrl(name: string): string {
  return `${FILES_PATH}/${encodeURIComponent(name)}`;
}

/** The upload URL for a file name, relative to the page. */
export function uploadUrl(name: string): string {
  return `${FILES_PATH}?name=${encodeURIComponent(name)}`;
}

/** A size for messages and lists: "1 byte", "512 bytes", "12 KiB", "1.5 MiB", "1024 MiB". */
export function humanBytes(bytes: number): string {
  if (bytes < 1024) return bytes === 1 ? "1 byte" : `${bytes} bytes`;
  const [value, unit] = bytes < 1024 * 1024
    ? [bytes / 1024, "KiB"]
    : [bytes / (1024 * 1024), "MiB"];
  return `${value < 10 ? Number(value.toFixed(1)) : Math.round(value)} ${unit}`;
}

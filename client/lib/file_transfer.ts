/**
 * The browser's side of file transfer (docs/PROTOCOL.md, "File transfer"):
 * what the server allows, uploads with progress (XMLHttpRequest: `fetch`
 * reports no upload progress), and the size check done before sending.
 *
 * @module
 */

import {
  FILE_TOKEN_HEADER,
  FILES_PATH,
  type FilesResponse,
  humanBytes,
  type UploadResponse,
  uploadUrl,
} from "../../lib/protocol/files.ts";
import { PAGE_TOKEN_PATH, type PageTokenResponse } from "../../lib/protocol/page_token.ts";

/**
 * What the server allows, or undefined when file transfer is off (404), the
 * login is view-only (403) or the server cannot be asked.
 */
export async function fetchFiles(): Promise<FilesResponse | undefined> {
  try {
    const res = await fetch(FILES_PATH, { cache: "no-store", credentials: "same-origin" });
    if (!res.ok) return undefined;
    return await res.json() as FilesResponse;
  } catch {
    return undefined;
  }
}

/** Why a file cannot be uploaded before sending a byte (too big, empty name), if so. */
export function uploadRefusal(file: { name: string; size: number }, maxBytes: number) {
  if (file.size > maxBytes) {
    return `"${file.name}" is ${humanBytes(file.size)}: over the limit of ${humanBytes(maxBytes)}`;
  }
  return undefined;
}

/** Options of {@linkcode uploadFile}. */
export interface UploadOptions {
  /** Bytes sent so far, of `total`. */
  onProgress?(sent: number, total: number): void;
  /** Aborts the upload (the server removes what it received). */
  signal?: AbortSignal;
}

/**
 * Uploads one file to the desktop host's folder; resolves with the name it
 * was saved under; rejects with the server's reason (a hostile name, over
 * the limit, view-only) or "interrupted".
 */
export async function uploadFile(file: File, options: UploadOptions = {}): Promise<UploadResponse> {
  const token = await pageToken();
  return await new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", uploadUrl(file.name));
    xhr.setRequestHeader(FILE_TOKEN_HEADER, token);
    xhr.upload.onprogress = (e) => options.onProgress?.(e.loaded, e.total || file.size);
    xhr.onload = () => {
      if (xhr.status === 201) {
        try {
          return resolve(JSON.parse(xhr.responseText) as UploadResponse);
        } catch {
          return reject(new Error("The server's answer was not understood"));
        }
      }
      reject(new Error(xhr.responseText.trim().slice(0, 300) || `HTTP ${xhr.status}`));
    };
    xhr.onerror = () => reject(new Error("The upload was interrupted"));
    xhr.onabort = () => reject(new Error("Cancelled"));
    options.signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

async function pageToken(): Promise<string> {
  const res = await fetch(PAGE_TOKEN_PATH, { cache: "no-store", credentials: "same-origin" });
  if (!res.ok) throw new Error(`Cannot upload: ${PAGE_TOKEN_PATH} answered HTTP ${res.status}`);
  return (await res.json() as PageTokenResponse).token;
}

/**
 * The uploads of this page: a progress bar while each is sent, then where
 * it was saved, or why it was refused. Placed by `FileTransfer`'s dock.
 *
 * @module
 */

import type { JSX } from "preact";
import { humanBytes } from "../../lib/protocol/files.ts";

/** One upload, as the list shows it. */
export interface Upload {
  id: number;
  name: string;
  /** Bytes sent so far, and in all. */
  sent: number;
  total: number;
  state: "sending" | "done" | "failed";
  /** Done: the name it was saved under; failed: the reason. */
  message?: string;
}

/** The line of text for one upload. */
export function uploadText(upload: Upload): string {
  switch (upload.state) {
    case "sending": {
      const percent = upload.total > 0 ? Math.floor((upload.sent * 100) / upload.total) : 0;
      return `Uploading ${upload.name}: ${percent}% of ${humanBytes(upload.total)}`;
    }
    case "done":
      return upload.message === upload.name
        ? `Uploaded ${upload.name}`
        : `Uploaded ${upload.name} as ${upload.message}`;
    case "failed":
      return upload.message ?? `Could not upload ${upload.name}`;
  }
}

const LIST: JSX.CSSProperties = {
  display: "flex",
  flexDirection: "column",
  gap: "6px",
  margin: "0",
  padding: "0",
  listStyle: "none",
};

const ITEM: JSX.CSSProperties = {
  padding: "8px 12px",
  borderRadius: "8px",
  background: "rgba(32, 33, 36, 0.92)",
  boxShadow: "0 2px 8px rgba(0, 0, 0, 0.4)",
  fontSize: "13px",
  overflowWrap: "anywhere",
};

/** The list; nothing when there are no uploads. */
export function UploadList({ uploads }: { uploads: readonly Upload[] }): JSX.Element | null {
  if (uploads.length === 0) return null;
  return (
    <ul class="uploads" style={LIST} aria-live="polite">
      {uploads.map((u) => (
        <li
          key={u.id}
          data-state={u.state}
          style={{ ...ITEM, ...(u.state === "failed" ? { borderLeft: "3px solid #ea4335" } : {}) }}
        >
          {uploadText(u)}
          {u.state === "sending" && (
            <progress
              max={u.total || 1}
              value={u.sent}
              style={{ display: "block", width: "100%", marginTop: "4px" }}
            />
          )}
        </li>
      ))}
    </ul>
  );
}

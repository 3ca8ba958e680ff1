/**
 * File transfer on the page: drop files anywhere to upload them to the
 * desktop host (an overlay says where they go while dragging), the uploads'
 * progress, and the "Files" panel of downloads. Shown only when the server
 * allows this login file transfer (`GET files`; view-only logins get 403).
 *
 * @module
 */

import type { JSX } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { FilesResponse } from "../../lib/protocol/files.ts";
import { fetchFiles, uploadFile, uploadRefusal } from "../lib/file_transfer.ts";
import { FilesButton, FilesPanel } from "./files_panel.tsx";
import { type Upload, UploadList } from "./upload_list.tsx";

/** How long a finished upload stays in the list, in ms. */
const DONE_SHOWN_MS = 6000;
/** How long a refused one stays, in ms: long enough to read the reason. */
const FAILED_SHOWN_MS = 12_000;

/** Bottom left, one column: the panel, the uploads, the button; nothing overlaps. */
const DOCK: JSX.CSSProperties = {
  position: "fixed",
  left: "calc(12px + env(safe-area-inset-left))",
  bottom: "calc(12px + env(safe-area-inset-bottom))",
  width: "min(360px, calc(100vw - 24px))",
  display: "flex",
  flexDirection: "column",
  gap: "8px",
  zIndex: "15",
  // Over the video: only the panel and the button take the pointer.
  pointerEvents: "none",
};

const OVERLAY: JSX.CSSProperties = {
  position: "fixed",
  inset: "12px",
  display: "flex",
  alignItems: "center",
  justifyContent: "center",
  border: "3px dashed rgba(138, 180, 248, 0.9)",
  borderRadius: "16px",
  background: "rgba(13, 43, 69, 0.75)",
  fontSize: "22px",
  zIndex: "30",
  pointerEvents: "none",
};

/** Whether a drag carries files (not text or a link). */
function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes("Files") ?? false;
}

/** Drop-to-upload, the uploads' progress and the downloads panel. */
export function FileTransfer(): JSX.Element | null {
  const [allowed, setAllowed] = useState<FilesResponse | undefined>(undefined);
  const [dragging, setDragging] = useState(false);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [open, setOpen] = useState(false);
  const nextId = useRef(1);
  const allowedRef = useRef<FilesResponse | undefined>(undefined);

  const refresh = useCallback(async () => {
    const files = await fetchFiles();
    allowedRef.current = files;
    setAllowed(files);
  }, []);

  const update = useCallback((id: number, change: Partial<Upload>) => {
    setUploads((list) => list.map((u) => u.id === id ? { ...u, ...change } : u));
    if (change.state === "done" || change.state === "failed") {
      const delay = change.state === "done" ? DONE_SHOWN_MS : FAILED_SHOWN_MS;
      setTimeout(() => setUploads((list) => list.filter((u) => u.id !== id)), delay);
    }
  }, []);

  const start = useCallback((files: File[]) => {
    const limits = allowedRef.current;
    for (const file of files) {
      const id = nextId.current++;
      setUploads((list) => [...list, {
        id,
        name: file.name,
        sent: 0,
        total: file.size,
        state: "sending",
      }]);
      const refusal = limits?.upload
        ? uploadRefusal(file, limits.maxBytes)
        : "File upload is not available for this login";
      if (refusal !== undefined) {
        update(id, { state: "failed", message: refusal });
        continue;
      }
      uploadFile(file, { onProgress: (sent, total) => update(id, { sent, total }) }).then(
        (saved) => {
          update(id, { state: "done", sent: saved.size, message: saved.name });
          void refresh();
        },
        (error: Error) => update(id, { state: "failed", message: error.message }),
      );
    }
  }, [update, refresh]);

  useEffect(() => {
    void refresh();
    const over = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      // Without this the browser would open the file in place of the desktop.
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
      setDragging(true);
    };
    const leave = (event: DragEvent) => {
      // relatedTarget null: the pointer left the window.
      if (event.relatedTarget === null) setDragging(false);
    };
    const drop = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      setDragging(false);
      start([...(event.dataTransfer?.files ?? [])]);
    };
    addEventListener("dragenter", over);
    addEventListener("dragover", over);
    addEventListener("dragleave", leave);
    addEventListener("drop", drop);
    return () => {
      removeEventListener("dragenter", over);
      removeEventListener("dragover", over);
      removeEventListener("dragleave", leave);
      removeEventListener("drop", drop);
    };
  }, [refresh, start]);

  const canUpload = allowed?.upload ?? false;
  const shown = allowed !== undefined && (allowed.upload || allowed.download);
  return (
    <>
      {dragging && (
        <div class="drop-overlay" style={OVERLAY}>
          {canUpload ? "Drop to upload to the desktop" : "File upload is not available here"}
        </div>
      )}
      <div class="file-dock" style={DOCK}>
        {shown && open && (
          <FilesPanel
            download={allowed.download}
            upload={allowed.upload}
            files={allowed.files}
            onPick={start}
          />
        )}
        <UploadList uploads={uploads} />
        {shown && (
          <FilesButton
            open={open}
            onToggle={() => {
              if (!open) void refresh();
              setOpen(!open);
            }}
          />
        )}
      </div>
    </>
  );
}

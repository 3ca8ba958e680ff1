/**
 * The "Files" button and its panel: the files the desktop offers (each a
 * download link) and, when uploads are on, a file picker (phones cannot
 * drop files on the page). Placed by `FileTransfer`'s dock.
 *
 * @module
 */

import type { JSX } from "preact";
import { useRef } from "preact/hooks";
import { type FileEntry, fileUrl, humanBytes } from "../../lib/protocol/files.ts";

const BUTTON: JSX.CSSProperties = {
  alignSelf: "flex-start",
  height: "40px",
  padding: "0 14px",
  borderRadius: "20px",
  border: "1px solid rgba(255, 255, 255, 0.4)",
  background: "rgba(0, 0, 0, 0.5)",
  color: "white",
  font: "inherit",
  cursor: "pointer",
  pointerEvents: "auto",
};

const PANEL: JSX.CSSProperties = {
  maxHeight: "50vh",
  overflowY: "auto",
  boxSizing: "border-box",
  padding: "12px",
  borderRadius: "8px",
  background: "rgba(32, 33, 36, 0.96)",
  boxShadow: "0 4px 16px rgba(0, 0, 0, 0.5)",
  display: "flex",
  flexDirection: "column",
  gap: "8px",
  pointerEvents: "auto",
};

/** The button that opens and closes the panel. */
export function FilesButton(props: { open: boolean; onToggle(): void }): JSX.Element {
  return (
    <button
      type="button"
      class="files-button"
      style={BUTTON}
      aria-expanded={props.open}
      onMouseDown={(ev) => ev.preventDefault()}
      onClick={props.onToggle}
    >
      Files
    </button>
  );
}

/** Props of {@linkcode FilesPanel}. */
export interface FilesPanelProps {
  /** Whether downloads and uploads are on. */
  download: boolean;
  upload: boolean;
  /** The files offered, newest first. */
  files: readonly FileEntry[];
  /** Files picked for upload. */
  onPick(files: File[]): void;
}

/** The panel: an upload picker and the download links. */
export function FilesPanel(props: FilesPanelProps): JSX.Element {
  const picker = useRef<HTMLInputElement>(null);
  return (
    <section class="files" style={PANEL} aria-label="Files on the desktop">
      {props.upload && (
        <>
          <button
            type="button"
            style={{ ...BUTTON, alignSelf: "stretch", height: "32px" }}
            onClick={() => picker.current?.click()}
          >
            Upload files…
          </button>
          <input
            ref={picker}
            type="file"
            multiple
            hidden
            onChange={(ev) => {
              const input = ev.currentTarget;
              props.onPick([...(input.files ?? [])]);
              input.value = "";
            }}
          />
        </>
      )}
      {props.download && <strong>On the desktop</strong>}
      {props.download && props.files.length === 0 && (
        <span style={{ color: "#9aa0a6" }}>No files in the folder yet.</span>
      )}
      {props.download && (
        <ul style={{ margin: "0", padding: "0", listStyle: "none" }}>
          {props.files.map((f) => (
            <li key={f.name} style={{ display: "flex", gap: "8px", padding: "4px 0" }}>
              <a
                href={fileUrl(f.name)}
                download={f.name}
                style={{ color: "#8ab4f8", flex: "1", overflowWrap: "anywhere" }}
              >
                {f.name}
              </a>
              <span style={{ color: "#9aa0a6", whiteSpace: "nowrap" }}>{humanBytes(f.size)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

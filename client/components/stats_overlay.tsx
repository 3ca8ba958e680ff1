/** The statistics overlay (Ctrl+Shift+. or the menu): the stream's figures, top left. */

import type { Figure } from "../lib/overlay_figures.ts";

/** Props of {@linkcode StatsOverlay}. */
export interface StatsOverlayProps {
  /** The last interval's figures; empty before the first. */
  figures: readonly Figure[];
}

/** A small translucent table; it never takes pointer input, so the desktop under it still works. */
export function StatsOverlay({ figures }: StatsOverlayProps) {
  return (
    <dl class="stats-overlay" aria-label="Stream statistics">
      {figures.length === 0 ? <dd>Waiting for the first statistics…</dd> : figures.map((f) => [
        <dt key={`${f.key}-label`}>{f.label}</dt>,
        <dd key={f.key} data-figure={f.key}>{f.value}</dd>,
      ])}
    </dl>
  );
}

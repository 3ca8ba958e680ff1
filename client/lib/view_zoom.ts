/**
 * Pinch-zoom of the desktop on touch screens: two fingers spreading or
 * closing zoom the picture about the point between them, and moving them
 * pans it, like a photo. The zoom is a CSS transform of the `<video>` only
 * (the page itself never zooms, so the menu and buttons keep their size);
 * pointer mapping reads the video's transformed box, so a tap still lands
 * on the desktop pixel under the finger. Pure: {@linkcode ViewZoom} keeps
 * the numbers, client/lib/input.ts applies {@linkcode ViewZoom.transform}.
 *
 * @module
 */

/** Largest zoom factor. */
export const MAX_ZOOM = 5;

/** Two fingers: their distance and midpoint, in CSS pixels. */
export interface PinchPoint {
  distance: number;
  midX: number;
  midY: number;
}

/** Zoom factor and translation of the video (transform origin at its top left). */
export class ViewZoom {
  /** Zoom factor, 1 (the whole desktop) to {@linkcode MAX_ZOOM}. */
  scale = 1;
  /** Translation in CSS pixels. */
  x = 0;
  y = 0;

  /**
   * The fingers went from `from` to `to` over an element `width` x `height`
   * CSS pixels big: the desktop point under the first midpoint moves under
   * the second, scaled by the change of distance; the picture always covers
   * the element (no panning past its edges).
   */
  pinch(from: PinchPoint, to: PinchPoint, size: { width: number; height: number }): void {
    const ratio = from.distance > 0 ? to.distance / from.distance : 1;
    const scale = Math.min(MAX_ZOOM, Math.max(1, this.scale * ratio));
    // The content point under the old midpoint, in untransformed pixels.
    const px = (from.midX - this.x) / this.scale;
    const py = (from.midY - this.y) / this.scale;
    this.scale = scale;
    this.x = clamp(to.midX - px * scale, size.width - size.width * scale, 0);
    this.y = clamp(to.midY - py * scale, size.height - size.height * scale, 0);
  }

  /** Back to the whole desktop. */
  reset(): void {
    this.scale = 1;
    this.x = 0;
    this.y = 0;
  }

  /** The CSS `transform` (with `transform-origin: 0 0`); empty at zoom 1. */
  get transform(): string {
    if (this.scale === 1) return "";
    return `translate(${round(this.x)}px, ${round(this.y)}px) scale(${round(this.scale)})`;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value)) || 0;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

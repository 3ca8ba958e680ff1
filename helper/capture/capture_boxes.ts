/**
 * From the X server's damaged rectangles to the few boxes the capture reads:
 * clipped to the screen, widened to even coordinates (I420 keeps one chroma
 * sample per 2x2 pixels, so a box must cover whole 2x2 blocks), and merged
 * where a merge costs fewer pixels than a separate request would cost time.
 * Pure: no X, no clock.
 *
 * @module
 */

import type { PixelRect } from "../../ffi/xshm.ts";

/** Options of {@linkcode captureBoxes}. */
export interface CaptureBoxOptions {
  /**
   * Extra pixels a merge may add, at most, to spare one request: a box
   * costs a request, a conversion call and a thread hand-off, about what
   * capturing and converting 16K pixels costs. Default 16384.
   */
  mergeSlackPx?: number;
  /** Most boxes per frame (more are merged, cheapest first). Default 8. */
  maxBoxes?: number;
  /**
   * Above this share of the screen, the whole screen is one box (cheaper
   * than several large ones). Default 0.5.
   */
  fullShare?: number;
}

/** A capture box and where its pixels go in the shared memory segment. */
export interface CaptureBox extends PixelRect {
  /** Byte offset of the box's packed pixels (4 bytes each) in the segment. */
  offset: number;
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const area = (b: Box) => (b.x1 - b.x0) * (b.y1 - b.y0);
const union = (a: Box, b: Box): Box => ({
  x0: Math.min(a.x0, b.x0),
  y0: Math.min(a.y0, b.y0),
  x1: Math.max(a.x1, b.x1),
  y1: Math.max(a.y1, b.y1),
});

/**
 * Boxes covering every damaged pixel of `rects` on a `width` x `height`
 * screen, each with its offset in a segment of `width * height * 4` bytes
 * (the boxes' areas never sum to more than the screen's).
 */
export function captureBoxes(
  rects: readonly PixelRect[],
  screen: { width: number; height: number },
  options: CaptureBoxOptions = {},
): CaptureBox[] {
  const { mergeSlackPx = 16384, maxBoxes = 8, fullShare = 0.5 } = options;
  const { width, height } = screen;
  const full = (): CaptureBox[] => [{ x: 0, y: 0, width, height, offset: 0 }];
  let boxes: Box[] = [];
  for (const r of rects) {
    if (r.width <= 0 || r.height <= 0) continue;
    const x0 = Math.max(0, Math.floor(r.x / 2) * 2);
    const y0 = Math.max(0, Math.floor(r.y / 2) * 2);
    const x1 = Math.min(width, Math.ceil((r.x + r.width) / 2) * 2);
    const y1 = Math.min(height, Math.ceil((r.y + r.height) / 2) * 2);
    if (x1 > x0 && y1 > y0) boxes.push({ x0, y0, x1, y1 });
  }
  if (boxes.length === 0) return [];
  // A region of many small rectangles (text, a gradient) costs more to merge
  // pair by pair than its bounding box costs to capture.
  if (boxes.length > 64) boxes = [boxes.reduce(union)];
  boxes = merge(boxes, mergeSlackPx, maxBoxes);
  const total = boxes.reduce((sum, b) => sum + area(b), 0);
  if (total > fullShare * width * height) return full();
  let offset = 0;
  return boxes.map((b) => {
    const box = { x: b.x0, y: b.y0, width: b.x1 - b.x0, height: b.y1 - b.y0, offset };
    offset += box.width * box.height * 4;
    return box;
  });
}

/** Merges the pair that adds the fewest pixels while that is cheap or there are too many boxes. */
function merge(input: Box[], slack: number, maxBoxes: number): Box[] {
  const boxes = [...input];
  for (;;) {
    let best: { i: number; j: number; cost: number } | null = null;
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const cost = area(union(a, b)) - area(a) - area(b);
        if (best === null || cost < best.cost) best = { i, j, cost };
      }
    }
    if (best === null || (best.cost > slack && boxes.length <= maxBoxes)) return boxes;
    boxes[best.i] = union(boxes[best.i]!, boxes[best.j]!);
    boxes.splice(best.j, 1);
  }
}

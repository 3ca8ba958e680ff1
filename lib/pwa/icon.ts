/**
 * Skerry's app icon, drawn in code at any size: a pale rock standing out of
 * a dark sea, on a full-bleed background so that it also works as a
 * maskable icon (the motif stays inside the central 80 % safe zone).
 * Pure: returns RGBA pixels, anti-aliased by 4x4 supersampling.
 *
 * @module
 */

/** Background (and the manifest's theme colour). */
export const ICON_BACKGROUND = "#0d2b45";

type Rgb = readonly [number, number, number];

const SKY: Rgb = [0x0d, 0x2b, 0x45];
const ROCK: Rgb = [0xd8, 0xdf, 0xe3];
const SEA: Rgb = [0x2a, 0x7a, 0xb8];

/** Which colour the point (u, v) in [0, 1)² falls on; v grows downwards. */
export function iconColor(u: number, v: number): Rgb {
  // The sea: a gentle wave around 64 % of the height.
  const waterline = 0.64 + 0.025 * Math.sin(u * Math.PI * 6);
  if (v >= waterline) return SEA;
  // The rock: the top of an ellipse centred on the waterline, inside the safe zone.
  const dx = (u - 0.5) / 0.3;
  const dy = (v - 0.64) / 0.36;
  if (dx * dx + dy * dy <= 1) return ROCK;
  return SKY;
}

/** The icon as `size * size * 4` RGBA bytes, rows top to bottom. */
export function renderIcon(size: number): Uint8Array {
  if (!Number.isInteger(size) || size < 1 || size > 4096) {
    throw new RangeError(`Cannot draw icon: size must be an integer 1-4096, received ${size}`);
  }
  const out = new Uint8Array(size * size * 4);
  const n = 4; // samples per axis
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = iconColor((x + (sx + 0.5) / n) / size, (y + (sy + 0.5) / n) / size);
          r += c[0];
          g += c[1];
          b += c[2];
        }
      }
      const at = (y * size + x) * 4;
      out[at] = Math.round(r / (n * n));
      out[at + 1] = Math.round(g / (n * n));
      out[at + 2] = Math.round(b / (n * n));
      out[at + 3] = 255;
    }
  }
  return out;
}

/**
 * An X client that paints the wall-clock time, in milliseconds, as a row of
 * large black and white blocks (and the same bits inverted in a second row,
 * so a half-updated capture is detected and skipped). The page under test
 * reads the blocks back from each presented video frame: the difference to
 * its own clock is the glass-to-glass latency.
 *
 * With `--motion`, a full-screen window behind the code scrolls coloured
 * stripes sixty times a second (the whole screen changes every frame). With
 * `--window`, a 256x256 box moves across the still screen sixty times a
 * second (a window drag). With `--still`, the code is painted once and
 * nothing changes afterwards (the idle scene).
 *
 * Run: `deno run --allow-ffi --allow-env bench/clock_painter.ts --display :N
 * [--motion | --window | --still | --on-key] [--interval-ms N | --interval-ms MIN-MAX]`
 * (a range: each repaint after a random pause in it, like typing with pauses;
 * `--on-key`: a repaint each time a key goes down on the X server, polled
 * every millisecond, as an editor answers a keystroke).
 * Prints `ready` on stdout once the window is mapped.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { openX11, rootSize } from "../ffi/x11.ts";
import { keysDown, x11Client } from "../test/fixtures/x11_client.ts";

/** Bits of the time code: milliseconds modulo 2^20 (17 minutes). */
export const CODE_BITS = 20;
/** Side of one block, in pixels: large enough to survive chroma subsampling and scaling. */
export const CELL = 24;
/** Where the code is painted. */
export const ORIGIN = { x: 16, y: 16 };

/** Stripe width, in pixels, of the motion scene. */
const STRIPE = 40;
/** Side of the moving box of the window scene, in pixels. */
const BOX = 256;

/** The time code for `ms` (epoch milliseconds). */
function timeCode(ms: number): number {
  return Math.floor(ms) % (1 << CODE_BITS);
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      display: { type: "string" },
      "interval-ms": { type: "string", default: "1" },
      motion: { type: "boolean", default: false },
      window: { type: "boolean", default: false },
      still: { type: "boolean", default: false },
      "on-key": { type: "boolean", default: false },
    },
  });
  const name = values.display ?? Deno.env.get("DISPLAY") ?? ":0";
  const display = openX11(name);
  const x = x11Client();
  const dpy = display.pointer;
  const screen = x.XDefaultScreen(dpy);
  const black = x.XBlackPixel(dpy, screen);
  const white = x.XWhitePixel(dpy, screen);
  if (values.motion) paintMotion(display, x);
  if (values.window) paintWindow(display, x);
  const width = CODE_BITS * CELL + 2 * ORIGIN.x;
  const height = 2 * CELL + 2 * ORIGIN.y;
  const win = x.XCreateSimpleWindow(
    dpy,
    display.root,
    0,
    0,
    width,
    height,
    0,
    black,
    black,
  );
  x.XMapRaised(dpy, win);
  const gc = x.XCreateGC(dpy, win, 0n, null);
  x.XSync(dpy, 0);
  // deno-lint-ignore no-console
  console.log("ready");

  const range = values["interval-ms"].split("-").map(Number);
  const low = range[0] ?? NaN;
  const high = range[1] ?? low;
  if (!(low > 0 && high >= low)) {
    throw new RangeError(`bad --interval-ms: ${values["interval-ms"]}`);
  }
  const paint = () => {
    const code = timeCode(Date.now());
    for (let bit = 0; bit < CODE_BITS; bit++) {
      const on = ((code >> (CODE_BITS - 1 - bit)) & 1) === 1;
      const left = ORIGIN.x + bit * CELL;
      x.XSetForeground(dpy, gc, on ? white : black);
      x.XFillRectangle(dpy, win, gc, left, ORIGIN.y, CELL, CELL);
      x.XSetForeground(dpy, gc, on ? black : white);
      x.XFillRectangle(dpy, win, gc, left, ORIGIN.y + CELL, CELL, CELL);
    }
    x.XFlush(dpy);
  };
  paint();
  if (values.still) {
    setInterval(() => {}, 60_000); // the process only stays alive (its window with it)
  } else if (values["on-key"]) {
    let wasDown = false;
    setInterval(() => {
      const down = keysDown(display).length > 0;
      if (down && !wasDown) paint();
      wasDown = down;
    }, 1);
  } else if (low === high) {
    setInterval(paint, low);
  } else {
    const again = () => setTimeout(() => (paint(), again()), low + Math.random() * (high - low));
    again();
  }
}

/** A full-screen window whose stripes move 8 pixels per frame, at 60 frames a second. */
function paintMotion(display: ReturnType<typeof openX11>, x: ReturnType<typeof x11Client>): void {
  const dpy = display.pointer;
  const { width, height } = rootSize(display);
  const win = x.XCreateSimpleWindow(dpy, display.root, 0, 0, width, height, 0, 0n, 0n);
  x.XMapRaised(dpy, win);
  const gc = x.XCreateGC(dpy, win, 0n, null);
  let frame = 0;
  setInterval(() => {
    frame++;
    for (let left = -STRIPE; left < width; left += STRIPE) {
      const n = Math.floor((left + frame * 8) / STRIPE);
      const c = (n * 0x2f) & 0xff;
      x.XSetForeground(dpy, gc, BigInt((c << 16) | ((255 - c) << 8) | ((c * 3) & 0xff)));
      const at = left + ((frame * 8) % STRIPE);
      x.XFillRectangle(dpy, win, gc, at, 0, STRIPE, height);
    }
    x.XFlush(dpy);
  }, 16);
}

/** A 256x256 box that moves 8 pixels per frame across a still screen, at 60 frames a second. */
function paintWindow(display: ReturnType<typeof openX11>, x: ReturnType<typeof x11Client>): void {
  const dpy = display.pointer;
  const { width, height } = rootSize(display);
  const win = x.XCreateSimpleWindow(dpy, display.root, 0, 0, width, height, 0, 0n, 0x808080n);
  x.XMapRaised(dpy, win);
  const gc = x.XCreateGC(dpy, win, 0n, null);
  const top = Math.max(0, Math.floor((height - BOX) / 2));
  const span = Math.max(1, width - BOX);
  let frame = 0;
  setInterval(() => {
    const old = (frame * 8) % span;
    frame++;
    const left = (frame * 8) % span;
    x.XSetForeground(dpy, gc, 0x808080n);
    x.XFillRectangle(dpy, win, gc, old, top, BOX, BOX);
    x.XSetForeground(dpy, gc, 0x3366ccn);
    x.XFillRectangle(dpy, win, gc, left, top, BOX, BOX);
    x.XFlush(dpy);
  }, 16);
}

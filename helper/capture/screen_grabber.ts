/**
 * The X side of the damage capture: one XCB connection to the display, the
 * damage tracking of its root window, a shared memory segment the X server
 * copies rectangles into, and the conversion of those rectangles into an
 * I420 frame. Each step that waits (an X round trip, a large conversion)
 * runs on a worker thread; the JS thread only issues requests.
 *
 * Without MIT-SHM (a remote display) rectangles come over the socket with
 * `GetImage`; without DAMAGE the caller captures the whole screen at the
 * frame rate, as `ximagesrc` does.
 *
 * @module
 */

import { bgrxToI420 } from "../../ffi/libyuv.ts";
import { readConfigureNotify, XCB_CONFIGURE_NOTIFY, XcbConnection } from "../../ffi/xcb.ts";
import { XcbCursorReader, type XcbCursorSample } from "../../ffi/xcb_cursor.ts";
import { DamageTracker } from "../../ffi/xdamage.ts";
import { type PixelRect, XShmSegment } from "../../ffi/xshm.ts";
import type { CaptureBox } from "./capture_boxes.ts";
import { type I420Layout, i420Layout } from "./i420_layout.ts";

/** What the X server told the grabber since the last look. */
export interface ScreenEvents {
  /** New damage was reported. */
  damaged: boolean;
  /** The root window's new size, when it changed. */
  resized: { width: number; height: number } | null;
}

/** How pixels are read: the capture's log line says which. */
export interface GrabberMode {
  /** "memfd" or "sysv" (MIT-SHM), or "getimage" (over the socket). */
  transfer: "shm" | "getimage";
  /** Whether the X server reports damage (else: the whole screen every frame). */
  damage: boolean;
}

/** One display's screen, read in damaged rectangles. */
export class ScreenGrabber {
  readonly #connection: XcbConnection;
  readonly #damage: DamageTracker | null;
  #shm: XShmSegment | null;
  readonly #useShm: boolean;
  /** Pixels for the `GetImage` path (no shared memory). */
  #scratch: Uint8Array<ArrayBuffer> | null = null;
  #layout: I420Layout;
  #cursor: XcbCursorReader | null = null;

  private constructor(
    connection: XcbConnection,
    parts: { damage: DamageTracker | null; shm: XShmSegment | null; layout: I420Layout },
  ) {
    this.#connection = connection;
    this.#damage = parts.damage;
    this.#shm = parts.shm;
    this.#useShm = parts.shm !== null;
    this.#layout = parts.layout;
  }

  /**
   * Opens `display` for capture. Throws a one-line `Error` when it cannot be
   * opened or its pixels are not 32-bit BGRx (depth 24 or 32).
   */
  static async open(display: string): Promise<ScreenGrabber> {
    const connection = XcbConnection.open(display);
    try {
      if (connection.depth !== 24 && connection.depth !== 32) {
        throw new Error(
          `Cannot capture X display "${display}" with damage: depth ${connection.depth} (24 or 32 needed; try --capture=ximagesrc)`,
        );
      }
      const { width, height } = await connection.rootSize();
      await connection.watchRootSize();
      const damage = await DamageTracker.start(connection);
      const shm = await XShmSegment.attach(connection, width * height * 4);
      return new ScreenGrabber(connection, { damage, shm, layout: i420Layout(width, height) });
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  /** How this grabber reads the screen. */
  get mode(): GrabberMode {
    return { transfer: this.#useShm ? "shm" : "getimage", damage: this.#damage !== null };
  }

  /** The frame layout for the current screen size. */
  get layout(): I420Layout {
    return this.#layout;
  }

  /** The X connection's socket, to wait on. */
  get fd(): number {
    return this.#connection.fd;
  }

  /** Whether the X connection still works. */
  get alive(): boolean {
    return this.#connection.alive;
  }

  /** Reads every event already received, without blocking. */
  events(): ScreenEvents {
    const seen: ScreenEvents = { damaged: false, resized: null };
    for (let event = this.#connection.pollEvent(); event; event = this.#connection.pollEvent()) {
      if (this.#damage?.isDamage(event)) seen.damaged = true;
      else if (event.code === XCB_CONFIGURE_NOTIFY) {
        const c = readConfigureNotify(event);
        if (
          c.window === this.#connection.root &&
          (c.width !== this.#layout.width || c.height !== this.#layout.height)
        ) {
          seen.resized = { width: c.width, height: c.height };
        }
      }
    }
    return seen;
  }

  /**
   * Takes (and clears) the damaged region; the whole screen when the server
   * has no DAMAGE.
   */
  async damaged(): Promise<PixelRect[]> {
    if (this.#damage === null) {
      return [{ x: 0, y: 0, width: this.#layout.width, height: this.#layout.height }];
    }
    return await this.#damage.take();
  }

  /** Follows a new screen size: a new segment and layout (the caller makes a new frame). */
  async resize(size: { width: number; height: number }): Promise<void> {
    this.#layout = i420Layout(size.width, size.height);
    this.#shm?.close();
    this.#shm = null;
    this.#scratch = null;
    if (this.#useShm) {
      this.#shm = await XShmSegment.attach(this.#connection, size.width * size.height * 4);
      if (this.#shm === null) throw new Error("Cannot attach shared memory after a resize");
    }
  }

  /** The root window's size now (one round trip). */
  rootSize(): Promise<{ width: number; height: number }> {
    return this.#connection.rootSize();
  }

  /**
   * The displayed cursor and the pointer's position (one round trip, off
   * the JS thread); its pixels only when its serial is not `knownSerial`.
   */
  async cursor(knownSerial: number | null): Promise<XcbCursorSample> {
    this.#cursor ??= await XcbCursorReader.open(this.#connection);
    return await this.#cursor.read(knownSerial);
  }

  /**
   * Reads `boxes` from the screen and converts them into the I420 frame
   * whose first byte is `frame` (laid out as {@linkcode layout}); `paint`
   * may draw over each box's BGRx bytes (rows `box.width * 4` apart) in
   * between.
   */
  async grab(
    boxes: readonly CaptureBox[],
    frame: Deno.PointerObject,
    paint?: (box: CaptureBox, bgrx: Uint8Array) => void,
  ): Promise<void> {
    if (this.#shm) {
      const shm = this.#shm;
      await shm.capture(boxes.map((box) => ({ rect: box, offset: box.offset })));
      for (const box of boxes) {
        paint?.(box, shm.bytes(box.offset, box.width * box.height * 4));
        await this.#convert(shm.data, box, frame);
      }
      return;
    }
    this.#scratch ??= new Uint8Array(this.#layout.width * this.#layout.height * 4);
    const scratch = Deno.UnsafePointer.of(this.#scratch)!;
    for (const box of boxes) {
      await this.#connection.getImage(box, scratch);
      paint?.(box, this.#scratch.subarray(0, box.width * box.height * 4));
      await this.#convert(scratch, { ...box, offset: 0 }, frame);
    }
  }

  async #convert(
    pixels: Deno.PointerObject,
    box: CaptureBox,
    frame: Deno.PointerObject,
  ): Promise<void> {
    const l = this.#layout;
    const at = (offset: number) => Deno.UnsafePointer.offset(frame, offset)!;
    const chroma = (box.y / 2) * l.strideUV + box.x / 2;
    await bgrxToI420(Deno.UnsafePointer.offset(pixels, box.offset)!, box.width * 4, {
      y: at(box.y * l.strideY + box.x),
      strideY: l.strideY,
      u: at(l.offsetU + chroma),
      v: at(l.offsetV + chroma),
      strideUV: l.strideUV,
    }, box);
  }

  /** Stops tracking and closes the connection (once). */
  close(): void {
    this.#damage?.close();
    this.#shm?.close();
    this.#shm = null;
    this.#connection.close();
  }
}

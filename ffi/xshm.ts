/**
 * MIT-SHM capture through libxcb-shm (libxcb-shm.so.0): one shared memory
 * segment the X server writes screen rectangles into, so a capture costs
 * one copy (inside the X server) and no bytes on the socket.
 *
 * The segment is a memfd passed to the server (MIT-SHM 1.2, works across
 * IPC namespaces and needs no SysV permissions), else a SysV segment made
 * private (0600) and marked for removal once both sides attached (so it
 * never outlives the helper). A server that accepts neither (a remote
 * display over TCP) gets {@linkcode XShmSegment.attach} null, and the capture
 * falls back to plain `GetImage`.
 *
 * @module
 */

import { openLibrary } from "./_dlopen.ts";
import { COOKIE, freeReply, takeXcbError, type XcbConnection, Z_PIXMAP } from "./xcb.ts";

const P = "pointer" as const;
const B = "buffer" as const;

const shmSymbols = {
  xcb_shm_query_version: { parameters: [P], result: COOKIE },
  xcb_shm_query_version_reply: { parameters: [P, COOKIE, B], result: P, nonblocking: true },
  /** (c, shmseg, fd, read_only): libxcb closes `fd` once sent. */
  xcb_shm_attach_fd_checked: { parameters: [P, "u32", "i32", "u8"], result: COOKIE },
  /** (c, shmseg, shmid, read_only) */
  xcb_shm_attach_checked: { parameters: [P, "u32", "u32", "u8"], result: COOKIE },
  xcb_shm_detach: { parameters: [P, "u32"], result: COOKIE },
  /** (c, drawable, x, y, width, height, plane_mask, format, shmseg, offset) */
  xcb_shm_get_image: {
    parameters: [P, "u32", "i16", "i16", "u16", "u16", "u32", "u8", "u32", "u32"],
    result: COOKIE,
  },
  xcb_shm_get_image_reply: { parameters: [P, COOKIE, B], result: P, nonblocking: true },
} as const;

const libcSymbols = {
  memfd_create: { parameters: [B, "u32"], result: "i32" },
  ftruncate: { parameters: ["i32", "i64"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  mmap: { parameters: [P, "usize", "i32", "i32", "i32", "i64"], result: P },
  munmap: { parameters: [P, "usize"], result: "i32" },
  shmget: { parameters: ["i32", "usize", "i32"], result: "i32" },
  shmat: { parameters: ["i32", P, "i32"], result: P },
  shmdt: { parameters: [P], result: "i32" },
  shmctl: { parameters: ["i32", "i32", P], result: "i32" },
} as const;

type Shm =
  & Deno.DynamicLibrary<typeof shmSymbols>["symbols"]
  & Deno.DynamicLibrary<typeof libcSymbols>["symbols"];

let loaded: Shm | undefined;

function shm(): Shm {
  return loaded ??= {
    ...openLibrary("libxcb-shm.so.0", shmSymbols),
    ...openLibrary("libc.so.6", libcSymbols),
  } as Shm;
}

const MFD_CLOEXEC = 1;
const PROT_READ_WRITE = 3;
const MAP_SHARED = 1;
const MAP_FAILED = 0xffffffffffffffffn;
const IPC_PRIVATE = 0;
const IPC_CREAT = 0o1000;
const IPC_RMID = 0;
/** Offsets in xcb_shm_query_version_reply_t. */
const VERSION_MAJOR = 8;
const VERSION_MINOR = 10;

/** A screen rectangle, in pixels. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A shared memory segment attached to one X connection. */
export class XShmSegment {
  /** Where the segment is mapped in this process. */
  readonly data: Deno.PointerObject;
  /** Its size, in bytes. */
  readonly size: number;
  readonly #connection: XcbConnection;
  readonly #segment: number;
  readonly #release: () => void;
  #closed = false;

  private constructor(
    connection: XcbConnection,
    parts: { data: Deno.PointerObject; size: number; segment: number; release: () => void },
  ) {
    this.#connection = connection;
    this.data = parts.data;
    this.size = parts.size;
    this.#segment = parts.segment;
    this.#release = parts.release;
  }

  /**
   * Makes a segment of `size` bytes and attaches it to `connection`; null
   * when the server has no MIT-SHM or cannot attach it (remote display).
   */
  static async attach(connection: XcbConnection, size: number): Promise<XShmSegment | null> {
    const lib = shm();
    const reply = await lib.xcb_shm_query_version_reply(
      connection.pointer,
      lib.xcb_shm_query_version(connection.pointer),
      null,
    );
    if (reply === null) return null;
    const view = new Deno.UnsafePointerView(reply);
    const version = view.getUint16(VERSION_MAJOR) * 100 + view.getUint16(VERSION_MINOR);
    freeReply(reply);
    if (version >= 102) {
      const segment = await attachMemfd(connection, size);
      if (segment) return new XShmSegment(connection, segment);
    }
    const segment = await attachSysV(connection, size);
    return segment ? new XShmSegment(connection, segment) : null;
  }

  /**
   * Asks the X server to copy each root-window rectangle into the segment at
   * its offset (packed rows of 4-byte pixels), all requests first and then
   * every reply, so the whole batch costs one round trip. Waits off the JS
   * thread. Throws on an X error (e.g. a rectangle outside the screen).
   */
  async capture(parts: readonly { rect: PixelRect; offset: number }[]): Promise<void> {
    const lib = shm();
    const c = this.#connection.pointer;
    const cookies = parts.map(({ rect, offset }) => {
      if (offset + rect.width * rect.height * 4 > this.size) {
        throw new RangeError(`Cannot capture: ${rect.width}x${rect.height} at ${offset} overflows`);
      }
      return lib.xcb_shm_get_image(
        c,
        this.#connection.root,
        rect.x,
        rect.y,
        rect.width,
        rect.height,
        0xffffffff,
        Z_PIXMAP,
        this.#segment,
        offset,
      );
    });
    const error = new BigUint64Array(1);
    let failure: string | null = null;
    for (const cookie of cookies) {
      // Every reply is collected, even after a failure, so none is left in xcb's queue.
      const reply = await lib.xcb_shm_get_image_reply(c, cookie, error);
      failure ??= takeXcbError(error) ?? (reply === null ? "no reply" : null);
      freeReply(reply);
    }
    if (failure !== null) throw new Error(`Cannot capture the screen: ${failure}`);
  }

  /** A view of `length` bytes of the segment from `offset` (valid until {@linkcode close}). */
  bytes(offset: number, length: number): Uint8Array {
    if (this.#closed || offset < 0 || offset + length > this.size) {
      throw new RangeError(`Cannot view ${length} bytes at ${offset} of the segment`);
    }
    return new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(this.data, length, offset));
  }

  /** Detaches and frees the segment (once). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#connection.alive) {
      shm().xcb_shm_detach(this.#connection.pointer, this.#segment);
      this.#connection.flush();
    }
    this.#release();
  }
}

interface Attached {
  data: Deno.PointerObject;
  size: number;
  segment: number;
  release: () => void;
}

async function attachMemfd(connection: XcbConnection, size: number): Promise<Attached | null> {
  const lib = shm();
  const fd = lib.memfd_create(new TextEncoder().encode("skerry-capture\0"), MFD_CLOEXEC);
  if (fd < 0) return null;
  if (lib.ftruncate(fd, BigInt(size)) !== 0) {
    lib.close(fd);
    return null;
  }
  const data = lib.mmap(null, BigInt(size), PROT_READ_WRITE, MAP_SHARED, fd, 0n);
  if (data === null || BigInt(Deno.UnsafePointer.value(data)) === MAP_FAILED) {
    lib.close(fd);
    return null;
  }
  const release = () => void lib.munmap(data, BigInt(size));
  const segment = connection.newId();
  // libxcb sends the descriptor and closes it; the mapping stays.
  const error = await connection.check(
    lib.xcb_shm_attach_fd_checked(connection.pointer, segment, fd, 0),
  );
  if (error !== null) {
    release();
    return null;
  }
  return { data, size, segment, release };
}

async function attachSysV(connection: XcbConnection, size: number): Promise<Attached | null> {
  const lib = shm();
  // 0600: only this user (and the X server, when it runs as root or as this user) can read it.
  const id = lib.shmget(IPC_PRIVATE, BigInt(size), IPC_CREAT | 0o600);
  if (id < 0) return null;
  const data = lib.shmat(id, null, 0);
  if (data === null || BigInt(Deno.UnsafePointer.value(data)) === MAP_FAILED) {
    lib.shmctl(id, IPC_RMID, null);
    return null;
  }
  const segment = connection.newId();
  const error = await connection.check(
    lib.xcb_shm_attach_checked(connection.pointer, segment, id, 0),
  );
  // Removed once both sides detach: the segment never outlives the helper.
  lib.shmctl(id, IPC_RMID, null);
  if (error !== null) {
    lib.shmdt(data);
    return null;
  }
  return { data, size, segment, release: () => void lib.shmdt(data) };
}

/**
 * Deno FFI bindings to the Xlib calls of the clipboard: atoms, a hidden
 * window that owns and requests selections, XConvertSelection, window
 * properties (read, write, delete: INCR transfers), SelectionNotify
 * replies, and the events of a connection decoded into plain objects.
 * Event offsets checked with offsetof() (x86_64, libX11 1.8, Debian 12).
 *
 * Synchronous on the JS thread like every Xlib call, except
 * {@linkcode waitForEvents}, which waits in libc `poll()` on a worker
 * thread without touching Xlib.
 *
 * @module
 */

import { openLibrary } from "./_dlopen.ts";
import type { X11Display } from "./x11.ts";
import { XFIXES_CURSOR_NOTIFY, XFIXES_SELECTION_NOTIFY } from "./xfixes.ts";

/** X event types. */
const PropertyNotify = 28;
const SelectionClear = 29;
const SelectionRequest = 30;
const SelectionNotify = 31;
/** `PropertyChangeMask`: PropertyNotify events of a window. */
const PROPERTY_CHANGE_MASK = 1n << 22n;
/** `PropModeReplace`, `PropModeAppend`. */
const PROP_MODE_REPLACE = 0;
/** `AnyPropertyType`, `None`, `CurrentTime`. */
export const AnyPropertyType = 0n;
export const None = 0n;
export const CurrentTime = 0n;
/** `PropertyDelete` state of a PropertyNotify. */
const PROPERTY_DELETE = 1;
/** Size of an XEvent, in bytes. */
const XEVENT_SIZE = 192;

const P = "pointer" as const;
const B = "buffer" as const;

const symbols = {
  XInternAtom: { parameters: [P, B, "i32"], result: "u64" },
  /** (display, atom) -> char* (XFree it) */
  XGetAtomName: { parameters: [P, "u64"], result: P },
  /** (display, parent, x, y, width, height, border_width, border, background) */
  XCreateSimpleWindow: {
    parameters: [P, "u64", "i32", "i32", "u32", "u32", "u32", "u64", "u64"],
    result: "u64",
  },
  XDestroyWindow: { parameters: [P, "u64"], result: "i32" },
  XSelectInput: { parameters: [P, "u64", "i64"], result: "i32" },
  XSetSelectionOwner: { parameters: [P, "u64", "u64", "u64"], result: "i32" },
  XGetSelectionOwner: { parameters: [P, "u64"], result: "u64" },
  /** (display, selection, target, property, requestor, time) */
  XConvertSelection: { parameters: [P, "u64", "u64", "u64", "u64", "u64"], result: "i32" },
  /** (display, w, property, offset, length, delete, req_type, &type, &format, &nitems, &after, &data) */
  XGetWindowProperty: {
    parameters: [P, "u64", "u64", "i64", "i64", "i32", "u64", B, B, B, B, B],
    result: "i32",
  },
  /** (display, w, property, type, format, mode, data, nelements) */
  XChangeProperty: { parameters: [P, "u64", "u64", "u64", "i32", "i32", B, "i32"], result: "i32" },
  XDeleteProperty: { parameters: [P, "u64", "u64"], result: "i32" },
  /** (display, w, propagate, event_mask, event) */
  XSendEvent: { parameters: [P, "u64", "i32", "i64", B], result: "i32" },
  XExtendedMaxRequestSize: { parameters: [P], result: "i64" },
  XMaxRequestSize: { parameters: [P], result: "i64" },
  XConnectionNumber: { parameters: [P], result: "i32" },
  XPending: { parameters: [P], result: "i32" },
  XNextEvent: { parameters: [P, B], result: "i32" },
  XFlush: { parameters: [P], result: "i32" },
  XFree: { parameters: [P], result: "i32" },
} as const;

const libcSymbols = {
  /** (fds, nfds, timeout ms): waits on a worker thread. */
  poll: { parameters: [B, "u64", "i32"], result: "i32", nonblocking: true },
  /** (int fds[2], flags) */
  pipe2: { parameters: [B, "i32"], result: "i32" },
  write: { parameters: ["i32", B, "u64"], result: "i64" },
  read: { parameters: ["i32", B, "u64"], result: "i64" },
  close: { parameters: ["i32"], result: "i32" },
} as const;

/** `O_NONBLOCK | O_CLOEXEC` (Linux). */
const PIPE_FLAGS = 0o4000 | 0o2000000;

let lib: Deno.DynamicLibrary<typeof symbols>["symbols"] | undefined;
let libc: Deno.DynamicLibrary<typeof libcSymbols>["symbols"] | undefined;

function x() {
  return lib ??= openLibrary("libX11.so.6", symbols);
}

/** The atom named `name` (created if needed; one round trip). */
export function internAtom(display: X11Display, name: string): bigint {
  return x().XInternAtom(display.pointer, new TextEncoder().encode(name + "\0"), 0);
}

/** The name of `atom` (one round trip); "" for None or an unknown atom. */
export function atomName(display: X11Display, atom: bigint): string {
  if (atom === None) return "";
  const name = x().XGetAtomName(display.pointer, atom);
  if (name === null) return "";
  try {
    return Deno.UnsafePointerView.getCString(name);
  } finally {
    x().XFree(name);
  }
}

/**
 * A 1x1 window that is never mapped: it owns selections, receives
 * SelectionNotify and PropertyNotify, and holds the properties of transfers.
 */
export function createHiddenWindow(display: X11Display): bigint {
  const window = x().XCreateSimpleWindow(display.pointer, display.root, -10, -10, 1, 1, 0, 0n, 0n);
  x().XSelectInput(display.pointer, window, PROPERTY_CHANGE_MASK);
  return window;
}

/** Destroys a window made by {@linkcode createHiddenWindow}. */
export function destroyWindow(display: X11Display, window: bigint): void {
  if (display.alive()) x().XDestroyWindow(display.pointer, window);
}

/** Asks for PropertyNotify events of another client's window (an INCR requestor). */
export function watchProperties(display: X11Display, window: bigint): void {
  x().XSelectInput(display.pointer, window, PROPERTY_CHANGE_MASK);
}

/** Makes `window` the owner of `selection` (None: no owner). */
export function setSelectionOwner(display: X11Display, selection: bigint, window: bigint): void {
  x().XSetSelectionOwner(display.pointer, selection, window, CurrentTime);
}

/** The window owning `selection`, or {@linkcode None}. */
export function selectionOwner(display: X11Display, selection: bigint): bigint {
  return x().XGetSelectionOwner(display.pointer, selection);
}

/** Asks the owner of `selection` for `target`, into `property` of `requestor`. */
export function convertSelection(
  display: X11Display,
  request: { selection: bigint; target: bigint; property: bigint; requestor: bigint },
): void {
  x().XConvertSelection(
    display.pointer,
    request.selection,
    request.target,
    request.property,
    request.requestor,
    CurrentTime,
  );
}

/** A window property: its type atom, format (8, 16 or 32) and bytes. */
export interface WindowProperty {
  type: bigint;
  format: number;
  /** The data; format-32 items are returned as 32-bit values (4 bytes each). */
  bytes: Uint8Array;
}

/**
 * Reads the whole of `property` on `window` (deleting it after with
 * `remove`), or null when it does not exist. Format-32 data is returned as
 * 4-byte items, whatever Xlib's `long` is.
 */
export function readProperty(
  display: X11Display,
  window: bigint,
  property: bigint,
  options: { remove?: boolean } = {},
): WindowProperty | null {
  const type = new BigUint64Array(1);
  const format = new Int32Array(1);
  const items = new BigUint64Array(1);
  const after = new BigUint64Array(1);
  const data = new BigUint64Array(1);
  // Length in 32-bit units: all of it (a 64 MiB property is 16 Mi units).
  const status = x().XGetWindowProperty(
    display.pointer,
    window,
    property,
    0n,
    1n << 24n,
    options.remove ? 1 : 0,
    AnyPropertyType,
    type,
    format,
    items,
    after,
    data,
  );
  const pointer = Deno.UnsafePointer.create(data[0]!);
  try {
    if (status !== 0 || type[0] === None) return null;
    const count = Number(items[0]!);
    const f = format[0]!;
    // Xlib returns format-32 items as C longs (8 bytes here), format 16 as shorts.
    const size = f === 32 ? 8 : f === 16 ? 2 : 1;
    const raw = pointer === null || count === 0
      ? new Uint8Array(0)
      : new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(pointer, count * size).slice(0));
    let bytes = raw;
    if (f === 32) {
      const longs = new BigUint64Array(raw.buffer);
      const out = new Uint32Array(count);
      for (let i = 0; i < count; i++) out[i] = Number(longs[i]! & 0xffffffffn);
      bytes = new Uint8Array(out.buffer);
    }
    return { type: type[0]!, format: f, bytes };
  } finally {
    if (pointer !== null) x().XFree(pointer);
  }
}

/**
 * Replaces `property` on `window`. Format 8 takes bytes; format 32 takes
 * 32-bit values (atoms, an INCR size), passed to Xlib as C longs.
 */
export function writeProperty(
  display: X11Display,
  window: bigint,
  property: { name: bigint; type: bigint },
  data: { format: 8; bytes: Uint8Array } | { format: 32; values: readonly bigint[] },
): void {
  const buffer = data.format === 8
    ? new Uint8Array(data.bytes)
    : new Uint8Array(BigUint64Array.from(data.values).buffer);
  const count = data.format === 8 ? data.bytes.length : data.values.length;
  x().XChangeProperty(
    display.pointer,
    window,
    property.name,
    property.type,
    data.format,
    PROP_MODE_REPLACE,
    buffer,
    count,
  );
}

/** Deletes `property` on `window`. */
export function deleteProperty(display: X11Display, window: bigint, property: bigint): void {
  x().XDeleteProperty(display.pointer, window, property);
}

/**
 * Answers a SelectionRequest: a SelectionNotify to the requestor naming the
 * property that holds the data, or {@linkcode None} to refuse.
 */
export function sendSelectionNotify(
  display: X11Display,
  request: { requestor: bigint; selection: bigint; target: bigint; time: bigint },
  property: bigint,
): void {
  const event = new Uint8Array(XEVENT_SIZE);
  const view = new DataView(event.buffer);
  view.setInt32(0, SelectionNotify, true);
  view.setInt32(16, 1, true); // send_event
  view.setBigUint64(32, request.requestor, true);
  view.setBigUint64(40, request.selection, true);
  view.setBigUint64(48, request.target, true);
  view.setBigUint64(56, property, true);
  view.setBigUint64(64, request.time, true);
  // The XEvent union is 192 bytes; the XSelectionEvent in it is the first 72.
  x().XSendEvent(display.pointer, request.requestor, 0, 0n, event);
}

/**
 * The largest property a single request can write, in bytes: Xlib's
 * extended (BIG-REQUESTS) or plain maximum request size, less the
 * ChangeProperty header.
 */
export function maxPropertyBytes(display: X11Display): number {
  const extended = Number(x().XExtendedMaxRequestSize(display.pointer));
  const units = extended > 0 ? extended : Number(x().XMaxRequestSize(display.pointer));
  return units * 4 - 64;
}

/** Sends queued requests now. */
export function flushDisplay(display: X11Display): void {
  if (display.alive()) x().XFlush(display.pointer);
}

/** An event the clipboard and cursor code cares about; anything else is `other`. */
export type SelectionEvent =
  | { kind: "owner-changed"; owner: bigint; selection: bigint; time: bigint }
  | { kind: "cursor-changed"; serial: number }
  | {
    kind: "selection-notify";
    requestor: bigint;
    selection: bigint;
    target: bigint;
    property: bigint;
  }
  | {
    kind: "selection-request";
    owner: bigint;
    requestor: bigint;
    selection: bigint;
    target: bigint;
    property: bigint;
    time: bigint;
  }
  | { kind: "selection-clear"; window: bigint; selection: bigint }
  | { kind: "property"; window: bigint; atom: bigint; deleted: boolean }
  | { kind: "other"; type: number };

const eventBuffer = new Uint8Array(XEVENT_SIZE);
const ev = new DataView(eventBuffer.buffer);

/** Reads every queued event without blocking; `xfixesBase` decodes the XFixes ones. */
export function readEvents(display: X11Display, xfixesBase: number): SelectionEvent[] {
  const events: SelectionEvent[] = [];
  const u64 = (offset: number) => ev.getBigUint64(offset, true);
  while (display.alive() && x().XPending(display.pointer) > 0) {
    x().XNextEvent(display.pointer, eventBuffer);
    const type = ev.getInt32(0, true);
    if (type === xfixesBase + XFIXES_SELECTION_NOTIFY) {
      events.push({ kind: "owner-changed", owner: u64(48), selection: u64(56), time: u64(64) });
    } else if (type === xfixesBase + XFIXES_CURSOR_NOTIFY) {
      events.push({ kind: "cursor-changed", serial: Number(u64(48)) });
    } else if (type === SelectionNotify) {
      events.push({
        kind: "selection-notify",
        requestor: u64(32),
        selection: u64(40),
        target: u64(48),
        property: u64(56),
      });
    } else if (type === SelectionRequest) {
      events.push({
        kind: "selection-request",
        owner: u64(32),
        requestor: u64(40),
        selection: u64(48),
        target: u64(56),
        property: u64(64),
        time: u64(72),
      });
    } else if (type === SelectionClear) {
      events.push({ kind: "selection-clear", window: u64(32), selection: u64(40) });
    } else if (type === PropertyNotify) {
      events.push({
        kind: "property",
        window: u64(32),
        atom: u64(40),
        deleted: ev.getInt32(56, true) === PROPERTY_DELETE,
      });
    } else events.push({ kind: "other", type });
  }
  return events;
}

/** A pipe that ends a {@linkcode waitForEvents} early (a stop, or requests made outside the loop). */
export interface WakePipe {
  /** Makes the current or next wait return at once. */
  wake(): void;
  /** Closes both ends. */
  close(): void;
  /** The read end, for `poll()`. */
  readonly fd: number;
}

/** A non-blocking pipe for {@linkcode waitForEvents}. */
export function wakePipe(): WakePipe {
  libc ??= openLibrary("libc.so.6", libcSymbols);
  const c = libc;
  const fds = new Int32Array(2);
  if (c.pipe2(fds, PIPE_FLAGS) !== 0) throw new Error("Cannot create a pipe for the X event loop");
  const [readFd, writeFd] = [fds[0]!, fds[1]!];
  let closed = false;
  return {
    fd: readFd,
    wake: () => {
      if (!closed) c.write(writeFd, Uint8Array.of(1), 1n);
    },
    close: () => {
      if (closed) return;
      closed = true;
      c.close(readFd);
      c.close(writeFd);
    },
  };
}

/**
 * Resolves when the connection's socket has data to read or `pipe` was
 * woken. Waits in `poll()` on one worker thread, with no time limit, so an
 * idle server keeps a single thread busy and wakes only for events: Xlib is
 * not touched, and the JS thread may use the connection meanwhile. Call
 * {@linkcode readEvents} first (Xlib may hold events it already read), and
 * wake the pipe after a round trip made outside the loop.
 */
export async function waitForEvents(display: X11Display, pipe: WakePipe): Promise<void> {
  if (!display.alive()) return;
  libc ??= openLibrary("libc.so.6", libcSymbols);
  const fd = x().XConnectionNumber(display.pointer);
  // Two struct pollfd { int fd; short events; short revents; }, POLLIN = 1.
  const fds = new Uint8Array(16);
  const view = new DataView(fds.buffer);
  view.setInt32(0, fd, true);
  view.setInt16(4, 1, true);
  view.setInt32(8, pipe.fd, true);
  view.setInt16(12, 1, true);
  await libc.poll(fds, 2n, -1);
  // Empty the pipe (non-blocking): one wake-up covers every write before it.
  const sink = new Uint8Array(64);
  while (libc.read(pipe.fd, sink, 64n) > 0) { /* drain */ }
}

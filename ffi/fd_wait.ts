/**
 * Waiting for a file descriptor (an X connection's socket) off the JS
 * thread: `poll()` as a `nonblocking` call on a worker thread, with an
 * eventfd beside it so other JS code can end the wait at once (a keyframe
 * request, a stop).
 *
 * @module
 */

import { openLibrary } from "./_dlopen.ts";

const B = "buffer" as const;

const symbols = {
  /** poll(fds, nfds, timeout ms), on a worker thread. */
  poll: { parameters: [B, "u64", "i32"], result: "i32", nonblocking: true },
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
  read: { parameters: ["i32", B, "usize"], result: "isize" },
  write: { parameters: ["i32", B, "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
} as const;

type Libc = Deno.DynamicLibrary<typeof symbols>["symbols"];

let loaded: Libc | undefined;

function libc(): Libc {
  return loaded ??= openLibrary("libc.so.6", symbols);
}

const POLLIN = 1;
/** `sizeof(struct pollfd)`: fd (4), events (2), revents (2). */
const POLLFD_SIZE = 8;
const EFD_NONBLOCK = 0o4000;
const EFD_CLOEXEC = 0o2000000;

/** A descriptor to wait on together with a wake-up any JS code can trigger. */
export class FdWaiter {
  readonly #fd: number;
  readonly #wake: number;
  readonly #fds = new Uint8Array(2 * POLLFD_SIZE);
  readonly #one = new BigUint64Array([1n]);
  readonly #drain = new BigUint64Array(1);
  #closed = false;

  /** Waits on `fd` (owned by the caller). Throws when the system gives no eventfd. */
  constructor(fd: number) {
    this.#fd = fd;
    this.#wake = libc().eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (this.#wake < 0) throw new Error("Cannot create an eventfd");
    const view = new DataView(this.#fds.buffer);
    view.setInt32(0, fd, true);
    view.setInt16(4, POLLIN, true);
    view.setInt32(POLLFD_SIZE, this.#wake, true);
    view.setInt16(POLLFD_SIZE + 4, POLLIN, true);
  }

  /**
   * Resolves once `fd` is readable, {@linkcode wake} was called, or
   * `timeoutMs` passed (`Infinity`: no timeout). Never blocks the JS thread.
   */
  async wait(timeoutMs: number): Promise<void> {
    if (this.#closed) return;
    const view = new DataView(this.#fds.buffer);
    view.setInt16(6, 0, true);
    view.setInt16(POLLFD_SIZE + 6, 0, true);
    const timeout = Number.isFinite(timeoutMs) ? Math.max(0, Math.ceil(timeoutMs)) : -1;
    await libc().poll(this.#fds, 2n, timeout);
    if (view.getInt16(POLLFD_SIZE + 6, true) !== 0) {
      libc().read(this.#wake, new Uint8Array(this.#drain.buffer), 8n);
    }
  }

  /** Ends the current (or next) {@linkcode wait} now. */
  wake(): void {
    if (!this.#closed) libc().write(this.#wake, new Uint8Array(this.#one.buffer), 8n);
  }

  /** Frees the eventfd; call it once no wait is under way. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    libc().close(this.#wake);
  }
}

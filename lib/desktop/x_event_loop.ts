/**
 * One X connection for the desktop features (clipboard and cursor), with
 * its events read as they arrive: the loop waits in `poll()` on the
 * connection's socket (off the JS thread) and hands every event to the
 * handlers. Event-driven, not polling the clipboard or the cursor.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { openX11, type X11Display } from "../../ffi/x11.ts";
import {
  readEvents,
  type SelectionEvent,
  waitForEvents,
  type WakePipe,
  wakePipe,
} from "../../ffi/x11_selection.ts";
import { xfixesEventBase } from "../../ffi/xfixes.ts";

const log = getLogger(["skerry", "desktop"]);

/** A desktop X connection and its event loop. */
export class XEventLoop {
  /** The connection (clipboard and cursor calls use it between events). */
  readonly display: X11Display;
  /** XFixes' event base on this connection. */
  readonly xfixesBase: number;
  readonly #handlers: ((event: SelectionEvent) => void)[] = [];
  readonly #pipe: WakePipe = wakePipe();
  #running: Promise<void> | undefined;
  #closed = false;

  private constructor(display: X11Display, xfixesBase: number) {
    this.display = display;
    this.xfixesBase = xfixesBase;
  }

  /** Opens `name` (with the embedded display's cookie, if any); throws a one-line error. */
  static open(name: string, options: { cookie?: Uint8Array } = {}): XEventLoop {
    const display = openX11(name, options.cookie ? { cookie: options.cookie } : {});
    try {
      return new XEventLoop(display, xfixesEventBase(display));
    } catch (error) {
      display.close();
      throw error;
    }
  }

  /** Calls `handler` with every event from now on. */
  on(handler: (event: SelectionEvent) => void): void {
    this.#handlers.push(handler);
  }

  /** Starts reading events. */
  start(): void {
    this.#running ??= this.#loop();
  }

  /**
   * Makes the loop read the connection now: call after requests made
   * outside an event handler that may have read events into Xlib's queue.
   */
  wake(): void {
    this.#pipe.wake();
  }

  /** Stops the loop and closes the connection. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#pipe.wake();
    await this.#running;
    this.#pipe.close();
    this.display.close();
  }

  async #loop(): Promise<void> {
    while (!this.#closed && this.display.alive()) {
      // Handlers make round trips, which may read more events into Xlib's
      // queue (no longer on the socket): read until none is left, then wait.
      let events = readEvents(this.display, this.xfixesBase);
      while (events.length > 0 && !this.#closed) {
        for (const event of events) this.#handle(event);
        events = readEvents(this.display, this.xfixesBase);
      }
      // readEvents' XPending has flushed what the handlers wrote.
      await waitForEvents(this.display, this.#pipe);
    }
    if (!this.#closed) log.warn("The desktop X connection closed: no clipboard or cursor updates");
  }

  #handle(event: SelectionEvent): void {
    for (const handler of this.#handlers) {
      try {
        handler(event);
      } catch (error) {
        log.error("Desktop X event {kind} failed: {error}", {
          kind: event.kind,
          error: (error as Error).message,
        });
      }
    }
  }
}

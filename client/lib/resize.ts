/**
 * Reports the page's size and pixel ratio to the server, which sizes the
 * remote screen to it (resize on). The first report goes at once; while the
 * window is being dragged reports go at most every 150 ms (the server waits
 * until the window is still before it resizes, and signalling is rate
 * limited). Pure timing logic in {@linkcode SizeReporter}; the DOM part in
 * {@linkcode watchWindowSize}.
 *
 * @module
 */

import type { DesktopClientMessage } from "../../lib/protocol/desktop.ts";

/** Shortest time between two size reports while the window changes, in ms. */
export const REPORT_INTERVAL_MS = 150;

/** A size in CSS pixels and the device pixel ratio. */
export interface PageSize {
  width: number;
  height: number;
  dpr: number;
}

/** Sends a size at once, then at most one per {@linkcode REPORT_INTERVAL_MS}, the newest last. */
export class SizeReporter {
  readonly #send: (message: DesktopClientMessage) => void;
  #last = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #pending: PageSize | undefined;
  #sent: PageSize | undefined;

  constructor(send: (message: DesktopClientMessage) => void) {
    this.#send = send;
  }

  /** The page is now `size`; `force` sends it even when unchanged (a new connection). */
  report(size: PageSize, options: { force?: boolean } = {}): void {
    const rounded = {
      width: Math.max(1, Math.round(size.width)),
      height: Math.max(1, Math.round(size.height)),
      dpr: size.dpr,
    };
    if (!options.force && same(rounded, this.#pending ?? this.#sent)) return;
    this.#pending = rounded;
    const wait = this.#last + REPORT_INTERVAL_MS - Date.now();
    if (options.force || wait <= 0) return this.#flush();
    this.#timer ??= setTimeout(() => this.#flush(), wait);
  }

  /** Stops any report still waiting. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = undefined;
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const size = this.#pending;
    this.#pending = undefined;
    if (!size) return;
    this.#last = Date.now();
    this.#sent = size;
    this.#send({ type: "resize", ...size });
  }
}

function same(a: PageSize, b: PageSize | undefined): boolean {
  return b !== undefined && a.width === b.width && a.height === b.height && a.dpr === b.dpr;
}

/**
 * Watches `element`'s size (ResizeObserver) and the pixel ratio (zoom,
 * moving to another monitor), reporting through `reporter`. Returns the
 * function that stops watching and `now()`, which reports the current size
 * at once (after the server says resize is on).
 */
export function watchWindowSize(
  element: HTMLElement,
  reporter: SizeReporter,
): { now(): void; stop(): void } {
  const win = element.ownerDocument.defaultView ?? globalThis as unknown as Window;
  const measure = (): PageSize => {
    const rect = element.getBoundingClientRect();
    return { width: rect.width, height: rect.height, dpr: win.devicePixelRatio || 1 };
  };
  const observer = new ResizeObserver(() => reporter.report(measure()));
  observer.observe(element);
  let media: MediaQueryList | undefined;
  const onRatio = () => {
    reporter.report(measure());
    watchRatio();
  };
  // A media query on the current ratio fires once when the ratio changes.
  const watchRatio = () => {
    media?.removeEventListener("change", onRatio);
    media = win.matchMedia?.(`(resolution: ${win.devicePixelRatio || 1}dppx)`);
    media?.addEventListener("change", onRatio);
  };
  watchRatio();
  return {
    now: () => reporter.report(measure(), { force: true }),
    stop: () => {
      observer.disconnect();
      media?.removeEventListener("change", onRatio);
      reporter.stop();
    },
  };
}

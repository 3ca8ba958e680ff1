/**
 * Which screen size a browser window asks for, and when it is applied: the
 * pure part of "the X screen follows the browser window". No X call here:
 * {@linkcode ResizePolicy} calls its `apply` function, which does the I/O.
 *
 * @module
 */

/** A screen size in pixels. */
export interface ScreenSize {
  readonly width: number;
  readonly height: number;
}

/** A browser window: its size in CSS pixels and its `devicePixelRatio`. */
export interface WindowSize {
  readonly width: number;
  readonly height: number;
  readonly dpr: number;
}

/** How a window size becomes a screen size. */
export interface ScreenRules {
  /** Size the screen in device pixels (CSS size x dpr). */
  hidpi: boolean;
  /** Largest screen: `width` is the longer side, `height` the shorter, in either orientation. */
  max: ScreenSize;
}

/** Smallest screen side resize makes, in pixels: below this no desktop is usable. */
export const MIN_SCREEN_SIDE = 240;
/** The DPI X clients assume at a device pixel ratio of 1. */
export const BASE_DPI = 96;

/**
 * The screen size for `window`: CSS pixels (times the pixel ratio with
 * `hidpi`), scaled down to fit `max` keeping the aspect ratio, rounded down
 * to even numbers (4:2:0 video needs even sides) and at least
 * {@linkcode MIN_SCREEN_SIDE}.
 */
export function screenSizeFor(window: WindowSize, rules: ScreenRules): ScreenSize {
  const ratio = rules.hidpi ? window.dpr : 1;
  let width = Math.round(window.width * ratio);
  let height = Math.round(window.height * ratio);
  const longMax = Math.max(rules.max.width, rules.max.height);
  const shortMax = Math.min(rules.max.width, rules.max.height);
  const scale = Math.min(
    1,
    longMax / Math.max(width, height),
    shortMax / Math.min(width, height),
  );
  width = Math.floor(width * scale);
  height = Math.floor(height * scale);
  const even = (n: number) => Math.max(MIN_SCREEN_SIDE, n - (n % 2));
  return { width: even(width), height: even(height) };
}

/** The X DPI for `window`: 96 times the pixel ratio with `hidpi` (so apps scale), else 96. */
export function dpiFor(window: WindowSize, hidpi: boolean): number {
  return hidpi ? Math.round(BASE_DPI * window.dpr) : BASE_DPI;
}

/** What {@linkcode ResizePolicy} applies: a screen size and the DPI that goes with it. */
export interface ScreenChange extends ScreenSize {
  readonly dpi: number;
}

/** Options of {@linkcode ResizePolicy}. */
export interface ResizePolicyOptions {
  rules: ScreenRules;
  /** Changes the screen; resolves when done. Never called twice at once. */
  apply(change: ScreenChange): Promise<void>;
  /**
   * Wait after a window's last change before applying it, in ms. Default
   * 400: a window drag sends a change per frame; the screen changes once,
   * after the drag, not sixty times a second (each change restarts the
   * encoder and repaints every window).
   */
  debounceMs?: number;
  /**
   * Which viewer's window the screen follows, from the viewers in the order
   * they joined. Default: the first. (A hook for roles: the controlling viewer.)
   */
  driver?: (viewers: readonly string[]) => string | undefined;
  /** Called when `apply` fails; the policy goes on. Default: nothing. */
  onError?(error: unknown, change: ScreenChange): void;
}

/**
 * Makes the screen follow one viewer's window. A viewer's first size (at
 * connect) is applied at once; later changes wait until the window has
 * been still for `debounceMs`. Changes are applied one at a time, the
 * newest wins, and a size equal to the current one is skipped.
 */
export class ResizePolicy {
  readonly #options: ResizePolicyOptions;
  /** Viewers in the order they joined, with their latest window. */
  readonly #windows = new Map<string, WindowSize | undefined>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #current: ScreenChange | undefined;
  #wanted: ScreenChange | undefined;
  #busy = false;
  #closed = false;
  /** Changes applied so far (for tests and logs). */
  applied = 0;

  constructor(options: ResizePolicyOptions) {
    this.#options = options;
  }

  /** The screen as last applied (undefined before the first change). */
  get current(): ScreenChange | undefined {
    return this.#current;
  }

  /** The viewer whose window the screen follows now. */
  get driver(): string | undefined {
    const pick = this.#options.driver ?? ((ids) => ids[0]);
    return pick([...this.#windows.keys()]);
  }

  /** A viewer joined (its window comes with {@linkcode request}). */
  join(id: string): void {
    if (!this.#windows.has(id)) this.#windows.set(id, undefined);
  }

  /** A viewer left: if it drove the screen, the next driver's window applies at once. */
  leave(id: string): void {
    const was = this.driver;
    this.#windows.delete(id);
    if (was === id) this.#driverChanged();
  }

  /** The driver may have changed (roles): its window applies at once. */
  driverChanged(): void {
    this.#driverChanged();
  }

  /** Viewer `id`'s window is now `window`. */
  request(id: string, window: WindowSize): void {
    if (this.#closed || !this.#windows.has(id)) return;
    const first = this.#windows.get(id) === undefined;
    this.#windows.set(id, window);
    if (this.driver !== id) return;
    this.#schedule(window, first ? 0 : this.#options.debounceMs ?? 400);
  }

  /** Stops: no change is applied after this. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  #driverChanged(): void {
    const driver = this.driver;
    const window = driver === undefined ? undefined : this.#windows.get(driver);
    if (window) this.#schedule(window, 0);
  }

  #schedule(window: WindowSize, delayMs: number): void {
    clearTimeout(this.#timer);
    const { rules } = this.#options;
    const change = { ...screenSizeFor(window, rules), dpi: dpiFor(window, rules.hidpi) };
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#wanted = change;
      void this.#run();
    }, delayMs);
  }

  async #run(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      while (this.#wanted && !this.#closed) {
        const change = this.#wanted;
        this.#wanted = undefined;
        if (same(change, this.#current)) continue;
        try {
          await this.#options.apply(change);
          this.#current = change;
          this.applied++;
        } catch (error) {
          this.#options.onError?.(error, change);
        }
      }
    } finally {
      this.#busy = false;
    }
  }
}

function same(a: ScreenChange, b: ScreenChange | undefined): boolean {
  return b !== undefined && a.width === b.width && a.height === b.height && a.dpi === b.dpi;
}

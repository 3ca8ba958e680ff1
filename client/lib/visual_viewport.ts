/**
 * Keeps the desktop above a phone's on-screen keyboard. When the keyboard
 * opens, the visual viewport (what is visible) shrinks while the layout
 * viewport may not (iOS Safari, and Chromium unless the page asks for
 * `interactive-widget=resizes-content`, which client/index.html does): a
 * full-window stage would then run under the keyboard, hiding the caret's
 * area. {@linkcode watchVisualViewport} sizes the stage to the visible part
 * through two CSS variables, so the letterboxed desktop moves up into view.
 *
 * @module
 */

/** The fields of `window.visualViewport` read here. */
export interface ViewportLike {
  readonly height: number;
  readonly offsetTop: number;
}

/** The visible box of the page, in CSS pixels: where the stage goes. */
export interface VisibleBox {
  top: number;
  height: number;
}

/**
 * The box the stage should fill: the visual viewport, clamped to the layout
 * viewport (pinch-zoom of the page itself is off, so scale is 1).
 */
export function visibleBox(layoutHeight: number, viewport: ViewportLike | undefined): VisibleBox {
  if (!viewport || viewport.height <= 0) return { top: 0, height: layoutHeight };
  const top = Math.max(0, Math.min(viewport.offsetTop, layoutHeight));
  return { top, height: Math.max(1, Math.min(viewport.height, layoutHeight - top)) };
}

/** Sets `--visible-top` and `--visible-height` on `element` as the visual viewport changes. */
export function watchVisualViewport(element: HTMLElement): () => void {
  const win = element.ownerDocument.defaultView;
  const viewport = win?.visualViewport;
  if (!win || !viewport) return () => {};
  const update = () => {
    const box = visibleBox(win.innerHeight, viewport);
    element.style.setProperty("--visible-top", `${box.top}px`);
    element.style.setProperty("--visible-height", `${box.height}px`);
  };
  viewport.addEventListener("resize", update);
  viewport.addEventListener("scroll", update);
  update();
  return () => {
    viewport.removeEventListener("resize", update);
    viewport.removeEventListener("scroll", update);
  };
}

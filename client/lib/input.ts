/**
 * Wires keyboard, mouse, touch, gamepads and local shortcuts of the page to
 * the input data channel. The logic lives in the pure modules beside this
 * one; this file owns the DOM: listeners, the hidden textarea, pointer lock,
 * fullscreen, timers, and releasing everything when the page loses focus.
 *
 * Keyboard input goes to a hidden textarea inside `element`: it is focused
 * on attach (devices with a mouse) and on every mouse press on the video, so
 * key events, IME compositions, phone keyboards and `insertText` all arrive
 * at one place. Pointer input is taken from the `<video>`; overlays above it
 * must be `pointer-events: none`.
 *
 * @module
 */

import { encodeInput, type InputEvent, Op } from "../../lib/protocol/input.ts";
import { GamepadInput, snapshotPads } from "./gamepad.ts";
import { KeyboardInput, type TextInputLike } from "./keyboard.ts";
import { platformOf } from "./key_keysym.ts";
import { type FramePoint, PointerInput, videoPoint, WheelAccumulator } from "./pointer.ts";
import {
  EscapeHold,
  isDevtoolsShortcut,
  isPointerLockClick,
  matchShortcut,
  setKeyboardLock,
  type Shortcut,
  toggleFullscreen,
} from "./shortcuts.ts";
import { TouchGestures } from "./touch.ts";

/** Milliseconds between heartbeats while a key or button is held (the server releases after 3 s of silence). */
export const HEARTBEAT_MS = 1000;

/** Options of {@linkcode attachInput}. */
export interface AttachInputOptions {
  /** The full-window container: holds the hidden textarea, goes fullscreen. */
  element: HTMLElement;
  /** The remote desktop video, drawn with `object-fit: contain`. */
  video: HTMLVideoElement;
  /** Sends one input-channel message. A throw (channel closing) drops that message. */
  send: (message: Uint8Array) => void;
  /** Called on Ctrl+Shift+M. Default: nothing. */
  onMenu?: () => void;
  /** Called on Ctrl+Shift+. (the statistics overlay). Default: nothing. */
  onStats?: () => void;
  /** Forward nothing; only the local shortcuts work. Default false. */
  viewOnly?: boolean;
  /**
   * Called on each key-down: a promise holds the input until it settles and
   * lets the browser act on the key (a paste key: the browser's `paste`
   * goes to the remote clipboard first, then Ctrl+V to the desktop);
   * undefined: the key is sent as usual. Default: every key as usual.
   */
  holdFor?: (ev: KeyboardEvent) => Promise<void> | undefined;
}

/** The hidden textarea of each attached element, for {@linkcode toggleSoftKeyboard}. */
const textareas = new WeakMap<HTMLElement, HTMLTextAreaElement>();

/**
 * Focuses the hidden textarea of the input attached to `element`, which
 * opens the on-screen keyboard of phones and tablets, or blurs it when it is
 * focused. Must run inside a user gesture (a click) for the keyboard to open.
 * Returns whether the textarea is now focused.
 */
export function toggleSoftKeyboard(element: HTMLElement): boolean {
  const textarea = textareas.get(element);
  if (!textarea) return false;
  if (element.ownerDocument.activeElement === textarea) {
    textarea.blur();
    return false;
  }
  textarea.focus({ preventScroll: true });
  return true;
}

function createTextarea(doc: Document): HTMLTextAreaElement {
  const textarea = doc.createElement("textarea");
  textarea.setAttribute("aria-label", "Keyboard input for the remote desktop");
  textarea.autocomplete = "off";
  // Phone keyboards must not rewrite what was already sent (Safari reads autocorrect).
  textarea.setAttribute("autocorrect", "off");
  textarea.setAttribute("autocapitalize", "off");
  textarea.spellcheck = false;
  Object.assign(textarea.style, {
    position: "fixed",
    left: "0",
    top: "0",
    width: "1px",
    height: "1px",
    margin: "0",
    padding: "0",
    border: "0",
    opacity: "0",
    resize: "none",
    overflow: "hidden",
    pointerEvents: "none",
    caretColor: "transparent",
    // iOS Safari zooms the page into a focused field whose font is under 16 px.
    fontSize: "16px",
    // The stage is user-select: none, and iOS Safari does not type into such a field.
    userSelect: "text",
  });
  textarea.style.setProperty("-webkit-user-select", "text");
  return textarea;
}

/**
 * Starts forwarding input from the page to the remote desktop through
 * `options.send`. Returns the function that stops it: it releases every held
 * key and button on the remote, disconnects gamepads, leaves pointer lock and
 * removes every listener and element it added.
 */
export function attachInput(options: AttachInputOptions): () => void {
  const { element, video, send } = options;
  const doc = element.ownerDocument;
  const win = doc.defaultView ?? globalThis as unknown as Window;
  const nav = win.navigator;
  const aborter = new AbortController();
  const signal = aborter.signal;

  let pressedSinceRelease = false;
  /** Events held while a `holdFor` promise is pending, sent in order when the last one settles. */
  let held: InputEvent[] | undefined;
  let holds = 0;
  const emit = (event: InputEvent): void => {
    if (held) {
      held.push(event);
      return;
    }
    const message = encodeInput(event);
    if (
      event.op === Op.KeyDown || event.op === Op.ButtonDown || event.op === Op.Text ||
      event.op === Op.PadButton || event.op === Op.PadAxis
    ) pressedSinceRelease = true;
    try {
      send(message);
    } catch {
      // The channel is closing; a reconnect attaches afresh.
    }
  };

  const frameAt = (point: { clientX: number; clientY: number }): FramePoint | undefined =>
    videoPoint({
      rect: video.getBoundingClientRect(),
      videoWidth: video.videoWidth,
      videoHeight: video.videoHeight,
    }, point);

  let keyboardLocked = false;
  const escapeHold = new EscapeHold(() => {
    if (doc.fullscreenElement) doc.exitFullscreen().catch(() => {});
  });
  const runShortcut = (shortcut: Shortcut): void => {
    if (shortcut === "fullscreen") void toggleFullscreen(element, doc);
    else if (shortcut === "stats") options.onStats?.();
    else options.onMenu?.();
  };
  doc.addEventListener("fullscreenchange", () => {
    const fullscreen = doc.fullscreenElement !== null;
    keyboardLocked = !options.viewOnly && setKeyboardLock(fullscreen, nav);
    if (!fullscreen) escapeHold.cancel();
  }, { signal });

  // The context menu would cover the remote desktop's own (right click, long press).
  video.addEventListener("contextmenu", (ev) => ev.preventDefault(), { signal });

  if (options.viewOnly) {
    win.addEventListener("keydown", (ev) => {
      const shortcut = matchShortcut(ev);
      if (!shortcut) return;
      ev.preventDefault();
      if (!ev.repeat) runShortcut(shortcut);
    }, { signal });
    return () => aborter.abort();
  }

  const keyboard = new KeyboardInput(emit, platformOf(nav.userAgent));
  const pointer = new PointerInput(emit);
  const wheel = new WheelAccumulator();
  const touch = new TouchGestures(emit, { toFrame: frameAt });
  const pads = new GamepadInput(emit);

  const releaseAll = (): void => {
    escapeHold.cancel();
    keyboard.releaseAll();
    pointer.releaseAll();
    touch.releaseAll();
    pads.releaseAll();
    if (pressedSinceRelease) emit({ op: Op.ReleaseAll });
    pressedSinceRelease = false;
  };

  // Keyboard: the hidden textarea.
  const textarea = createTextarea(doc);
  element.append(textarea);
  textareas.set(element, textarea);
  let composing = false;
  const clearTextarea = (): void => {
    // An empty field keeps phone keyboards from re-composing (and re-sending) earlier words.
    if (!composing) textarea.value = "";
  };
  textarea.addEventListener("keydown", (ev) => {
    const shortcut = matchShortcut(ev);
    if (shortcut) {
      ev.preventDefault();
      if (!ev.repeat) runShortcut(shortcut);
      return;
    }
    if (!keyboardLocked && isDevtoolsShortcut(ev)) return;
    if (doc.fullscreenElement) escapeHold.keydown(ev);
    const hold = ev.repeat ? undefined : options.holdFor?.(ev);
    if (hold) {
      // Not preventDefault()ed: the browser acts on the key (pastes) before it is sent.
      held ??= [];
      holds++;
      keyboard.keydown(ev);
      const release = () => {
        if (--holds > 0 || !held) return;
        const events = held;
        held = undefined;
        for (const event of events) emit(event);
      };
      hold.then(release, release);
      return;
    }
    if (keyboard.keydown(ev)) ev.preventDefault();
  }, { signal });
  textarea.addEventListener("keyup", (ev) => {
    escapeHold.keyup(ev);
    if (keyboard.keyup(ev)) ev.preventDefault();
  }, { signal });
  textarea.addEventListener("compositionstart", () => {
    composing = true;
    keyboard.compositionStart();
  }, { signal });
  textarea.addEventListener("compositionend", (ev) => {
    composing = false;
    keyboard.compositionEnd(ev.data);
    // Chrome still fires the composition's last input event after this one.
    setTimeout(clearTextarea, 0);
  }, { signal });
  textarea.addEventListener("input", (ev) => {
    // A DOM InputEvent; checked by shape so tests can dispatch plain events.
    if (!("inputType" in ev)) return;
    const input = ev as unknown as TextInputLike;
    keyboard.input(input);
    if (!input.isComposing) clearTextarea();
  }, { signal });
  textarea.addEventListener("blur", releaseAll, { signal });

  // Whatever is held when the page loses focus would otherwise stay held on the remote.
  win.addEventListener("blur", releaseAll, { signal });
  win.addEventListener("pagehide", releaseAll, { signal });
  doc.addEventListener("visibilitychange", () => {
    if (doc.visibilityState === "hidden") releaseAll();
  }, { signal });

  // Mouse, pen and touch: the video.
  const restoreStyle = {
    touchAction: video.style.touchAction,
    callout: video.style.getPropertyValue("-webkit-touch-callout"),
  };
  // No browser panning or zooming: fingers drive the remote pointer.
  video.style.touchAction = "none";
  // iOS Safari: no "save video" callout on long press.
  video.style.setProperty("-webkit-touch-callout", "none");

  let locked = false;
  let dropNextMove = false;
  doc.addEventListener("pointerlockchange", () => {
    locked = doc.pointerLockElement === video;
    // Chrome on Windows reports the jump from the old cursor position as the first locked movement.
    dropNextMove = locked;
  }, { signal });
  const requestLock = (): void => {
    // unadjustedMovement: raw mouse counts without OS acceleration, as games expect.
    // Chrome rejects it where the OS has no raw input; then lock with accelerated motion.
    const raw = video.requestPointerLock({ unadjustedMovement: true }) as Promise<void> | undefined;
    raw?.catch(() => (video.requestPointerLock() as Promise<void> | undefined)?.catch(() => {}));
  };
  const moveTo = (point: { clientX: number; clientY: number }): void => {
    const frame = frameAt(point);
    if (frame) pointer.move(frame);
  };

  // preventDefault on mousedown keeps the focus on the textarea and selects no text.
  video.addEventListener("mousedown", (ev) => ev.preventDefault(), { signal });
  video.addEventListener("pointerdown", (ev) => {
    if (ev.pointerType === "touch") {
      touch.down(ev);
      return;
    }
    // Input methods open their candidate window at the textarea: put it where the user clicked.
    textarea.style.left = `${ev.clientX}px`;
    textarea.style.top = `${ev.clientY}px`;
    if (doc.activeElement !== textarea) textarea.focus({ preventScroll: true });
    if (!locked) {
      if (isPointerLockClick(ev)) {
        pointer.ignorePress(ev.button);
        requestLock();
      } else {
        // Keep receiving moves and the release when the pointer leaves the video mid-drag.
        try {
          video.setPointerCapture(ev.pointerId);
        } catch {
          // The pointer is already gone (NotFoundError): nothing to capture.
        }
      }
      moveTo(ev);
    }
    pointer.buttons(ev.buttons);
  }, { signal });
  video.addEventListener("pointermove", (ev) => {
    if (ev.pointerType === "touch") {
      touch.move(ev);
      return;
    }
    if (locked) {
      if (dropNextMove) dropNextMove = false;
      else pointer.moveBy(ev.movementX, ev.movementY);
    } else {
      const coalesced = ev.buttons !== 0 && ev.getCoalescedEvents ? ev.getCoalescedEvents() : [];
      for (const point of coalesced.length > 0 ? coalesced : [ev]) moveTo(point);
    }
    pointer.buttons(ev.buttons);
  }, { signal });
  video.addEventListener("pointerup", (ev) => {
    if (ev.pointerType === "touch") {
      touch.up(ev);
      return;
    }
    if (!locked) moveTo(ev);
    pointer.buttons(ev.buttons);
  }, { signal });
  video.addEventListener("pointercancel", (ev) => {
    if (ev.pointerType === "touch") touch.cancel(ev);
    else pointer.buttons(0);
  }, { signal });
  video.addEventListener("wheel", (ev) => {
    // The page must neither scroll nor zoom (Ctrl+wheel).
    ev.preventDefault();
    // Read deltaMode before the deltas: Firefox then keeps mouse wheels in lines instead of
    // converting them to pixels, which tells a mouse from a trackpad.
    const deltaMode = ev.deltaMode;
    const { dx, dy } = wheel.push({
      deltaMode,
      deltaX: ev.deltaX,
      deltaY: ev.deltaY,
      timeStamp: ev.timeStamp,
    });
    if (dx !== 0 || dy !== 0) emit({ op: Op.Scroll, dx, dy });
  }, { passive: false, signal });

  // Gamepads: polled once per animation frame while any is connected.
  let frame: number | undefined;
  const poll = (): void => {
    frame = undefined;
    let list: ArrayLike<Gamepad | null> = [];
    try {
      list = nav.getGamepads();
    } catch {
      // Blocked by a permissions policy: no gamepads.
    }
    pads.update(snapshotPads(list));
    if (Array.from(list).some((pad) => pad?.connected)) frame = win.requestAnimationFrame(poll);
  };
  const startPolling = (): void => {
    if (frame === undefined) frame = win.requestAnimationFrame(poll);
  };
  win.addEventListener("gamepadconnected", startPolling, { signal });
  win.addEventListener("gamepaddisconnected", startPolling, { signal });
  startPolling();

  const heartbeat = win.setInterval(() => {
    if (keyboard.held + pointer.held + touch.held + pads.held > 0) emit({ op: Op.Heartbeat });
  }, HEARTBEAT_MS);

  // Devices with a mouse get the keyboard at once; on touch devices focusing
  // would pop up the on-screen keyboard, which the keyboard button does on request.
  if (win.matchMedia?.("(any-pointer: fine)").matches) textarea.focus({ preventScroll: true });

  let detached = false;
  return () => {
    if (detached) return;
    detached = true;
    // Held keys are dropped; the release below covers them.
    held = undefined;
    pressedSinceRelease = true;
    releaseAll();
    pads.disconnectAll();
    aborter.abort();
    win.clearInterval(heartbeat);
    if (frame !== undefined) win.cancelAnimationFrame(frame);
    if (doc.pointerLockElement === video) doc.exitPointerLock();
    if (keyboardLocked) setKeyboardLock(false, nav);
    video.style.touchAction = restoreStyle.touchAction;
    video.style.setProperty("-webkit-touch-callout", restoreStyle.callout);
    textareas.delete(element);
    textarea.remove();
  };
}

/**
 * The on-screen keyboard button of touch devices: a tap focuses the hidden
 * textarea of the attached input, which opens the phone's keyboard; a
 * second tap closes it.
 *
 * @module
 */

import type { JSX } from "preact";
import { toggleSoftKeyboard } from "../lib/input.ts";

/** What decides whether a device gets the button. */
export interface TouchEnvironment {
  /** `navigator.maxTouchPoints`. */
  readonly maxTouchPoints: number;
  /** `matchMedia("(pointer: coarse)").matches`: the primary pointer is a finger. */
  readonly coarsePointer: boolean;
}

/**
 * Whether the device is driven by touch (phones, tablets), and so has no
 * keyboard to count on. Laptops with a touch screen have a fine primary
 * pointer (the touchpad) and a keyboard: no button.
 */
export function isTouchDevice(env: TouchEnvironment): boolean {
  return env.maxTouchPoints > 0 && env.coarsePointer;
}

function currentEnvironment(): TouchEnvironment {
  return {
    maxTouchPoints: globalThis.navigator?.maxTouchPoints ?? 0,
    coarsePointer: typeof matchMedia === "function" && matchMedia("(pointer: coarse)").matches,
  };
}

/** Props of {@linkcode KeyboardButton}. */
export interface KeyboardButtonProps {
  /** The `element` passed to `attachInput`, as a ref. */
  container: { readonly current: HTMLElement | null };
  /** Show the button; default: on touch devices only ({@linkcode isTouchDevice}). */
  visible?: boolean;
}

const STYLE: JSX.CSSProperties = {
  position: "fixed",
  right: "calc(12px + env(safe-area-inset-right))",
  bottom: "calc(12px + env(safe-area-inset-bottom))",
  width: "48px",
  height: "48px",
  borderRadius: "24px",
  border: "1px solid rgba(255, 255, 255, 0.4)",
  background: "rgba(0, 0, 0, 0.5)",
  color: "white",
  fontSize: "24px",
  lineHeight: "1",
  padding: "0",
  zIndex: "10",
  touchAction: "manipulation",
};

/** A floating button that shows or hides the on-screen keyboard. */
export function KeyboardButton(props: KeyboardButtonProps): JSX.Element | null {
  if (!(props.visible ?? isTouchDevice(currentEnvironment()))) return null;
  return (
    <button
      type="button"
      aria-label="Show or hide the keyboard"
      title="Keyboard"
      style={STYLE}
      // Keep the focus where it is: the textarea, when the keyboard is open, so this tap can close it.
      onMouseDown={(ev) => ev.preventDefault()}
      onClick={() => {
        const element = props.container.current;
        // Focus must move inside this click handler, or the phone keeps its keyboard closed.
        if (element) toggleSoftKeyboard(element);
      }}
    >
      ⌨
    </button>
  );
}

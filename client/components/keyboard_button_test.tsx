import assert from "node:assert/strict";
import type { VNode } from "preact";
import { isTouchDevice, KeyboardButton } from "./keyboard_button.tsx";

Deno.test("isTouchDevice() needs touch points and a coarse pointer", () => {
  assert.equal(isTouchDevice({ maxTouchPoints: 5, coarsePointer: true }), true);
  assert.equal(isTouchDevice({ maxTouchPoints: 0, coarsePointer: true }), false);
  // A laptop with a touch screen: its primary pointer is the touchpad.
  assert.equal(isTouchDevice({ maxTouchPoints: 10, coarsePointer: false }), false);
});

Deno.test("KeyboardButton() renders nothing when not visible", () => {
  assert.equal(KeyboardButton({ container: { current: null }, visible: false }), null);
});

Deno.test("KeyboardButton() renders a labelled button that keeps the focus where it is", () => {
  const vnode = KeyboardButton({ container: { current: null }, visible: true }) as VNode<
    Record<string, unknown>
  >;
  assert.equal(vnode.type, "button");
  assert.equal(vnode.props.type, "button");
  assert.equal(vnode.props["aria-label"], "Show or hide the keyboard");
  let prevented = false;
  (vnode.props.onMouseDown as (ev: { preventDefault(): void }) => void)({
    preventDefault: () => prevented = true,
  });
  assert.equal(prevented, true);
  // No attached input yet: the click does nothing and does not throw.
  (vnode.props.onClick as () => void)();
});

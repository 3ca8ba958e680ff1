import assert from "node:assert/strict";
import type { VNode } from "preact";
import { ControlBadge, controlSummary } from "./control_badge.tsx";
import type { ControlView } from "../../lib/protocol/control.ts";

const ada = { peer: "p1", name: "Ada" };

Deno.test("controlSummary() tells a full-control viewer who controls and offers the hand-over", () => {
  const you = { peer: "p2", role: "full" as const };
  assert.deepEqual(controlSummary({ you, controller: ada }), {
    text: "Ada has control",
    action: "take",
    state: "other",
  });
  assert.deepEqual(controlSummary({ you, controller: { peer: "p2", name: "viewer 2" } }), {
    text: "You have control",
    action: "release",
    state: "you",
  });
  assert.deepEqual(controlSummary({ you, controller: null }), {
    text: "Nobody has control: type or click to take it",
    action: "take",
    state: "free",
  });
});

Deno.test("controlSummary() offers a view-only viewer nothing to press", () => {
  const you = { peer: "p3", role: "view" as const };
  assert.deepEqual(controlSummary({ you, controller: ada }), {
    text: "View only · Ada has control",
    action: undefined,
    state: "view-only",
  });
  assert.equal(controlSummary({ you, controller: null }).text, "View only");
});

Deno.test("ControlBadge() renders nothing before the first control message", () => {
  assert.equal(ControlBadge({ view: null, onTake: () => {}, onRelease: () => {} }), null);
});

Deno.test("ControlBadge() wires its button to take or release, keeping the focus", () => {
  const calls: string[] = [];
  const render = (view: ControlView) =>
    ControlBadge({
      view,
      onTake: () => calls.push("take"),
      onRelease: () => calls.push("release"),
    }) as VNode<Record<string, unknown>>;
  const button = (vnode: VNode<Record<string, unknown>>) =>
    (vnode.props.children as unknown[])[1] as VNode<Record<string, unknown>>;
  const other = render({ you: { peer: "p2", role: "full" }, controller: ada });
  assert.equal(other.props["data-control"], "other");
  const take = button(other);
  assert.equal(take.props.children, "Take control");
  let prevented = false;
  (take.props.onMouseDown as (ev: { preventDefault(): void }) => void)({
    preventDefault: () => prevented = true,
  });
  assert.equal(prevented, true);
  (take.props.onClick as () => void)();
  const mine = render({ you: { peer: "p1", role: "full" }, controller: ada });
  (button(mine).props.onClick as () => void)();
  assert.deepEqual(calls, ["take", "release"]);
  const viewOnly = render({ you: { peer: "p3", role: "view" }, controller: ada });
  assert.equal(button(viewOnly), undefined);
});

import assert from "node:assert/strict";
import type { VNode } from "preact";
import { bitrateLabel, choices, StreamControls } from "./stream_controls.tsx";

Deno.test("choices() puts the current value among the presets, in order", () => {
  assert.deepEqual(choices([15, 30, 60], 24), [15, 24, 30, 60]);
  assert.deepEqual(choices([15, 30, 60], 30), [15, 30, 60]);
  assert.deepEqual(choices([15, 30], undefined), [15, 30]);
});

Deno.test("bitrateLabel() speaks in kbit/s below one megabit", () => {
  assert.equal(bitrateLabel(500), "500 kbit/s");
  assert.equal(bitrateLabel(2500), "2.5 Mbit/s");
});

Deno.test("StreamControls() is disabled until the server said the settings, then sends changes", () => {
  const sent: unknown[] = [];
  const off = StreamControls({
    settings: null,
    onChange: (c) => sent.push(c),
    overlay: false,
    onOverlay: () => {},
  }) as VNode<Record<string, unknown>>;
  assert.equal(off.props.disabled, true);
  const on = StreamControls({
    settings: { videoBitrate: 8000, framerate: 60, audio: true, congestionControl: true },
    onChange: (c) => sent.push(c),
    overlay: false,
    onOverlay: () => {},
  }) as VNode<Record<string, unknown>>;
  assert.equal(on.props.disabled, false);
  const children = (on.props.children as VNode<Record<string, unknown>>[]).filter((c) =>
    c.type === "label"
  );
  const select = (children[1]!.props.children as unknown[])[1] as VNode<Record<string, unknown>>;
  assert.equal(select.props.name, "framerate");
  (select.props.onChange as (e: unknown) => void)({ currentTarget: { value: "24" } });
  assert.deepEqual(sent, [{ framerate: 24 }]);
});

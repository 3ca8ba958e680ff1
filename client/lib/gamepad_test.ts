import assert from "node:assert/strict";
import { type InputEvent, Op } from "../../lib/protocol/input.ts";
import { axisValue, buttonValue, GamepadInput, type PadSnapshot, snapshotPads } from "./gamepad.ts";

function pad(index: number, values: { buttons?: number[]; axes?: number[] } = {}): PadSnapshot {
  const buttons = new Array(17).fill(0);
  for (const [i, v] of (values.buttons ?? []).entries()) buttons[i] = v;
  const axes = [0, 0, 0, 0];
  for (const [i, v] of (values.axes ?? []).entries()) axes[i] = v;
  return { index, connected: true, mapping: "standard", buttons, axes };
}

function recorder() {
  const events: InputEvent[] = [];
  return { events, pads: new GamepadInput((e) => events.push(e)) };
}

Deno.test("buttonValue() scales 0-1 to 0-65535", () => {
  assert.deepEqual([0, 0.5, 1, 1.5, -0.1, NaN].map(buttonValue), [0, 32768, 65535, 65535, 0, 0]);
});

Deno.test("axisValue() applies the dead zone and scales to -32767..32767", () => {
  assert.deepEqual(
    [0, 0.05, -0.099, 0.1, -0.1, 0.55, 1, -1, 2, NaN].map(axisValue),
    [0, 0, 0, 0, 0, 16384, 32767, -32767, 32767, 0],
  );
});

Deno.test("GamepadInput.update() connects a standard pad and sends its non-rest values", () => {
  const { events, pads } = recorder();
  pads.update([pad(0, { buttons: [1, 0, 0, 0, 0, 0, 0.5], axes: [0, -1] })]);
  assert.deepEqual(events, [
    { op: Op.PadConnect, index: 0, buttons: 17, axes: 4 },
    { op: Op.PadButton, index: 0, button: 0, value: 65535 },
    { op: Op.PadButton, index: 0, button: 6, value: 32768 },
    { op: Op.PadAxis, index: 0, axis: 1, value: -32767 },
  ]);
  assert.equal(pads.held, 1);
});

Deno.test("GamepadInput.update() sends only what changed", () => {
  const { events, pads } = recorder();
  pads.update([pad(0, { buttons: [1] })]);
  events.length = 0;
  pads.update([pad(0, { buttons: [1] })]);
  pads.update([pad(0, { buttons: [1], axes: [0.05] })]);
  assert.deepEqual(events, []);
  pads.update([pad(0, { buttons: [0], axes: [1] })]);
  assert.deepEqual(events, [
    { op: Op.PadButton, index: 0, button: 0, value: 0 },
    { op: Op.PadAxis, index: 0, axis: 0, value: 32767 },
  ]);
});

Deno.test("GamepadInput.update() ignores pads without the standard mapping", () => {
  const { events, pads } = recorder();
  pads.update([{ ...pad(0, { buttons: [1] }), mapping: "" }]);
  assert.deepEqual(events, []);
  assert.equal(pads.connected, 0);
});

Deno.test("GamepadInput.update() gives pads the lowest free index and disconnects missing ones", () => {
  const { events, pads } = recorder();
  pads.update([pad(5), pad(2)]);
  pads.update([pad(2)]);
  pads.update([pad(2), pad(7)]);
  pads.update([pad(2), { ...pad(7), connected: false }]);
  assert.deepEqual(events, [
    { op: Op.PadConnect, index: 0, buttons: 17, axes: 4 },
    { op: Op.PadConnect, index: 1, buttons: 17, axes: 4 },
    { op: Op.PadDisconnect, index: 0 },
    { op: Op.PadConnect, index: 0, buttons: 17, axes: 4 },
    { op: Op.PadDisconnect, index: 0 },
  ]);
});

Deno.test("GamepadInput.update() forwards at most four pads", () => {
  const { events, pads } = recorder();
  pads.update([pad(0), pad(1), pad(2), pad(3), pad(4)]);
  assert.equal(pads.connected, 4);
  assert.deepEqual(events.map((e) => e.op === Op.PadConnect ? e.index : -1), [0, 1, 2, 3]);
  pads.update([pad(0), pad(1), pad(3), pad(4)]);
  assert.deepEqual(events.slice(4), [
    { op: Op.PadDisconnect, index: 2 },
    { op: Op.PadConnect, index: 2, buttons: 17, axes: 4 },
  ]);
});

Deno.test("GamepadInput.releaseAll() returns pads to rest and the next update resends what is held", () => {
  const { events, pads } = recorder();
  pads.update([pad(0, { buttons: [0, 1], axes: [0, 0, 0.55] })]);
  events.length = 0;
  pads.releaseAll();
  assert.deepEqual(events, [
    { op: Op.PadButton, index: 0, button: 1, value: 0 },
    { op: Op.PadAxis, index: 0, axis: 2, value: 0 },
  ]);
  assert.equal(pads.held, 0);
  pads.update([pad(0, { buttons: [0, 1] })]);
  assert.deepEqual(events.slice(2), [{ op: Op.PadButton, index: 0, button: 1, value: 65535 }]);
});

Deno.test("GamepadInput.disconnectAll() rests and disconnects every pad", () => {
  const { events, pads } = recorder();
  pads.update([pad(0, { buttons: [1] }), pad(1)]);
  events.length = 0;
  pads.disconnectAll();
  assert.deepEqual(events, [
    { op: Op.PadButton, index: 0, button: 0, value: 0 },
    { op: Op.PadDisconnect, index: 0 },
    { op: Op.PadDisconnect, index: 1 },
  ]);
  assert.equal(pads.connected, 0);
});

Deno.test("snapshotPads() reads Gamepad objects and skips empty slots", () => {
  const gamepad = {
    index: 1,
    connected: true,
    mapping: "standard",
    buttons: [{ value: 1, pressed: true, touched: true }, {
      value: 0.25,
      pressed: false,
      touched: true,
    }],
    axes: [0.5, -0.5],
  } as unknown as Gamepad;
  assert.deepEqual(snapshotPads([null, gamepad]), [
    { index: 1, connected: true, mapping: "standard", buttons: [1, 0.25], axes: [0.5, -0.5] },
  ]);
});

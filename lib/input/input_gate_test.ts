/** InputHandler's gate (roles and control) and revoke(): the hand-over rules. */

import assert from "node:assert/strict";
import { InputHandler, type PadSink } from "./input_handler.ts";
import { encodeInput, Op } from "../protocol/input.ts";
import type { Admission } from "../roles/control.ts";
import { RecordingSink } from "../../test/fixtures/recording_sink.ts";

function recordingPads(): PadSink & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    connect: (index) => calls.push(`connect ${index}`),
    button: (index, button, value) => calls.push(`button ${index} ${button} ${value}`),
    axis: (index, axis, value) => calls.push(`axis ${index} ${axis} ${value}`),
    disconnect: (index) => calls.push(`disconnect ${index}`),
    close: () => calls.push("close"),
  };
}

Deno.test("InputHandler drops and counts every message its gate refuses, before decoding", () => {
  const sink = new RecordingSink();
  let admission: Admission = "view-only";
  const handler = new InputHandler(sink, { gate: () => admission });
  handler.handle(encodeInput({ op: Op.KeyDown, keysym: 0x61 }));
  handler.handle(encodeInput({ op: Op.Text, text: "rm -rf ~\n" }));
  handler.handle(new Uint8Array([0xff])); // malformed, but refused first: never decoded
  admission = "not-controller";
  handler.handle(encodeInput({ op: Op.ButtonDown, button: 1 }));
  admission = "unknown";
  handler.handle(encodeInput({ op: Op.Move, x: 1, y: 1, width: 2, height: 2 }));
  assert.deepEqual(sink.calls, []);
  assert.equal(handler.stats.received, 5);
  assert.equal(handler.stats.accepted, 0);
  assert.equal(handler.stats.rejected, 0);
  assert.equal(handler.stats.refused, 5);
  assert.deepEqual(handler.stats.refusedBy, { viewOnly: 3, notController: 2 });
  admission = "ok";
  handler.handle(encodeInput({ op: Op.KeyDown, keysym: 0x62 }));
  assert.deepEqual(sink.calls, ["key 62 down"]);
  handler.close();
});

Deno.test("InputHandler asks its gate with active true only for input that may take control", () => {
  const asked: [number, boolean][] = [];
  let op = 0;
  const handler = new InputHandler(new RecordingSink(), {
    gate: (active) => {
      asked.push([op, active]);
      return "not-controller";
    },
  });
  const messages = [
    encodeInput({ op: Op.KeyDown, keysym: 0x61 }),
    encodeInput({ op: Op.KeyUp, keysym: 0x61 }),
    encodeInput({ op: Op.Move, x: 1, y: 1, width: 2, height: 2 }),
    encodeInput({ op: Op.MoveRelative, dx: 1, dy: 1 }),
    encodeInput({ op: Op.ButtonDown, button: 1 }),
    encodeInput({ op: Op.ButtonUp, button: 1 }),
    encodeInput({ op: Op.Scroll, dx: 0, dy: 1 }),
    encodeInput({ op: Op.Text, text: "a" }),
    encodeInput({ op: Op.ReleaseAll }),
    encodeInput({ op: Op.Heartbeat }),
    encodeInput({ op: Op.PadConnect, index: 0, buttons: 17, axes: 4 }),
    encodeInput({ op: Op.PadDisconnect, index: 0 }),
    encodeInput({ op: Op.PadButton, index: 0, button: 0, value: 1 }),
    encodeInput({ op: Op.PadAxis, index: 0, axis: 0, value: 1 }),
  ];
  for (const message of messages) {
    op = message[0]!;
    handler.handle(message);
  }
  assert.deepEqual(asked, [
    [Op.KeyDown, true],
    [Op.KeyUp, false],
    [Op.Move, true],
    [Op.MoveRelative, true],
    [Op.ButtonDown, true],
    [Op.ButtonUp, false],
    [Op.Scroll, true],
    [Op.Text, true],
    [Op.ReleaseAll, false],
    [Op.Heartbeat, false],
    [Op.PadConnect, true],
    [Op.PadDisconnect, false],
    [Op.PadButton, true],
    [Op.PadAxis, true],
  ]);
  handler.close();
});

Deno.test("InputHandler.revoke() releases keys, buttons, pad buttons and sticks; pads stay plugged", () => {
  const sink = new RecordingSink();
  const pads = recordingPads();
  const handler = new InputHandler(sink, { pads });
  handler.handle(encodeInput({ op: Op.KeyDown, keysym: 0xffe3 }));
  handler.handle(encodeInput({ op: Op.KeyDown, keysym: 0x63 }));
  handler.handle(encodeInput({ op: Op.ButtonDown, button: 1 }));
  handler.handle(encodeInput({ op: Op.PadConnect, index: 1, buttons: 17, axes: 4 }));
  handler.handle(encodeInput({ op: Op.PadButton, index: 1, button: 0, value: 0xffff }));
  handler.handle(encodeInput({ op: Op.PadButton, index: 1, button: 3, value: 0xffff }));
  handler.handle(encodeInput({ op: Op.PadButton, index: 1, button: 3, value: 0 })); // let go
  handler.handle(encodeInput({ op: Op.PadAxis, index: 1, axis: 2, value: -300 }));
  handler.handle(encodeInput({ op: Op.PadAxis, index: 1, axis: 0, value: 0 }));
  sink.calls.splice(0);
  pads.calls.splice(0);
  handler.revoke();
  assert.deepEqual(sink.calls, ["key ffe3 up", "key 63 up", "button 1 up"]);
  assert.deepEqual(pads.calls, ["button 1 0 0", "axis 1 2 0"]);
  // Nothing is held any more: a second revoke and the close release nothing twice.
  sink.calls.splice(0);
  pads.calls.splice(0);
  handler.revoke();
  handler.close();
  assert.deepEqual(sink.calls, []);
  assert.deepEqual(pads.calls, ["close"]);
});

Deno.test("InputHandler forgets an unplugged pad's held buttons", () => {
  const pads = recordingPads();
  const handler = new InputHandler(new RecordingSink(), { pads });
  handler.handle(encodeInput({ op: Op.PadConnect, index: 0, buttons: 17, axes: 4 }));
  handler.handle(encodeInput({ op: Op.PadButton, index: 0, button: 1, value: 0xffff }));
  handler.handle(encodeInput({ op: Op.PadDisconnect, index: 0 }));
  pads.calls.splice(0);
  handler.revoke();
  assert.deepEqual(pads.calls, []);
  handler.close();
});

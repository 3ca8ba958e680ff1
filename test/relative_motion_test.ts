/**
 * Pointer-lock (relative) motion reaches the X server: through XTest when
 * there is no uinput mouse, and still through XTest when there is one the X
 * server does not list (the embedded Xorg never hot-plugs devices). A real
 * X client on a real Xvfb records where the pointer went.
 */

import assert from "node:assert/strict";
import { queryPointer } from "../ffi/x11.ts";
import { createInputChannels } from "../lib/input/channels.ts";
import type { InputSink } from "../lib/input/input_sink.ts";
import { UINPUT_MOUSE_NAME, UinputRelativeSink } from "../lib/input/uinput_mouse.ts";
import { encodeInput, INPUT_CHANNEL_LABEL, Op } from "../lib/protocol/input.ts";
import { RecordingDevice } from "./fixtures/recording_sink.ts";
import { type InputRig, startInputRig } from "./_input_rig.ts";

/** A viewer's input channel on `sink`, as the session wires it. */
function viewer(sink: InputSink) {
  const channels = createInputChannels(sink);
  const peer = channels.forPeer("viewer");
  return {
    moveTo: (x: number, y: number) =>
      peer.data(INPUT_CHANNEL_LABEL, encodeInput({ op: Op.Move, x, y, width: 640, height: 480 })),
    moveBy: (dx: number, dy: number) =>
      peer.data(INPUT_CHANNEL_LABEL, encodeInput({ op: Op.MoveRelative, dx, dy })),
    click: () => {
      peer.data(INPUT_CHANNEL_LABEL, encodeInput({ op: Op.ButtonDown, button: 1 }));
      peer.data(INPUT_CHANNEL_LABEL, encodeInput({ op: Op.ButtonUp, button: 1 }));
    },
    close: () => channels.close(),
  };
}

/** The pointer positions of the motion events recorded so far. */
function motions(rig: InputRig): [number, number][] {
  return rig.recorder.events.filter((e) => e.type === "motion").map((e) => [e.x!, e.y!]);
}

/** Sends four relative moves from (100, 100) and checks the X client saw each one. */
async function assertRelativeMotionArrives(rig: InputRig, input: ReturnType<typeof viewer>) {
  input.moveTo(100, 100);
  await rig.recorder.until("the pointer at 100,100", () => motions(rig).length === 1);
  input.moveBy(25, -10);
  input.moveBy(5, 7);
  await rig.recorder.until("two relative moves", () => motions(rig).length === 3);
  // Pointer lock while the X server decides: more moves, none lost.
  input.moveBy(-30, 0);
  input.moveBy(1, 1);
  await rig.recorder.until("four relative moves", () => motions(rig).length === 5);
  assert.deepEqual(motions(rig), [[100, 100], [125, 90], [130, 97], [100, 97], [101, 98]]);
  const { x, y } = queryPointer(rig.probe);
  assert.deepEqual([x, y], [101, 98]);
}

Deno.test("relative motion without a uinput mouse moves the X pointer by each delta (XTest)", async () => {
  await using rig = await startInputRig(640, 480);
  const input = viewer(rig.sink);
  await assertRelativeMotionArrives(rig, input);
  input.close();
});

Deno.test("relative motion with a uinput mouse the X server does not list still moves the X pointer (XTest), none lost", async () => {
  await using rig = await startInputRig(640, 480);
  assert.equal(rig.sink.hasInputDevice("Virtual core pointer"), true, "X lists its devices");
  assert.equal(rig.sink.hasInputDevice(UINPUT_MOUSE_NAME), false);
  const mouse = new RecordingDevice(UINPUT_MOUSE_NAME);
  const sink = new UinputRelativeSink(rig.sink, mouse, { seenTimeoutMs: 400, pollMs: 20 });
  const input = viewer(sink);
  await assertRelativeMotionArrives(rig, input); // while the sink still watches for the mouse
  assert.equal(await sink.route, "xtest");
  assert.equal(mouse.closed, true, "the unseen mouse is closed");
  input.moveBy(9, 2);
  await rig.recorder.until("a move after the decision", () => motions(rig).length === 6);
  assert.deepEqual(motions(rig).at(-1), [110, 100]);
  assert.deepEqual(mouse.events, [], "nothing went to a device X does not read");
  input.close();
});

Deno.test("relative motion goes to the uinput mouse, not XTest, once the X server lists it", async () => {
  await using rig = await startInputRig(640, 480);
  // A stand-in under the name of a device Xvfb has: X lists it from the start.
  const mouse = new RecordingDevice("Virtual core XTEST pointer");
  const sink = new UinputRelativeSink(rig.sink, mouse);
  assert.equal(await sink.route, "uinput");
  const input = viewer(sink);
  input.moveTo(200, 150);
  input.moveBy(25, -10);
  input.click(); // events of one connection arrive in order: after the click, nothing is pending
  await rig.recorder.until("the click", (e) => e.filter((v) => v.type === "button").length === 2);
  assert.deepEqual(motions(rig), [[200, 150]], "no relative motion through XTest");
  assert.deepEqual(mouse.events, [[[2, 0, 25], [2, 1, -10]]]);
  input.close();
  assert.equal(mouse.closed, true);
});

import assert from "node:assert/strict";
import {
  announcesRedraw,
  decodeInput,
  encodeInput,
  type InputEvent,
  MAX_TEXT_BYTES,
  Op,
} from "./input.ts";

Deno.test("encodeInput() and decodeInput() round-trip every message kind", () => {
  const events: InputEvent[] = [
    { op: Op.KeyDown, keysym: 0x1004e2d },
    { op: Op.KeyUp, keysym: 0x61 },
    { op: Op.Move, x: 1279, y: 0, width: 1280, height: 720 },
    { op: Op.MoveRelative, dx: -32768, dy: 32767 },
    { op: Op.ButtonDown, button: 9 },
    { op: Op.ButtonUp, button: 1 },
    { op: Op.Scroll, dx: -127, dy: 127 },
    { op: Op.Text, text: "Hello, wörld! €5 ñ Ж 中 🙂" },
    { op: Op.ReleaseAll },
    { op: Op.Heartbeat },
    { op: Op.PadConnect, index: 3, buttons: 17, axes: 4 },
    { op: Op.PadDisconnect, index: 0 },
    { op: Op.PadButton, index: 1, button: 16, value: 65535 },
    { op: Op.PadAxis, index: 2, axis: 3, value: -32767 },
  ];
  for (const event of events) assert.deepEqual(decodeInput(encodeInput(event)), event);
});

Deno.test("encodeInput() writes the documented bytes", () => {
  assert.deepEqual([...encodeInput({ op: Op.KeyDown, keysym: 0x61 })], [0x01, 0, 0, 0, 0x61]);
  assert.deepEqual(
    [...encodeInput({ op: Op.Move, x: 640, y: 360, width: 1280, height: 720 })],
    [0x03, 0x02, 0x80, 0x01, 0x68, 0x05, 0x00, 0x02, 0xd0],
  );
  assert.deepEqual([...encodeInput({ op: Op.Scroll, dx: 0, dy: -1 })], [0x07, 0x00, 0xff]);
});

Deno.test("encodeInput() refuses values the wire cannot carry", () => {
  const cases: [InputEvent, string][] = [
    [
      { op: Op.ButtonDown, button: 10 },
      "Cannot encode button: must be an integer 1-9, received 10",
    ],
    [
      { op: Op.Move, x: 1.5, y: 0, width: 2, height: 2 },
      "Cannot encode x: must be an integer 0-65535, received 1.5",
    ],
    [{ op: Op.Text, text: "" }, "Cannot encode text: must be 1-1024 UTF-8 bytes, received 0"],
    [
      { op: Op.Text, text: "é".repeat(513) },
      "Cannot encode text: must be 1-1024 UTF-8 bytes, received 1026",
    ],
    [
      { op: Op.PadConnect, index: 4, buttons: 1, axes: 1 },
      "Cannot encode index: must be an integer 0-3, received 4",
    ],
  ];
  for (const [event, message] of cases) {
    assert.throws(() => encodeInput(event), { name: "RangeError", message });
  }
  assert.equal(
    encodeInput({ op: Op.Text, text: "a".repeat(MAX_TEXT_BYTES) }).length,
    1 + MAX_TEXT_BYTES,
  );
});

Deno.test("decodeInput() rejects malformed messages with the reason", () => {
  const cases: [number[], string][] = [
    [[], "Cannot decode input: empty message"],
    [[0x42], "Cannot decode input: unknown op 0x42"],
    [[0x01, 0, 0], "Cannot decode input op 0x01: length must be 5, received 3"],
    [[0x05, 0], "Cannot decode button: must be an integer 1-9, received 0"],
    [[0x03, 0, 5, 0, 0, 0, 5, 0, 5], "Cannot decode input move: (5,0) is outside 5x5"],
    [[0x03, 0, 0, 0, 0, 0, 0, 0, 5], "Cannot decode input move: frame size must be at least 1x1"],
    [[0x08], "Cannot decode input text: must be 1-1024 bytes, received 0"],
    [[0x08, 0xc3, 0x28], "Cannot decode input text: not valid UTF-8"],
    [
      [0x0e, 0, 0, 0x80, 0x00],
      "Cannot decode value: must be an integer -32767-32767, received -32768",
    ],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => decodeInput(new Uint8Array(bytes)), { name: "RangeError", message });
  }
});

Deno.test("announcesRedraw() is true for key and button presses, scrolls and text, not moves or releases", () => {
  const redraws = [
    { op: Op.KeyDown, keysym: 0x61 },
    { op: Op.ButtonDown, button: 1 },
    { op: Op.Scroll, dx: 0, dy: 1 },
    { op: Op.Text, text: "é" },
  ] as const;
  for (const e of redraws) assert.ok(announcesRedraw(encodeInput(e)), JSON.stringify(e));
  const quiet = [
    { op: Op.KeyUp, keysym: 0x61 },
    { op: Op.Move, x: 1, y: 2, width: 10, height: 10 },
    { op: Op.ButtonUp, button: 1 },
    { op: Op.Heartbeat },
  ] as const;
  for (const e of quiet) assert.ok(!announcesRedraw(encodeInput(e)), JSON.stringify(e));
  assert.ok(!announcesRedraw(new Uint8Array()));
});

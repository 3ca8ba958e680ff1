import assert from "node:assert/strict";
import {
  INPUT_EVENT_SIZE,
  packAbsSetup,
  packInputEvent,
  packInputEvents,
  packUinputSetup,
  UINPUT_ABS_SETUP_SIZE,
  UINPUT_SETUP_SIZE,
} from "./_struct.ts";

Deno.test("packInputEvent() lays out type, code and value after a zero timeval", () => {
  const bytes = packInputEvent(0x03, 0x01, -2);
  assert.equal(bytes.length, INPUT_EVENT_SIZE);
  assert.deepEqual([...bytes.subarray(0, 16)], new Array(16).fill(0));
  assert.deepEqual([...bytes.subarray(16)], [0x03, 0x00, 0x01, 0x00, 0xfe, 0xff, 0xff, 0xff]);
  assert.equal(packInputEvents([[1, 2, 3], [0, 0, 0]]).length, 48);
});

Deno.test("packUinputSetup() puts the ids, the NUL-padded name and ff_effects_max in 92 bytes", () => {
  const bytes = packUinputSetup(
    { bustype: 0x03, vendor: 0x045e, product: 0x028e, version: 0x110 },
    "Pad",
    4,
  );
  assert.equal(bytes.length, UINPUT_SETUP_SIZE);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x03, 0, 0x5e, 0x04, 0x8e, 0x02, 0x10, 0x01]);
  assert.deepEqual([...bytes.subarray(8, 12)], [0x50, 0x61, 0x64, 0]);
  assert.deepEqual([...bytes.subarray(88)], [4, 0, 0, 0]);
  assert.throws(
    () => packUinputSetup({ bustype: 0, vendor: 0, product: 0, version: 0 }, "x".repeat(80)),
    {
      name: "RangeError",
      message: "Cannot set up uinput: name must be under 80 bytes, received 80",
    },
  );
});

Deno.test("packAbsSetup() writes the code and input_absinfo at offset 4", () => {
  const bytes = packAbsSetup(0x11, { minimum: -1, maximum: 1, flat: 2 });
  assert.equal(bytes.length, UINPUT_ABS_SETUP_SIZE);
  const view = new DataView(bytes.buffer);
  assert.equal(view.getUint16(0, true), 0x11);
  assert.deepEqual([4, 8, 12, 16, 20, 24].map((o) => view.getInt32(o, true)), [0, -1, 1, 0, 2, 0]);
});

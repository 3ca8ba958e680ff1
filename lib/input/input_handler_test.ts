import assert from "node:assert/strict";
import { InputHandler, type PadSink } from "./input_handler.ts";
import { decodeInput, encodeInput, Op } from "../protocol/input.ts";
import { RecordingSink } from "../../test/fixtures/recording_sink.ts";
import { fakeTime } from "../../test/fixtures/fake_time.ts";

Deno.test("InputHandler types text, scales moves to the screen and turns scroll into wheel clicks", () => {
  const sink = new RecordingSink({ width: 800, height: 600 });
  const handler = new InputHandler(sink);
  handler.handle(encodeInput({ op: Op.Text, text: "Zë\t€" }));
  // A client showing the frame at half size: (320, 240) of 400x300 is (640, 480).
  handler.handle(encodeInput({ op: Op.Move, x: 320, y: 240, width: 400, height: 300 }));
  handler.handle(encodeInput({ op: Op.MoveRelative, dx: -7, dy: 3 }));
  handler.handle(encodeInput({ op: Op.ButtonDown, button: 3 }));
  handler.handle(encodeInput({ op: Op.ButtonUp, button: 3 }));
  handler.handle(encodeInput({ op: Op.Scroll, dx: -1, dy: 2 }));
  assert.deepEqual(sink.calls, [
    "key 5a down",
    "key 5a up",
    "key eb down",
    "key eb up",
    "key ff09 down",
    "key ff09 up",
    "key 20ac down", // € is keysym EuroSign
    "key 20ac up",
    "moveTo 640 480",
    "moveBy -7 3",
    "button 3 down",
    "button 3 up",
    "button 5 down",
    "button 5 up",
    "button 5 down",
    "button 5 up",
    "button 6 down",
    "button 6 up",
  ]);
  assert.deepEqual(handler.stats, { received: 6, accepted: 6, rejected: 0, watchdogReleases: 0 });
  handler.close();
});

Deno.test("InputHandler presses once, releases only what it pressed, and types around held keys", () => {
  const sink = new RecordingSink();
  const handler = new InputHandler(sink);
  handler.handle(encodeInput({ op: Op.KeyDown, keysym: 0x61 }));
  handler.handle(encodeInput({ op: Op.KeyDown, keysym: 0x61 })); // a repeat
  handler.handle(encodeInput({ op: Op.Text, text: "ab" })); // a is held: typing it would release it
  handler.handle(encodeInput({ op: Op.KeyUp, keysym: 0x61 }));
  handler.handle(encodeInput({ op: Op.KeyUp, keysym: 0x61 }));
  handler.handle(encodeInput({ op: Op.ButtonUp, button: 1 })); // never pressed
  assert.deepEqual(sink.calls, ["key 61 down", "key 62 down", "key 62 up", "key 61 up"]);
  handler.close();
});

Deno.test("InputHandler rejects malformed and out-of-range messages and injects nothing", () => {
  const sink = new RecordingSink();
  const handler = new InputHandler(sink);
  const bad = [
    new Uint8Array([]),
    new Uint8Array([0xff]),
    new Uint8Array([Op.KeyDown, 0, 0]),
    new Uint8Array([Op.ButtonDown, 0]),
    new Uint8Array([Op.ButtonDown, 42]),
    new Uint8Array([Op.Move, 0, 10, 0, 10, 0, 5, 0, 5]), // outside its 5x5 frame
    new Uint8Array([Op.Text, 0xc3, 0x28]), // not UTF-8
    new Uint8Array([Op.PadConnect, 9, 1, 1]),
  ];
  // And random bytes, seeded so a failure can be replayed.
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  while (bad.length < 508) {
    const bytes = Uint8Array.from(
      { length: 1 + Math.floor(random() * 12) },
      () => Math.floor(random() * 256),
    );
    // Keep only messages the codec refuses: valid ones would (rightly) inject.
    try {
      decodeInput(bytes);
    } catch {
      bad.push(bytes);
    }
  }
  for (const message of bad) handler.handle(message);
  assert.deepEqual(sink.calls, []);
  assert.deepEqual(handler.stats, {
    received: bad.length,
    accepted: 0,
    rejected: bad.length,
    watchdogReleases: 0,
  });
  handler.close();
});

Deno.test("InputHandler.close() releases what the viewer holds and disconnects its pads", () => {
  const sink = new RecordingSink();
  const pads: string[] = [];
  const padSink: PadSink = {
    connect: (index, shape) => pads.push(`connect ${index} ${shape.buttons}x${shape.axes}`),
    button: (index, button, value) => pads.push(`button ${index} ${button} ${value}`),
    axis: (index, axis, value) => pads.push(`axis ${index} ${axis} ${value}`),
    disconnect: (index) => pads.push(`disconnect ${index}`),
    close: () => pads.push("close"),
  };
  const handler = new InputHandler(sink, { pads: padSink });
  handler.handle(encodeInput({ op: Op.KeyDown, keysym: 0xffe1 }));
  handler.handle(encodeInput({ op: Op.ButtonDown, button: 1 }));
  handler.handle(encodeInput({ op: Op.PadConnect, index: 1, buttons: 17, axes: 4 }));
  handler.handle(encodeInput({ op: Op.PadButton, index: 1, button: 0, value: 0xffff }));
  handler.handle(encodeInput({ op: Op.PadAxis, index: 1, axis: 2, value: -5 }));
  handler.close();
  handler.handle(encodeInput({ op: Op.KeyDown, keysym: 0x61 })); // after close: ignored
  assert.deepEqual(sink.calls, ["key ffe1 down", "button 1 down", "key ffe1 up", "button 1 up"]);
  assert.deepEqual(pads, ["connect 1 17x4", "button 1 0 65535", "axis 1 2 -5", "close"]);
});

Deno.test("InputHandler releases held input after watchdogMs of silence; a heartbeat keeps it held", () => {
  using time = fakeTime();
  const sink = new RecordingSink();
  const handler = new InputHandler(sink, { watchdogMs: 300 });
  handler.handle(encodeInput({ op: Op.KeyDown, keysym: 0x61 }));
  time.tick(299);
  handler.handle(encodeInput({ op: Op.Heartbeat }));
  time.tick(299);
  assert.deepEqual(sink.calls, ["key 61 down"], "still held after a heartbeat");
  time.tick(1);
  assert.deepEqual(sink.calls, ["key 61 down", "key 61 up"]);
  assert.equal(handler.stats.watchdogReleases, 1);
  time.tick(10_000);
  assert.equal(handler.stats.watchdogReleases, 1, "nothing held: no second release");
  handler.close();
});

Deno.test("InputHandler arms no watchdog while nothing is held", () => {
  using time = fakeTime();
  const sink = new RecordingSink();
  const handler = new InputHandler(sink);
  handler.handle(encodeInput({ op: Op.KeyDown, keysym: 0x61 }));
  handler.handle(encodeInput({ op: Op.KeyUp, keysym: 0x61 }));
  handler.handle(encodeInput({ op: Op.Move, x: 1, y: 1, width: 2, height: 2 }));
  time.tick(60_000);
  assert.equal(handler.stats.watchdogReleases, 0);
  assert.deepEqual(sink.calls, ["key 61 down", "key 61 up", "moveTo 400 300"]);
  handler.close();
});

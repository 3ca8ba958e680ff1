import assert from "node:assert/strict";
import { InputHandler, type PadSink } from "./input_handler.ts";
import { decodeInput, encodeInput, INPUT_LIMITS, Op } from "../protocol/input.ts";
import { RecordingSink } from "../../test/fixtures/recording_sink.ts";
import { fakeTime } from "../../test/fixtures/fake_time.ts";

const NOTHING_LIMITED = { rate: 0, heldKeys: 0, scroll: 0, text: 0, pads: 0 };
const NOTHING_REFUSED = { viewOnly: 0, notController: 0 };

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
  assert.deepEqual(handler.stats, {
    received: 6,
    accepted: 6,
    rejected: 0,
    limited: 0,
    limitedBy: NOTHING_LIMITED,
    refused: 0,
    refusedBy: NOTHING_REFUSED,
    watchdogReleases: 0,
  });
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
    limited: 0,
    limitedBy: NOTHING_LIMITED,
    refused: 0,
    refusedBy: NOTHING_REFUSED,
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

/** A pad sink that records connects and disconnects. */
function recordingPads(): PadSink & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    connect: (index) => calls.push(`connect ${index}`),
    button: () => {},
    axis: () => {},
    disconnect: (index) => calls.push(`disconnect ${index}`),
    close: () => calls.push("close"),
  };
}

Deno.test("InputHandler drops messages over the rate limit before decoding them, and counts them", () => {
  using time = fakeTime();
  const sink = new RecordingSink();
  const handler = new InputHandler(sink, { limits: { ...INPUT_LIMITS, rate: 10, burst: 5 } });
  const move = (x: number) => encodeInput({ op: Op.Move, x, y: 0, width: 800, height: 600 });
  for (let x = 0; x < 7; x++) handler.handle(move(x));
  handler.handle(new Uint8Array([0xff])); // malformed, but over the limit: never decoded
  time.tick(99);
  handler.handle(move(50));
  time.tick(1);
  handler.handle(move(60)); // one token per 100 ms
  assert.deepEqual(sink.calls, [0, 1, 2, 3, 4, 60].map((x) => `moveTo ${x} 0`));
  assert.deepEqual(
    [handler.stats.received, handler.stats.accepted, handler.stats.rejected, handler.stats.limited],
    [10, 6, 0, 4],
  );
  assert.deepEqual(handler.stats.limitedBy, { ...NOTHING_LIMITED, rate: 4 });
  handler.close();
});

Deno.test("InputHandler holds at most INPUT_LIMITS.heldKeys keys and close() releases them all", () => {
  const sink = new RecordingSink();
  const handler = new InputHandler(sink);
  const max = INPUT_LIMITS.heldKeys;
  for (let keysym = 0x100; keysym < 0x100 + max + 52; keysym++) {
    handler.handle(encodeInput({ op: Op.KeyDown, keysym }));
  }
  handler.handle(encodeInput({ op: Op.KeyDown, keysym: 0x100 })); // held already: a repeat
  assert.equal(sink.calls.length, max);
  assert.deepEqual(handler.stats.limitedBy, { ...NOTHING_LIMITED, heldKeys: 52 });
  handler.handle(encodeInput({ op: Op.KeyUp, keysym: 0x100 }));
  handler.handle(encodeInput({ op: Op.KeyDown, keysym: 0x61 })); // room again
  assert.deepEqual(sink.calls.slice(max), ["key 100 up", "key 61 down"]);
  sink.calls.length = 0;
  handler.close();
  assert.equal(sink.calls.length, max);
  assert.ok(sink.calls.every((call) => call.endsWith(" up")));
  assert.equal(new Set(sink.calls).size, max, "each held key released once");
});

Deno.test("InputHandler clamps notches per message and drops notches over the per-second budget", () => {
  using time = fakeTime();
  const sink = new RecordingSink();
  const handler = new InputHandler(sink);
  const { notchesPerMessage, notchesBurst, notchesPerSecond } = INPUT_LIMITS;
  handler.handle(encodeInput({ op: Op.Scroll, dx: 0, dy: 127 }));
  assert.equal(sink.calls.length, 2 * notchesPerMessage, "a press and a release per notch");
  assert.ok(sink.calls.every((call) => call.startsWith("button 5 ")));
  assert.equal(handler.stats.limitedBy.scroll, 127 - notchesPerMessage);
  // Spend the rest of the burst, then one more message finds nothing left.
  const left = notchesBurst - notchesPerMessage;
  for (let i = 0; i < left / notchesPerMessage; i++) {
    handler.handle(encodeInput({ op: Op.Scroll, dx: -notchesPerMessage, dy: 0 }));
  }
  sink.calls.length = 0;
  handler.handle(encodeInput({ op: Op.Scroll, dx: 0, dy: -3 }));
  assert.deepEqual(sink.calls, []);
  time.tick(1000 / notchesPerSecond);
  handler.handle(encodeInput({ op: Op.Scroll, dx: 0, dy: -3 }));
  assert.deepEqual(sink.calls, ["button 4 down", "button 4 up"], "one notch earned back");
  assert.equal(handler.stats.limitedBy.scroll, 127 - notchesPerMessage + 3 + 2);
  assert.equal(handler.stats.limited, 0, "scroll messages are cut short, not dropped");
  handler.close();
});

Deno.test("InputHandler types at most textBurst characters at once, then textCharsPerSecond", () => {
  using time = fakeTime();
  const sink = new RecordingSink();
  const handler = new InputHandler(sink);
  const { textBurst, textCharsPerSecond } = INPUT_LIMITS;
  handler.handle(encodeInput({ op: Op.Text, text: "x".repeat(textBurst) }));
  assert.equal(sink.calls.length, 2 * textBurst);
  sink.calls.length = 0;
  handler.handle(encodeInput({ op: Op.Text, text: "ab" })); // nothing left: dropped whole
  time.tick(1000 / textCharsPerSecond);
  handler.handle(encodeInput({ op: Op.Text, text: "ab" })); // one character earned: still whole
  handler.handle(encodeInput({ op: Op.Text, text: "é" }));
  assert.deepEqual(sink.calls, ["key e9 down", "key e9 up"]);
  assert.deepEqual(handler.stats.limitedBy, { ...NOTHING_LIMITED, text: 2 });
  handler.close();
});

Deno.test("InputHandler connects at most padConnects gamepads per padWindowMs", () => {
  using time = fakeTime();
  const pads = recordingPads();
  const handler = new InputHandler(new RecordingSink(), { pads });
  const { padConnects, padWindowMs } = INPUT_LIMITS;
  const connect = encodeInput({ op: Op.PadConnect, index: 0, buttons: 17, axes: 4 });
  const disconnect = encodeInput({ op: Op.PadDisconnect, index: 0 });
  handler.handle(disconnect); // not connected: nothing to do
  for (let i = 0; i < padConnects + 3; i++) {
    handler.handle(connect);
    handler.handle(connect); // connected already: free, and not a second device
    handler.handle(disconnect);
  }
  assert.equal(pads.calls.filter((c) => c === "connect 0").length, padConnects);
  assert.equal(pads.calls.filter((c) => c === "disconnect 0").length, padConnects);
  // Three refused rounds, two refused connects each (the pad never came).
  assert.deepEqual(handler.stats.limitedBy, { ...NOTHING_LIMITED, pads: 6 });
  time.tick(padWindowMs / padConnects);
  handler.handle(connect);
  assert.equal(pads.calls.at(-1), "connect 0", "one connect earned back");
  handler.close();
});

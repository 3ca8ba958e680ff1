import assert from "node:assert/strict";
import { UinputRelativeSink } from "./uinput_mouse.ts";
import { RecordingDevice, RecordingSink } from "../../test/fixtures/recording_sink.ts";
import { fakeTime } from "../../test/fixtures/fake_time.ts";

Deno.test("UinputRelativeSink sends relative motion through X until the X server lists the mouse", async () => {
  using time = fakeTime();
  const x = new RecordingSink();
  const mouse = new RecordingDevice("Skerry Mouse");
  const sink = new UinputRelativeSink(x, mouse, { seenTimeoutMs: 1000, pollMs: 50 });
  sink.moveBy(3, -4);
  time.tick(100);
  x.devices = ["Virtual core pointer", "Skerry Mouse"]; // udev hot-plugged it
  time.tick(49);
  sink.moveBy(1, 1);
  time.tick(1);
  sink.moveBy(5, 6);
  assert.equal(await sink.route, "uinput");
  assert.deepEqual(x.calls, ["moveBy 3 -4", "moveBy 1 1"]);
  assert.deepEqual(mouse.events, [[[2, 0, 5], [2, 1, 6]]]);
  sink.moveTo(10, 20);
  sink.key(0x61, true);
  sink.button(1, true);
  assert.deepEqual(x.calls.slice(2), ["moveTo 10 20", "key 61 down", "button 1 down"]);
  sink.close();
  assert.equal(mouse.closed, true);
  assert.equal(x.closed, true);
});

Deno.test("UinputRelativeSink keeps relative motion on X and closes the mouse when X never lists it", async () => {
  using time = fakeTime();
  const x = new RecordingSink();
  const mouse = new RecordingDevice("Skerry Mouse");
  const sink = new UinputRelativeSink(x, mouse, { seenTimeoutMs: 1000, pollMs: 50 });
  time.tick(999);
  assert.equal(mouse.closed, false);
  time.tick(1);
  assert.equal(await sink.route, "xtest");
  assert.equal(mouse.closed, true);
  x.devices = ["Skerry Mouse"]; // too late: not asked again
  time.tick(5000);
  sink.moveBy(7, 8);
  assert.deepEqual(x.calls, ["moveBy 7 8"]);
  assert.deepEqual(mouse.events, []);
  sink.close();
});

Deno.test("UinputRelativeSink.close() before the X server answered stops watching and settles on XTest", async () => {
  using time = fakeTime();
  const x = new RecordingSink();
  const mouse = new RecordingDevice("Skerry Mouse");
  const sink = new UinputRelativeSink(x, mouse);
  sink.close();
  assert.equal(await sink.route, "xtest");
  assert.equal(mouse.closed, true);
  time.tick(10_000); // no check after close
});

/**
 * The XTest sink on a real Xvfb: what it sends is what an X client receives,
 * on any layout, and nothing stays down.
 */

import assert from "node:assert/strict";
import { XTestInputSink } from "../lib/input/xtest_sink.ts";
import { startXvfb } from "../lib/display.ts";
import { queryPointer } from "../ffi/x11.ts";
import { codePointToKeysym } from "../lib/protocol/keysyms.ts";
import { keysDown } from "./fixtures/x11_client.ts";
import { setLayout } from "./_recorder.ts";
import { startInputRig } from "./_input_rig.ts";
import { waitFor } from "./_harness.ts";

const XK = { Shift_L: 0xffe1, Control_L: 0xffe3, Return: 0xff0d, a: 0x61 };

/** Presses and releases each character's keysym, the way a browser keyboard does. */
function typeKeysyms(sink: XTestInputSink, text: string): void {
  for (const char of text) {
    const keysym = codePointToKeysym(char.codePointAt(0)!);
    sink.key(keysym, true);
    sink.key(keysym, false);
  }
}

const TEXT = "Hello, wörld! €5 ñ Ж 中";

Deno.test({
  name: "XTestInputSink.key() types any character on us, de and fr layouts",
  async fn() {
    await using rig = await startInputRig(640, 480);
    const { display, recorder, sink } = rig;
    for (const layout of ["us", "de", "fr"]) {
      await setLayout(display, layout);
      recorder.clear();
      typeKeysyms(sink, TEXT);
      const n = [...TEXT].length;
      await recorder.until(
        `"${TEXT}" on ${layout}`,
        (e) => e.filter((k) => !k.down && k.text).length >= n,
      );
      assert.equal(recorder.typed(), TEXT, `layout ${layout}`);
      const downs = recorder.events.filter((e) => e.type === "key" && e.down && e.text !== "");
      const ups = recorder.events.filter((e) => e.type === "key" && !e.down && e.text !== "");
      assert.equal(downs.length, [...TEXT].length, "each character pressed exactly once");
      assert.equal(ups.length, downs.length, "and released exactly once");
    }
    assert.ok(sink.stats.keymapReloads >= 2, "the sink followed setxkbmap");
    assert.ok(sink.stats.remaps >= 3, "Ж, 中 and friends used spare keycodes");
  },
});

Deno.test({
  name: "XTestInputSink.key() releases the key it pressed and leaves nothing down",
  async fn() {
    await using rig = await startInputRig(640, 480);
    const { recorder, sink, probe } = rig;
    sink.key(XK.Control_L, true);
    sink.key(XK.a, true);
    sink.key(XK.a, true); // a repeat is not a second press
    sink.key(XK.a, false);
    sink.key(XK.Control_L, false);
    sink.key(XK.Return, false); // never pressed: no stray release
    // X delivers one connection's events in order: once this motion arrived, every key has.
    sink.moveTo(3, 3);
    await recorder.until("the motion after the keys", (e) => e.some((m) => m.type === "motion"));
    assert.deepEqual(
      recorder.events.filter((e) => e.type === "key").map((e) => [e.down, e.keysym]),
      [[true, XK.Control_L], [true, XK.a], [false, XK.a], [false, XK.Control_L]],
    );
    assert.equal(recorder.events[1]!.state & 4, 4, "ControlMask held during 'a'");

    sink.key(XK.Shift_L, true);
    sink.button(1, true);
    await waitFor("one key down", () => keysDown(probe).length === 1);
    await waitFor("button 1 down", () => (queryPointer(probe).mask & 0x1f00) === 0x100);
    sink.releaseAll();
    await waitFor("no key down", () => keysDown(probe).length === 0);
    await waitFor("no button down", () => (queryPointer(probe).mask & 0x1f00) === 0);
  },
});

Deno.test({
  name: "XTestInputSink moves, clicks and scrolls where it is told",
  async fn() {
    await using rig = await startInputRig(800, 600);
    const { recorder, sink, probe } = rig;
    assert.deepEqual(sink.screenSize(), { width: 800, height: 600 });
    const at = (x: number, y: number) => () => {
      const p = queryPointer(probe);
      return p.x === x && p.y === y;
    };
    for (const [x, y] of [[0, 0], [400, 300], [799, 599]] as const) {
      sink.moveTo(x, y);
      await waitFor(`the pointer at ${x},${y}`, at(x, y));
    }
    sink.moveTo(5000, -3); // clamped to the screen
    await waitFor("the pointer clamped to 799,0", at(799, 0));
    sink.moveTo(100, 100);
    await waitFor("the pointer at 100,100", at(100, 100));
    sink.moveBy(25, -10);
    await waitFor("the pointer at 125,90", at(125, 90));
    for (let button = 1; button <= 9; button++) {
      sink.button(button, true);
      sink.button(button, false);
    }
    sink.button(0, true);
    sink.button(10, true);
    await recorder.until(
      "18 button events",
      (e) => e.filter((x) => x.type === "button").length >= 18,
    );
    const buttons = recorder.events.filter((e) => e.type === "button");
    assert.deepEqual(
      buttons.map((e) => `${e.button}${e.down ? "v" : "^"}`),
      [1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((b) => [`${b}v`, `${b}^`]),
    );
    assert.deepEqual([buttons[0]!.x, buttons[0]!.y], [125, 90]);
    assert.equal(sink.stats.ignored, 2);
  },
});

Deno.test({
  name: "XTestInputSink survives its X server going away",
  async fn() {
    const display = await startXvfb({ width: 320, height: 240 });
    const sink = XTestInputSink.open(display.name, display);
    sink.key(XK.a, true);
    await display.stop();
    sink.key(XK.a, false);
    sink.moveTo(1, 1);
    sink.button(1, true);
    sink.releaseAll();
    assert.equal(sink.alive, false);
    assert.ok(sink.stats.ignored >= 2);
    sink.close();
  },
});

Deno.test("XTestInputSink.open() explains a display it cannot open", () => {
  assert.throws(() => XTestInputSink.open(":4343"), {
    message:
      'Cannot open X display ":4343": no X server is listening or it refused this client (check DISPLAY and XAUTHORITY)',
  });
});

import assert from "node:assert/strict";
import { type InputEvent, Op } from "../../lib/protocol/input.ts";
import { KeyboardInput, type KeyboardInputOptions, splitUtf8 } from "./keyboard.ts";
import { type KeyEventLike, keysymForKeyEvent, platformOf } from "./key_keysym.ts";

/** A key event as Chrome reports it, defaults filled in. */
function key(
  key: string,
  code: string,
  extra: Partial<Omit<KeyEventLike, "key" | "code">> = {},
): KeyEventLike {
  return { key, code, location: 0, ...extra };
}

function recorder(options: KeyboardInputOptions = {}) {
  const events: InputEvent[] = [];
  const keyboard = new KeyboardInput((e) => events.push(e), options);
  return { events, keyboard };
}

/** Fake timers: `run()` fires every pending callback. */
function fakeTimers() {
  const pending = new Map<number, () => void>();
  let next = 1;
  return {
    pending,
    setTimeout: (fn: () => void) => {
      pending.set(next, fn);
      return next++;
    },
    clearTimeout: (id: number) => void pending.delete(id),
    run() {
      for (const [id, fn] of [...pending]) {
        pending.delete(id);
        fn();
      }
    },
  };
}

const down = (keysym: number): InputEvent => ({ op: Op.KeyDown, keysym });
const up = (keysym: number): InputEvent => ({ op: Op.KeyUp, keysym });
const text = (text: string): InputEvent => ({ op: Op.Text, text });

Deno.test("keysymForKeyEvent() maps printable characters through codePointToKeysym()", () => {
  assert.equal(keysymForKeyEvent(key("a", "KeyA")), 0x61);
  assert.equal(keysymForKeyEvent(key("A", "KeyA", { shiftKey: true })), 0x41);
  assert.equal(keysymForKeyEvent(key(" ", "Space")), 0x20);
  assert.equal(keysymForKeyEvent(key("ö", "Semicolon")), 0xf6);
  assert.equal(keysymForKeyEvent(key("€", "Digit5", { shiftKey: true })), 0x20ac);
  assert.equal(keysymForKeyEvent(key("Ж", "Semicolon", { shiftKey: true })), 0x6f6);
  assert.equal(keysymForKeyEvent(key("中", "")), 0x01004e2d);
  assert.equal(keysymForKeyEvent(key("😀", "")), 0x0101f600);
});

Deno.test("keysymForKeyEvent() maps named keys", () => {
  assert.equal(keysymForKeyEvent(key("Enter", "Enter")), 0xff0d);
  assert.equal(keysymForKeyEvent(key("Tab", "Tab")), 0xff09);
  assert.equal(keysymForKeyEvent(key("Backspace", "Backspace")), 0xff08);
  assert.equal(keysymForKeyEvent(key("Escape", "Escape")), 0xff1b);
  assert.equal(keysymForKeyEvent(key("ArrowLeft", "ArrowLeft")), 0xff51);
  assert.equal(keysymForKeyEvent(key("ArrowDown", "ArrowDown")), 0xff54);
  assert.equal(keysymForKeyEvent(key("Home", "Home")), 0xff50);
  assert.equal(keysymForKeyEvent(key("End", "End")), 0xff57);
  assert.equal(keysymForKeyEvent(key("PageUp", "PageUp")), 0xff55);
  assert.equal(keysymForKeyEvent(key("PageDown", "PageDown")), 0xff56);
  assert.equal(keysymForKeyEvent(key("Insert", "Insert")), 0xff63);
  assert.equal(keysymForKeyEvent(key("Delete", "Delete")), 0xffff);
  assert.equal(keysymForKeyEvent(key("F1", "F1")), 0xffbe);
  assert.equal(keysymForKeyEvent(key("F12", "F12")), 0xffc9);
  assert.equal(keysymForKeyEvent(key("F24", "F24")), 0xffd5);
  assert.equal(keysymForKeyEvent(key("CapsLock", "CapsLock")), 0xffe5);
  assert.equal(keysymForKeyEvent(key("NumLock", "NumLock")), 0xff7f);
  assert.equal(keysymForKeyEvent(key("ScrollLock", "ScrollLock")), 0xff14);
  assert.equal(keysymForKeyEvent(key("ContextMenu", "ContextMenu")), 0xff67);
  assert.equal(keysymForKeyEvent(key("PrintScreen", "PrintScreen")), 0xff61);
  assert.equal(keysymForKeyEvent(key("Pause", "Pause")), 0xff13);
  assert.equal(keysymForKeyEvent(key("AudioVolumeUp", "AudioVolumeUp")), 0x1008ff13);
});

Deno.test("keysymForKeyEvent() tells left and right modifiers apart by code", () => {
  assert.equal(keysymForKeyEvent(key("Shift", "ShiftLeft", { location: 1 })), 0xffe1);
  assert.equal(keysymForKeyEvent(key("Shift", "ShiftRight", { location: 2 })), 0xffe2);
  assert.equal(keysymForKeyEvent(key("Control", "ControlLeft", { location: 1 })), 0xffe3);
  assert.equal(keysymForKeyEvent(key("Control", "ControlRight", { location: 2 })), 0xffe4);
  assert.equal(keysymForKeyEvent(key("Alt", "AltLeft", { location: 1 })), 0xffe9);
  assert.equal(keysymForKeyEvent(key("Alt", "AltRight", { location: 2 })), 0xffea);
  assert.equal(keysymForKeyEvent(key("AltGraph", "AltRight", { location: 2 })), 0xfe03);
  assert.equal(keysymForKeyEvent(key("Meta", "MetaLeft", { location: 1 })), 0xffeb);
  assert.equal(keysymForKeyEvent(key("Meta", "MetaRight", { location: 2 })), 0xffec);
  assert.equal(keysymForKeyEvent(key("OS", "OSLeft", { location: 1 })), 0xffeb);
  assert.equal(keysymForKeyEvent(key("Shift", "", { location: 2 })), 0xffe2);
});

Deno.test("keysymForKeyEvent() remaps Command and Option on macOS", () => {
  const mac = { mac: true };
  assert.equal(keysymForKeyEvent(key("Meta", "MetaLeft", { location: 1 }), mac), 0xffe9);
  assert.equal(keysymForKeyEvent(key("Meta", "MetaRight", { location: 2 }), mac), 0xffeb);
  assert.equal(keysymForKeyEvent(key("Alt", "AltLeft", { location: 1 }), mac), 0xff7e);
  assert.equal(keysymForKeyEvent(key("Alt", "AltRight", { location: 2 }), mac), 0xfe03);
  assert.equal(keysymForKeyEvent(key("Control", "ControlLeft", { location: 1 }), mac), 0xffe3);
  // Option+e types a character on macOS; it is not a shortcut there.
  assert.equal(keysymForKeyEvent(key("é", "KeyE", { altKey: true }), mac), 0xe9);
});

Deno.test("keysymForKeyEvent() maps numpad keys by location, following Num Lock", () => {
  const pad = (k: string, code: string) => key(k, code, { location: 3 });
  assert.equal(keysymForKeyEvent(pad("1", "Numpad1")), 0xffb1);
  assert.equal(keysymForKeyEvent(pad("End", "Numpad1")), 0xff9c);
  assert.equal(keysymForKeyEvent(pad("Clear", "Numpad5")), 0xff9d);
  assert.equal(keysymForKeyEvent(pad("ArrowUp", "Numpad8")), 0xff97);
  assert.equal(keysymForKeyEvent(pad("Enter", "NumpadEnter")), 0xff8d);
  assert.equal(keysymForKeyEvent(pad("+", "NumpadAdd")), 0xffab);
  assert.equal(keysymForKeyEvent(pad("-", "NumpadSubtract")), 0xffad);
  assert.equal(keysymForKeyEvent(pad("*", "NumpadMultiply")), 0xffaa);
  assert.equal(keysymForKeyEvent(pad("/", "NumpadDivide")), 0xffaf);
  assert.equal(keysymForKeyEvent(pad(".", "NumpadDecimal")), 0xffae);
  assert.equal(keysymForKeyEvent(pad(",", "NumpadDecimal")), 0xffae);
  assert.equal(keysymForKeyEvent(pad("Delete", "NumpadDecimal")), 0xff9f);
  assert.equal(keysymForKeyEvent(pad(",", "NumpadComma")), 0xffac);
  assert.equal(keysymForKeyEvent(pad("=", "NumpadEqual")), 0xffbd);
  assert.equal(keysymForKeyEvent(key("NumLock", "NumLock", { location: 3 })), 0xff7f);
});

Deno.test("keysymForKeyEvent() sends the letter, not the layout's character, with Control, Alt or Meta", () => {
  // Caps Lock on, or Playwright's Control+A: no Shift, so the remote must not add one.
  assert.equal(keysymForKeyEvent(key("A", "KeyA", { ctrlKey: true })), 0x61);
  assert.equal(keysymForKeyEvent(key("A", "KeyA", { ctrlKey: true, shiftKey: true })), 0x41);
  // Russian layout: Ctrl+С is Ctrl+C.
  assert.equal(keysymForKeyEvent(key("с", "KeyC", { ctrlKey: true })), 0x63);
  assert.equal(keysymForKeyEvent(key("ф", "KeyA", { altKey: true })), 0x61);
  assert.equal(keysymForKeyEvent(key("Ф", "KeyA", { ctrlKey: true, shiftKey: true })), 0x41);
  assert.equal(keysymForKeyEvent(key("é", "Digit2", { ctrlKey: true })), 0x32);
  // Without a Latin key at that position the character stays.
  assert.equal(keysymForKeyEvent(key("ö", "Semicolon", { ctrlKey: true })), 0xf6);
  // AltGr (Ctrl+Alt on Windows) types characters: no remapping.
  const altGr = { ctrlKey: true, altKey: true, getModifierState: (k: string) => k === "AltGraph" };
  assert.equal(keysymForKeyEvent(key("@", "KeyQ", altGr)), 0x40);
  assert.equal(keysymForKeyEvent(key("л", "KeyK", altGr)), 0x6cc);
  assert.equal(keysymForKeyEvent(key("ł", "KeyL", altGr)), 0x1b3);
  // Windows browsers that do not report the AltGraph state: Control+Alt is AltGr there.
  const ctrlAlt = { ctrlKey: true, altKey: true };
  assert.equal(keysymForKeyEvent(key("€", "KeyE", ctrlAlt), { windows: true }), 0x20ac);
  assert.equal(keysymForKeyEvent(key("ł", "KeyL", ctrlAlt), { windows: true }), 0x1b3);
  assert.equal(keysymForKeyEvent(key("с", "KeyC", ctrlAlt)), 0x63);
});

Deno.test("keysymForKeyEvent() returns undefined for keys with nothing to send", () => {
  assert.equal(keysymForKeyEvent(key("Dead", "BracketLeft")), undefined);
  assert.equal(keysymForKeyEvent(key("Process", "KeyA")), undefined);
  assert.equal(keysymForKeyEvent(key("Unidentified", "")), undefined);
  assert.equal(keysymForKeyEvent(key("Fn", "Fn")), undefined);
  assert.equal(keysymForKeyEvent(key("\u0001", "KeyA")), undefined);
  assert.equal(keysymForKeyEvent(key("ch", "KeyC")), undefined);
});

Deno.test("platformOf() reads macOS, iOS and Windows from the user agent", () => {
  assert.deepEqual(
    platformOf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36"),
    { mac: true, windows: false },
  );
  assert.deepEqual(platformOf("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"), {
    mac: true,
    windows: false,
  });
  assert.deepEqual(platformOf("Mozilla/5.0 (Windows NT 10.0; Win64; x64)"), {
    mac: false,
    windows: true,
  });
  assert.deepEqual(platformOf("Mozilla/5.0 (X11; Linux x86_64)"), { mac: false, windows: false });
});

Deno.test("splitUtf8() splits at code points within the byte limit", () => {
  assert.deepEqual(splitUtf8("a€中😀", 4), ["a€", "中", "😀"]);
  assert.deepEqual(splitUtf8("", 4), []);
  assert.deepEqual(splitUtf8("Hello"), ["Hello"]);
  assert.deepEqual(splitUtf8("ä".repeat(2000)).map((s) => s.length), [512, 512, 512, 464]);
  assert.deepEqual(splitUtf8("😀".repeat(300)).map((s) => s.length), [512, 88]);
});

Deno.test("KeyboardInput.keydown() and keyup() send the key-down keysym at key-up", () => {
  const { events, keyboard } = recorder();
  assert.equal(keyboard.keydown(key("Shift", "ShiftLeft", { location: 1, shiftKey: true })), true);
  assert.equal(keyboard.keydown(key("A", "KeyA", { shiftKey: true })), true);
  assert.equal(keyboard.held, 2);
  assert.equal(keyboard.keyup(key("Shift", "ShiftLeft", { location: 1 })), true);
  // Shift is up now, so the key reads "a"; the remote must still get the "A" it pressed.
  assert.equal(keyboard.keyup(key("a", "KeyA")), true);
  assert.deepEqual(events, [down(0xffe1), down(0x41), up(0xffe1), up(0x41)]);
  assert.equal(keyboard.held, 0);
});

Deno.test("KeyboardInput.keydown() does not resend autorepeat but still prevents its default", () => {
  const { events, keyboard } = recorder();
  keyboard.keydown(key("a", "KeyA"));
  assert.equal(keyboard.keydown(key("a", "KeyA", { repeat: true })), true);
  assert.equal(keyboard.keydown(key("a", "KeyA", { repeat: true })), true);
  keyboard.keyup(key("a", "KeyA"));
  assert.deepEqual(events, [down(0x61), up(0x61)]);
});

Deno.test("KeyboardInput.keydown() leaves dead keys and input-method keys to the browser", () => {
  const { events, keyboard } = recorder();
  assert.equal(keyboard.keydown(key("Dead", "BracketLeft")), false);
  assert.equal(keyboard.keydown(key("Process", "KeyN")), false);
  assert.equal(keyboard.keydown(key("Unidentified", "", { keyCode: 229 })), false);
  assert.equal(keyboard.keydown(key("n", "KeyN", { isComposing: true })), false);
  assert.equal(keyboard.keyup(key("Dead", "BracketLeft")), false);
  assert.equal(keyboard.keyup(key("n", "KeyN")), false);
  // The composed character after a dead key arrives as an ordinary key.
  assert.equal(keyboard.keydown(key("é", "KeyE")), true);
  keyboard.keyup(key("e", "KeyE"));
  assert.deepEqual(events, [down(0xe9), up(0xe9)]);
});

Deno.test("KeyboardInput.keydown() sends nothing while a composition is open", () => {
  const { events, keyboard } = recorder();
  keyboard.compositionStart();
  assert.equal(keyboard.keydown(key("n", "KeyN")), false);
  keyboard.compositionEnd("你");
  assert.equal(keyboard.keydown(key("a", "KeyA")), true);
  assert.deepEqual(events, [text("你"), down(0x61)]);
});

Deno.test("KeyboardInput.keydown() presses and releases at once when the key has no code", () => {
  const { events, keyboard } = recorder();
  assert.equal(keyboard.keydown(key("q", "")), true);
  assert.equal(keyboard.keyup(key("q", "")), false);
  assert.deepEqual(events, [down(0x71), up(0x71)]);
  assert.equal(keyboard.held, 0);
});

Deno.test("KeyboardInput.keydown() releases the old keysym when a held key changes meaning", () => {
  const { events, keyboard } = recorder();
  keyboard.keydown(key("a", "KeyA"));
  keyboard.keydown(key("ф", "KeyA"));
  keyboard.keyup(key("ф", "KeyA"));
  assert.deepEqual(events, [down(0x61), up(0x61), down(0x6c6), up(0x6c6)]);
});

Deno.test("KeyboardInput.keydown() types a key with several characters as text", () => {
  const { events, keyboard } = recorder();
  assert.equal(keyboard.keydown(key("ij", "KeyY")), true);
  assert.equal(keyboard.keyup(key("ij", "KeyY")), false);
  assert.deepEqual(events, [text("ij")]);
});

Deno.test("KeyboardInput.keyup() of a key that is not held sends nothing", () => {
  const { events, keyboard } = recorder();
  assert.equal(keyboard.keyup(key("f", "KeyF")), false);
  assert.deepEqual(events, []);
});

Deno.test("KeyboardInput.releaseAll() releases each held key once", () => {
  const { events, keyboard } = recorder();
  keyboard.keydown(key("Control", "ControlLeft", { location: 1 }));
  keyboard.keydown(key("Alt", "AltLeft", { location: 1 }));
  keyboard.keydown(key("Delete", "Delete"));
  keyboard.releaseAll();
  keyboard.releaseAll();
  keyboard.keyup(key("Delete", "Delete"));
  assert.deepEqual(events, [
    down(0xffe3),
    down(0xffe9),
    down(0xffff),
    up(0xffe3),
    up(0xffe9),
    up(0xffff),
  ]);
  assert.equal(keyboard.held, 0);
});

Deno.test("KeyboardInput.input() sends text that came without a key-down", () => {
  const { events, keyboard } = recorder();
  keyboard.input({ inputType: "insertText", data: "ö" });
  keyboard.input({ inputType: "insertText", data: "中文" });
  keyboard.input({ inputType: "insertText", data: "" });
  keyboard.input({ inputType: "insertText", data: null });
  keyboard.input({ inputType: "insertFromPaste", data: "pasted" });
  assert.deepEqual(events, [text("ö"), text("中文")]);
});

Deno.test("KeyboardInput.input() turns line breaks and deletions into key presses", () => {
  const { events, keyboard } = recorder();
  keyboard.input({ inputType: "deleteContentBackward", data: null });
  keyboard.input({ inputType: "deleteContentForward", data: null });
  keyboard.input({ inputType: "insertLineBreak", data: null });
  keyboard.input({ inputType: "insertParagraph", data: null });
  assert.deepEqual(events, [
    down(0xff08),
    up(0xff08),
    down(0xffff),
    up(0xffff),
    down(0xff0d),
    up(0xff0d),
    down(0xff0d),
    up(0xff0d),
  ]);
});

Deno.test("KeyboardInput sends a composition once, whichever events report it", () => {
  // Chrome: the last input event is still composing, then compositionend.
  const chrome = recorder();
  chrome.keyboard.compositionStart();
  chrome.keyboard.input({ inputType: "insertCompositionText", data: "ni", isComposing: true });
  chrome.keyboard.input({ inputType: "insertCompositionText", data: "你", isComposing: true });
  chrome.keyboard.compositionEnd("你");
  assert.deepEqual(chrome.events, [text("你")]);
  // Safari: compositionend, then an input event outside the composition.
  const safari = recorder();
  safari.keyboard.compositionStart();
  safari.keyboard.compositionEnd("你");
  safari.keyboard.input({ inputType: "insertFromComposition", data: "你", isComposing: false });
  assert.deepEqual(safari.events, [text("你")]);
  // The other order: the input event first.
  const other = recorder();
  other.keyboard.compositionStart();
  other.keyboard.input({ inputType: "insertCompositionText", data: "é", isComposing: false });
  other.keyboard.compositionEnd("é");
  assert.deepEqual(other.events, [text("é")]);
  // The same word composed twice is sent twice.
  const twice = recorder();
  for (let i = 0; i < 2; i++) {
    twice.keyboard.compositionStart();
    twice.keyboard.compositionEnd("hello");
  }
  assert.deepEqual(twice.events, [text("hello"), text("hello")]);
});

Deno.test("KeyboardInput.text() splits long text into Op.Text messages of at most 1024 bytes", () => {
  const { events, keyboard } = recorder();
  keyboard.text("€".repeat(400));
  assert.deepEqual(events, [text("€".repeat(341)), text("€".repeat(59))]);
});

Deno.test("KeyboardInput turns Playwright's typing of a mixed string into keys and text", () => {
  // keyboard.type(): a key-down per US-layout character (prevented, so no input event);
  // insertText for the rest.
  const { events, keyboard } = recorder();
  const us = /^[\x20-\x7e]$/;
  for (const char of "Hello, wörld! €5 ñ Ж 中") {
    if (us.test(char)) {
      const ev = key(char, "KeyX");
      assert.equal(keyboard.keydown(ev), true);
      keyboard.keyup(ev);
    } else {
      keyboard.input({ inputType: "insertText", data: char });
    }
  }
  const sent = events.map((e) => e.op === Op.Text ? e.text : e.op === Op.KeyDown ? e.keysym : -1)
    .filter((v) => v !== -1);
  assert.deepEqual(sent, [
    0x48,
    0x65,
    0x6c,
    0x6c,
    0x6f,
    0x2c,
    0x20,
    0x77,
    "ö",
    0x72,
    0x6c,
    0x64,
    0x21,
    0x20,
    "€",
    0x35,
    0x20,
    "ñ",
    0x20,
    "Ж",
    0x20,
    "中",
  ]);
  assert.equal(keyboard.held, 0);
});

Deno.test("KeyboardInput merges Windows' fake Control and AltRight into one AltGr", () => {
  const timers = fakeTimers();
  const { events, keyboard } = recorder({ windows: true, ...timers });
  const altGr = { ctrlKey: true, altKey: true, getModifierState: (k: string) => k === "AltGraph" };
  keyboard.keydown(key("Control", "ControlLeft", { location: 1, timeStamp: 100 }));
  keyboard.keydown(key("AltGraph", "AltRight", { location: 2, timeStamp: 100, ...altGr }));
  keyboard.keydown(key("@", "KeyQ", { timeStamp: 200, ...altGr }));
  keyboard.keyup(key("@", "KeyQ", altGr));
  keyboard.keyup(key("Control", "ControlLeft", { location: 1 }));
  keyboard.keyup(key("AltGraph", "AltRight", { location: 2 }));
  assert.deepEqual(events, [down(0xfe03), down(0x40), up(0x40), up(0xfe03)]);
  assert.equal(timers.pending.size, 0);
});

Deno.test("KeyboardInput sends a real Windows Control once the AltGr wait is over", () => {
  const timers = fakeTimers();
  const { events, keyboard } = recorder({ windows: true, ...timers });
  keyboard.keydown(key("Control", "ControlLeft", { location: 1, timeStamp: 100 }));
  assert.deepEqual(events, []);
  timers.run();
  keyboard.keydown(key("c", "KeyC", { ctrlKey: true, timeStamp: 300 }));
  keyboard.keyup(key("c", "KeyC", { ctrlKey: true }));
  keyboard.keyup(key("Control", "ControlLeft", { location: 1 }));
  assert.deepEqual(events, [down(0xffe3), down(0x63), up(0x63), up(0xffe3)]);
});

Deno.test("KeyboardInput sends a Windows Control at once when another key follows it", () => {
  const timers = fakeTimers();
  const { events, keyboard } = recorder({ windows: true, ...timers });
  keyboard.keydown(key("Control", "ControlLeft", { location: 1, timeStamp: 100 }));
  keyboard.keydown(key("a", "KeyA", { ctrlKey: true, timeStamp: 120 }));
  assert.deepEqual(events, [down(0xffe3), down(0x61)]);
  assert.equal(timers.pending.size, 0);
  keyboard.releaseAll();
  assert.deepEqual(events.slice(2), [up(0xffe3), up(0x61)]);
});

Deno.test("KeyboardInput releases both Shifts on Windows when one is released", () => {
  const { events, keyboard } = recorder({ windows: true });
  keyboard.keydown(key("Shift", "ShiftLeft", { location: 1 }));
  keyboard.keydown(key("Shift", "ShiftRight", { location: 2 }));
  keyboard.keyup(key("Shift", "ShiftRight", { location: 2 }));
  assert.deepEqual(events, [down(0xffe1), down(0xffe2), up(0xffe2), up(0xffe1)]);
});

Deno.test("KeyboardInput taps keys pressed with Command and Caps Lock on macOS", () => {
  const { events, keyboard } = recorder({ mac: true });
  keyboard.keydown(key("Meta", "MetaLeft", { location: 1, metaKey: true }));
  keyboard.keydown(key("Shift", "ShiftLeft", { location: 1, metaKey: true }));
  keyboard.keydown(key("z", "KeyZ", { metaKey: true, shiftKey: true }));
  keyboard.keyup(key("Shift", "ShiftLeft", { location: 1, metaKey: true }));
  keyboard.keyup(key("Meta", "MetaLeft", { location: 1 }));
  keyboard.keydown(key("CapsLock", "CapsLock"));
  keyboard.keyup(key("CapsLock", "CapsLock"));
  assert.deepEqual(events, [
    down(0xffe9),
    down(0xffe1),
    down(0x5a),
    up(0x5a),
    up(0xffe1),
    up(0xffe9),
    down(0xffe5),
    up(0xffe5),
    down(0xffe5),
    up(0xffe5),
  ]);
});

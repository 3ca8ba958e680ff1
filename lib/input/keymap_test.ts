import assert from "node:assert/strict";
import type { KeyboardMapping } from "../../ffi/x11.ts";
import { type CaseOf, Keymap, SPARE_POOL } from "./keymap.ts";

const LockMask = 2;
const ShiftMask = 1;
const XK = {
  Shift_L: 0xffe1,
  Caps_Lock: 0xffe5,
  Return: 0xff0d,
  Tab: 0xff09,
  ISO_Left_Tab: 0xfe20,
  a: 0x61,
  A: 0x41,
  y: 0x79,
  z: 0x7a,
  one: 0x31,
  exclam: 0x21,
  question: 0x3f,
  at: 0x40,
  ssharp: 0xdf,
  odiaeresis: 0xf6,
  Odiaeresis: 0xd6,
  eacute: 0xe9,
  udiaeresis: 0xfc,
  Cyrillic_zhe: 0x6d6,
};

/** A core keymap table for keycodes 8-255 with `per` keysyms each; `rows` by keycode. */
function table(rows: Record<number, number[]>, per = 2): KeyboardMapping {
  const keysyms = new BigUint64Array((255 - 8 + 1) * per);
  for (const [keycode, row] of Object.entries(rows)) {
    row.forEach((keysym, i) => keysyms[(Number(keycode) - 8) * per + i] = BigInt(keysym));
  }
  return { minKeycode: 8, maxKeycode: 255, perKeycode: per, keysyms };
}

/** The keys of a US layout the tests use (keycodes as Xvfb's evdev rules give them). */
const US = {
  10: [XK.one, XK.exclam],
  29: [XK.y, 0x59],
  36: [XK.Return],
  38: [XK.a, XK.A],
  50: [XK.Shift_L],
  52: [XK.z, 0x5a],
  66: [XK.Caps_Lock],
};

/** The same keys on a German layout: y and z swapped, ß and umlauts, @ only on AltGr. */
const DE = {
  10: [XK.one, XK.exclam],
  20: [XK.ssharp, XK.question],
  24: [0x71, 0x51, XK.at, 0x7d9],
  29: [XK.z, 0x5a],
  36: [XK.Return],
  38: [XK.a, XK.A],
  47: [XK.odiaeresis, XK.Odiaeresis],
  50: [XK.Shift_L],
  52: [XK.y, 0x59],
  66: [XK.Caps_Lock],
};

/** Latin-1 case pairs, as XConvertCase gives them for these keysyms. */
const caseOf: CaseOf = (keysym) => {
  if (keysym >= 0x100) return { lower: keysym, upper: keysym };
  const char = String.fromCharCode(keysym);
  const [lower, upper] = [char.toLowerCase(), char.toUpperCase()];
  return {
    lower: lower.length === 1 ? lower.charCodeAt(0) : keysym,
    upper: upper.length === 1 && upper.charCodeAt(0) < 0x100 ? upper.charCodeAt(0) : keysym,
  };
};

const none = () => 0;
/** The first empty keycodes of the tables above, in order. */
const SPARES = [8, 9, 11, 12];

Deno.test("Keymap.keyDown() presses a US key as it is and adds Shift for a level-2 symbol", () => {
  const keymap = new Keymap(table(US), caseOf);
  const press = (keysym: number) => {
    const plan = keymap.keyDown(keysym, none);
    keymap.keyUp(keysym);
    return plan;
  };
  const plain = { action: "press", shift: 0, send: true, modifiersChanged: false };
  assert.deepEqual(press(XK.a), { ...plain, keycode: 38 });
  assert.deepEqual(press(XK.A), { ...plain, keycode: 38, shift: 50 });
  assert.deepEqual(press(XK.exclam), { ...plain, keycode: 10, shift: 50 });
  assert.deepEqual(press(XK.one), { ...plain, keycode: 10 });
  let asked = 0;
  keymap.keyDown(XK.Return, () => ++asked);
  assert.equal(asked, 0, "a key without levels does not read the modifiers");
});

Deno.test("Keymap.keyDown() finds the German layout's keys and remaps one it has on AltGr only", () => {
  const keymap = new Keymap(table(DE, 4), caseOf);
  const keycodes = [XK.z, XK.y, XK.ssharp, XK.odiaeresis].map((k) => {
    const plan = keymap.keyDown(k, none);
    return plan.action === "press" ? plan.keycode : plan.action;
  });
  assert.deepEqual(keycodes, [29, 52, 20, 47]);
  assert.deepEqual(keymap.keyDown(XK.question, none), {
    action: "press",
    keycode: 20,
    shift: 50,
    send: false, // ß holds keycode 20 already
    modifiersChanged: false,
  });
  assert.deepEqual(keymap.keyDown(XK.at, none), {
    action: "press",
    remap: { keycode: SPARES[0], keysyms: [XK.at, XK.at, XK.at, XK.at] },
    keycode: SPARES[0],
    shift: 0,
    send: true,
    modifiersChanged: false,
  });
});

Deno.test("Keymap.keyDown() types a keysym the layout lacks through one spare keycode, remapped once", () => {
  const keymap = new Keymap(table(US), caseOf);
  const first = keymap.keyDown(XK.eacute, none);
  assert.deepEqual(first, {
    action: "press",
    remap: { keycode: 8, keysyms: [XK.eacute, XK.eacute] },
    keycode: 8,
    shift: 0,
    send: true,
    modifiersChanged: false,
  });
  assert.deepEqual(keymap.keyUp(XK.eacute), { keycode: 8, send: true, modifiersChanged: false });
  const again = keymap.keyDown(XK.eacute, none);
  assert.equal(again.action === "press" && again.keycode, 8);
  assert.equal(again.action === "press" && again.remap, undefined, "no second remap");
  const zhe = keymap.keyDown(XK.Cyrillic_zhe, none);
  assert.equal(zhe.action === "press" && zhe.remap?.keycode, 9, "the next spare");
});

Deno.test("Keymap.keyUp() releases the keycode key-down pressed, once, after its last holder", () => {
  const keymap = new Keymap(table(US), caseOf);
  keymap.keyDown(XK.a, none);
  assert.deepEqual(keymap.keyDown(XK.a, none), { action: "none" }, "a repeat is no second press");
  const shifted = keymap.keyDown(XK.A, none);
  assert.equal(shifted.action === "press" && shifted.send, false, "38 is down already");
  assert.deepEqual(keymap.keyUp(XK.a), { keycode: 38, send: false, modifiersChanged: false });
  assert.deepEqual(keymap.keyUp(XK.A), { keycode: 38, send: true, modifiersChanged: false });
  assert.equal(keymap.keyUp(XK.A), undefined, "released already");
  assert.equal(keymap.keyUp(XK.Return), undefined, "never pressed");
});

Deno.test("Keymap.keyDown() drops a keysym when every spare is held and never steals a held one", () => {
  const keymap = new Keymap(table(US), caseOf);
  const unicode = (i: number) => 0x1000400 + i;
  const held = new Set<number>();
  for (let i = 0; i < SPARE_POOL; i++) {
    const plan = keymap.keyDown(unicode(i), none);
    assert.ok(plan.action === "press" && plan.remap, `remap ${i}`);
    assert.equal(held.has(plan.keycode), false);
    held.add(plan.keycode);
  }
  assert.deepEqual(keymap.keyDown(unicode(SPARE_POOL), none), { action: "drop" });
  const freed = keymap.keyUp(unicode(3))!.keycode;
  const plan = keymap.keyDown(unicode(SPARE_POOL), none);
  assert.equal(plan.action, "press");
  assert.deepEqual(plan.action === "press" && plan.remap, {
    keycode: freed,
    keysyms: [unicode(SPARE_POOL), unicode(SPARE_POOL)],
  });
});

Deno.test("Keymap reuses the least recently used spare when the pool is full", () => {
  const keymap = new Keymap(table(US), caseOf, { spares: 2 });
  const type = (keysym: number) => {
    const plan = keymap.keyDown(keysym, none);
    keymap.keyUp(keysym);
    return plan.action === "press" ? [plan.keycode, plan.remap !== undefined] : plan.action;
  };
  assert.deepEqual(type(0x1000401), [8, true]);
  assert.deepEqual(type(0x1000402), [9, true]);
  assert.deepEqual(type(0x1000401), [8, false]); // 8 is now the most recently used
  assert.deepEqual(type(0x1000403), [9, true]);
  assert.deepEqual(type(0x1000402), [8, true]);
});

Deno.test("Keymap.reload() keeps the remaps the server's table carries and drops those setxkbmap replaced", () => {
  const keymap = new Keymap(table(US), caseOf);
  keymap.keyDown(XK.eacute, none);
  keymap.keyUp(XK.eacute);
  // Our own MappingNotify: the server's table now has é on keycode 8.
  keymap.reload(table({ ...US, 8: [XK.eacute, XK.eacute] }));
  const kept = keymap.keyDown(XK.eacute, none);
  assert.equal(kept.action === "press" && kept.keycode, 8);
  assert.equal(kept.action === "press" && kept.remap, undefined);
  keymap.keyUp(XK.eacute);
  // setxkbmap de: a new table, keycode 8 given a key of the layout.
  keymap.reload(table({ ...DE, 8: [XK.udiaeresis, 0xdc] }));
  assert.deepEqual(keymap.keyDown(XK.udiaeresis, none), {
    action: "press",
    keycode: 8,
    shift: 0,
    send: true,
    modifiersChanged: false,
  });
  const moved = keymap.keyDown(XK.eacute, none);
  assert.deepEqual(moved.action === "press" && moved.remap, {
    keycode: 9,
    keysyms: [XK.eacute, XK.eacute],
  });
  const z = keymap.keyDown(XK.z, none);
  assert.equal(z.action === "press" && z.keycode, 29, "the German z");
});

Deno.test("Keymap.keyDown() under Caps Lock inverts letters only", () => {
  const keymap = new Keymap(table(US), caseOf);
  const lock = () => LockMask;
  const press = (keysym: number, mods: () => number) => {
    const plan = keymap.keyDown(keysym, mods);
    keymap.keyUp(keysym);
    return plan.action === "press" ? [plan.keycode, plan.shift, plan.remap !== undefined] : [];
  };
  assert.deepEqual(press(XK.A, lock), [38, 0, false], "Lock makes 38 type A");
  assert.deepEqual(press(XK.a, lock), [8, 0, true], "a goes through a spare");
  assert.deepEqual(press(XK.one, lock), [10, 0, false], "digits ignore Lock");
  assert.deepEqual(press(XK.exclam, lock), [10, 50, false]);
  keymap.keyDown(XK.Shift_L, lock);
  assert.deepEqual(press(XK.a, lock), [38, 0, false], "Shift undoes Lock");
  assert.deepEqual(press(XK.A, lock), [9, 0, true], "so A needs a spare");
});

Deno.test("Keymap.keyDown() trusts the Shift it holds over the modifier state it is given", () => {
  const keymap = new Keymap(table(US), caseOf);
  assert.deepEqual(keymap.keyDown(XK.Shift_L, none), {
    action: "press",
    keycode: 50,
    shift: 0,
    send: true,
    modifiersChanged: true,
  });
  const upper = keymap.keyDown(XK.A, none); // a stale read without Shift
  assert.equal(upper.action === "press" && upper.shift, 0, "no second Shift");
  const digit = keymap.keyDown(XK.one, none);
  assert.equal(digit.action === "press" && digit.remap?.keycode, 8, "1 under Shift needs a spare");
  assert.deepEqual(keymap.keyUp(XK.Shift_L), { keycode: 50, send: true, modifiersChanged: false });
  keymap.keyDown(XK.Caps_Lock, none);
  assert.deepEqual(keymap.keyUp(XK.Caps_Lock), { keycode: 66, send: true, modifiersChanged: true });
  const lower = keymap.keyDown(XK.a, () => ShiftMask); // a stale read with Shift
  assert.equal(lower.action === "press" && lower.keycode, 38);
});

Deno.test("Keymap.keyDown() lets a held Shift apply to keys that are not characters", () => {
  const keymap = new Keymap(table({ ...US, 23: [XK.Tab, XK.ISO_Left_Tab] }), caseOf);
  keymap.keyDown(XK.Shift_L, none);
  const tab = keymap.keyDown(XK.Tab, none);
  assert.deepEqual(tab.action === "press" && [tab.keycode, tab.shift, tab.remap], [
    23,
    0,
    undefined,
  ]);
  const enter = keymap.keyDown(XK.Return, none);
  assert.equal(enter.action === "press" && enter.keycode, 36);
});

Deno.test("Keymap.keyDown() types a level-2 symbol through a spare when no Shift key exists", () => {
  const { 50: _shift, ...noShift } = US;
  const keymap = new Keymap(table(noShift), caseOf);
  const plan = keymap.keyDown(XK.exclam, none);
  assert.deepEqual(plan.action === "press" && plan.remap, {
    keycode: 8,
    keysyms: [XK.exclam, XK.exclam],
  });
});

Deno.test("Keymap.releaseAll() and undoRemaps() return what to release and what to empty", () => {
  const keymap = new Keymap(table(US), caseOf);
  keymap.keyDown(XK.a, none);
  keymap.keyDown(XK.A, none);
  keymap.keyDown(XK.eacute, none);
  assert.deepEqual(keymap.releaseAll(), [38, 8]);
  assert.deepEqual(keymap.releaseAll(), []);
  assert.equal(keymap.keyUp(XK.a), undefined);
  assert.deepEqual(keymap.undoRemaps(), [{ keycode: 8, keysyms: [0, 0] }]);
  assert.deepEqual(keymap.undoRemaps(), []);
  const again = keymap.keyDown(XK.eacute, none);
  assert.equal(again.action === "press" && again.remap?.keycode, 8, "remapped afresh");
});

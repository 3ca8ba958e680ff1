import assert from "node:assert/strict";
import {
  ESCAPE_HOLD_MS,
  EscapeHold,
  isDevtoolsShortcut,
  isPointerLockClick,
  matchShortcut,
  setKeyboardLock,
  type ShortcutKeyLike,
} from "./shortcuts.ts";

const NONE = { ctrlKey: false, shiftKey: false, altKey: false, metaKey: false };
const CTRL_SHIFT = { ...NONE, ctrlKey: true, shiftKey: true };

function key(key: string, code: string, mods: Partial<ShortcutKeyLike> = {}): ShortcutKeyLike {
  return { key, code, ...NONE, ...mods };
}

Deno.test("matchShortcut() finds Ctrl+Shift+F and Ctrl+Shift+M by physical key", () => {
  assert.equal(matchShortcut(key("F", "KeyF", CTRL_SHIFT)), "fullscreen");
  assert.equal(matchShortcut(key("M", "KeyM", CTRL_SHIFT)), "menu");
  // AZERTY or Cyrillic layouts: the key differs, the code does not.
  assert.equal(matchShortcut(key("А", "KeyF", CTRL_SHIFT)), "fullscreen");
  assert.equal(matchShortcut(key("?", "KeyM", CTRL_SHIFT)), "menu");
  // Virtual keyboards without a code.
  assert.equal(matchShortcut(key("f", "", CTRL_SHIFT)), "fullscreen");
});

Deno.test("matchShortcut() finds Ctrl+Shift+. for the statistics overlay, not Ctrl+Shift+S", () => {
  assert.equal(matchShortcut(key(">", "Period", CTRL_SHIFT)), "stats");
  assert.equal(matchShortcut(key(":", "Period", CTRL_SHIFT)), "stats");
  assert.equal(matchShortcut(key(".", "", CTRL_SHIFT)), "stats");
  assert.equal(matchShortcut(key(">", "Period", { ctrlKey: true })), undefined);
  assert.equal(matchShortcut(key("S", "KeyS", CTRL_SHIFT)), undefined, "Save As stays remote");
});

Deno.test("matchShortcut() ignores other combinations", () => {
  assert.equal(matchShortcut(key("f", "KeyF", { ctrlKey: true })), undefined);
  assert.equal(matchShortcut(key("F", "KeyF", { shiftKey: true })), undefined);
  assert.equal(matchShortcut(key("F", "KeyF", { ...CTRL_SHIFT, altKey: true })), undefined);
  assert.equal(matchShortcut(key("F", "KeyF", { ...CTRL_SHIFT, metaKey: true })), undefined);
  assert.equal(matchShortcut(key("C", "KeyC", CTRL_SHIFT)), undefined);
  assert.equal(matchShortcut(key("F", "KeyF")), undefined);
});

Deno.test("isPointerLockClick() is a Ctrl+Shift left click only", () => {
  assert.equal(isPointerLockClick({ ...CTRL_SHIFT, button: 0 }), true);
  assert.equal(isPointerLockClick({ ...CTRL_SHIFT, button: 2 }), false);
  assert.equal(isPointerLockClick({ ...NONE, ctrlKey: true, button: 0 }), false);
  assert.equal(isPointerLockClick({ ...CTRL_SHIFT, altKey: true, button: 0 }), false);
  assert.equal(isPointerLockClick({ ...NONE, button: 0 }), false);
});

Deno.test("isDevtoolsShortcut() matches Ctrl+Shift+I and Command+Option+I", () => {
  assert.equal(isDevtoolsShortcut(key("I", "KeyI", CTRL_SHIFT)), true);
  assert.equal(isDevtoolsShortcut(key("ˆ", "KeyI", { metaKey: true, altKey: true })), true);
  assert.equal(isDevtoolsShortcut(key("i", "KeyI", { ctrlKey: true })), false);
  assert.equal(isDevtoolsShortcut(key("C", "KeyC", CTRL_SHIFT)), false);
  assert.equal(isDevtoolsShortcut(key("F12", "F12")), false);
});

function timers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 1;
  return {
    pending,
    setTimeout: (fn: () => void, ms: number) => {
      pending.set(next, { fn, ms });
      return next++;
    },
    clearTimeout: (id: number) => void pending.delete(id),
    fire() {
      for (const [id, t] of [...pending]) {
        pending.delete(id);
        t.fn();
      }
    },
  };
}

Deno.test("EscapeHold calls back once when Escape is held long enough", () => {
  const t = timers();
  let held = 0;
  const hold = new EscapeHold(() => held++, t);
  hold.keydown({ key: "Escape", code: "Escape" });
  hold.keydown({ key: "Escape", code: "Escape", repeat: true });
  assert.equal(t.pending.size, 1);
  assert.equal([...t.pending.values()][0]?.ms, ESCAPE_HOLD_MS);
  t.fire();
  assert.equal(held, 1);
  hold.keyup({ key: "Escape" });
  assert.equal(held, 1);
});

Deno.test("EscapeHold does nothing when Escape is released early or another key comes", () => {
  const t = timers();
  let held = 0;
  const hold = new EscapeHold(() => held++, t);
  hold.keydown({ key: "Escape", code: "Escape" });
  hold.keyup({ key: "Escape" });
  assert.equal(t.pending.size, 0);
  hold.keydown({ key: "Escape", code: "Escape" });
  hold.keydown({ key: "a", code: "KeyA" });
  assert.equal(t.pending.size, 0);
  hold.keydown({ key: "Escape", code: "Escape" });
  hold.cancel();
  t.fire();
  assert.equal(held, 0);
});

Deno.test("setKeyboardLock() locks in fullscreen and unlocks outside it", () => {
  const calls: string[] = [];
  const nav = {
    keyboard: {
      lock: () => {
        calls.push("lock");
        return Promise.resolve();
      },
      unlock: () => void calls.push("unlock"),
    },
  } as unknown as Navigator;
  assert.equal(setKeyboardLock(true, nav), true);
  assert.equal(setKeyboardLock(false, nav), false);
  assert.deepEqual(calls, ["lock", "unlock"]);
  assert.equal(setKeyboardLock(true, {} as Navigator), false);
});

Deno.test("setKeyboardLock() swallows a refused lock", async () => {
  const nav = {
    keyboard: { lock: () => Promise.reject(new Error("not allowed")), unlock: () => {} },
  } as unknown as Navigator;
  assert.equal(setKeyboardLock(true, nav), true);
  await new Promise((resolve) => setTimeout(resolve, 0));
});

import assert from "node:assert/strict";
import { decodeInput, type InputEvent, Op } from "../../lib/protocol/input.ts";
import { attachInput, type AttachInputOptions, toggleSoftKeyboard } from "./input.ts";

// A small stand-in for the DOM: just what attachInput() touches, on Deno's EventTarget.

class FakeStyle {
  [name: string]: unknown;
  touchAction = "";
  #props = new Map<string, string>();
  setProperty(name: string, value: string): void {
    this.#props.set(name, value);
  }
  getPropertyValue(name: string): string {
    return this.#props.get(name) ?? "";
  }
}

class FakeNode extends EventTarget {
  style = new FakeStyle();
  children: FakeNode[] = [];
  parent: FakeNode | undefined;
  attributes = new Map<string, string>();
  constructor(readonly ownerDocument: FakeDocument) {
    super();
  }
  append(child: FakeNode): void {
    child.parent = this;
    this.children.push(child);
  }
  remove(): void {
    this.parent?.children.splice(this.parent.children.indexOf(this), 1);
    this.parent = undefined;
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  focus(): void {
    this.ownerDocument.setActive(this);
  }
  blur(): void {
    if (this.ownerDocument.activeElement === this) this.ownerDocument.setActive(null);
  }
  requestFullscreen(): Promise<void> {
    this.ownerDocument.fullscreenElement = this;
    this.ownerDocument.dispatchEvent(new Event("fullscreenchange"));
    return Promise.resolve();
  }
}

class FakeTextarea extends FakeNode {
  value = "";
  autocomplete = "";
  spellcheck = true;
}

class FakeVideo extends FakeNode {
  videoWidth = 1280;
  videoHeight = 720;
  captured: number[] = [];
  lockRequests = 0;
  getBoundingClientRect() {
    // 1280x720 shown in 1000x1000: scale 0.78125, picture from y = 218.75.
    return { left: 0, top: 0, width: 1000, height: 1000 };
  }
  setPointerCapture(id: number): void {
    this.captured.push(id);
  }
  requestPointerLock(): Promise<void> {
    this.lockRequests++;
    this.ownerDocument.pointerLockElement = this;
    this.ownerDocument.dispatchEvent(new Event("pointerlockchange"));
    return Promise.resolve();
  }
}

class FakeWindow extends EventTarget {
  keyboardCalls: string[] = [];
  navigator = {
    userAgent: "Mozilla/5.0 (X11; Linux x86_64)",
    getGamepads: () => [],
    keyboard: {
      lock: () => {
        this.keyboardCalls.push("lock");
        return Promise.resolve();
      },
      unlock: () => void this.keyboardCalls.push("unlock"),
    },
  };
  intervals = new Map<number, () => void>();
  frames = new Map<number, () => void>();
  #next = 1;
  finePointer = true;
  matchMedia = () => ({ matches: this.finePointer });
  setInterval = (fn: () => void) => {
    this.intervals.set(this.#next, fn);
    return this.#next++;
  };
  clearInterval = (id: number) => void this.intervals.delete(id);
  requestAnimationFrame = (fn: () => void) => {
    this.frames.set(this.#next, fn);
    return this.#next++;
  };
  cancelAnimationFrame = (id: number) => void this.frames.delete(id);
  tick(): void {
    for (const fn of this.intervals.values()) fn();
  }
}

class FakeDocument extends EventTarget {
  activeElement: FakeNode | null = null;
  fullscreenElement: FakeNode | null = null;
  pointerLockElement: FakeNode | null = null;
  visibilityState = "visible";
  defaultView = new FakeWindow();
  createElement(): FakeTextarea {
    return new FakeTextarea(this);
  }
  setActive(node: FakeNode | null): void {
    const previous = this.activeElement;
    if (previous === node) return;
    this.activeElement = node;
    previous?.dispatchEvent(new Event("blur"));
  }
  exitFullscreen(): Promise<void> {
    this.fullscreenElement = null;
    this.dispatchEvent(new Event("fullscreenchange"));
    return Promise.resolve();
  }
  exitPointerLock(): void {
    this.pointerLockElement = null;
    this.dispatchEvent(new Event("pointerlockchange"));
  }
}

/** An event with extra read-only fields (`timeStamp` is a getter on Event, so define them). */
function fakeEvent(type: string, fields: Record<string, unknown> = {}): Event {
  const ev = new Event(type, { cancelable: true });
  for (const [name, value] of Object.entries(fields)) {
    Object.defineProperty(ev, name, { value, enumerable: true });
  }
  return ev;
}

function keyEvent(type: "keydown" | "keyup", key: string, code: string, extra = {}): Event {
  return fakeEvent(type, {
    key,
    code,
    location: 0,
    repeat: false,
    isComposing: false,
    keyCode: 0,
    ctrlKey: false,
    shiftKey: false,
    altKey: false,
    metaKey: false,
    ...extra,
  });
}

function pointerEvent(type: string, fields: Record<string, unknown>): Event {
  return fakeEvent(type, {
    pointerType: "mouse",
    pointerId: 1,
    button: -1,
    buttons: 0,
    clientX: 0,
    clientY: 0,
    movementX: 0,
    movementY: 0,
    ctrlKey: false,
    shiftKey: false,
    altKey: false,
    metaKey: false,
    ...fields,
  });
}

function setup(options: Partial<AttachInputOptions> = {}, finePointer = true) {
  const doc = new FakeDocument();
  doc.defaultView.finePointer = finePointer;
  const element = new FakeNode(doc);
  const video = new FakeVideo(doc);
  element.append(video);
  const sent: InputEvent[] = [];
  let menus = 0;
  const detach = attachInput({
    element: element as unknown as HTMLElement,
    video: video as unknown as HTMLVideoElement,
    send: (message) => sent.push(decodeInput(message)),
    onMenu: () => menus++,
    ...options,
  });
  const textarea = element.children.find((c) => c instanceof FakeTextarea) as
    | FakeTextarea
    | undefined;
  return { doc, win: doc.defaultView, element, video, textarea, sent, detach, menus: () => menus };
}

const keyDown = (keysym: number): InputEvent => ({ op: Op.KeyDown, keysym });
const keyUp = (keysym: number): InputEvent => ({ op: Op.KeyUp, keysym });

Deno.test("attachInput() focuses its hidden textarea and forwards keys typed into it", () => {
  const { doc, textarea, sent, detach } = setup();
  assert.ok(textarea);
  assert.equal(doc.activeElement, textarea);
  const down = keyEvent("keydown", "a", "KeyA");
  textarea.dispatchEvent(down);
  const up = keyEvent("keyup", "a", "KeyA");
  textarea.dispatchEvent(up);
  assert.equal(down.defaultPrevented, true);
  assert.equal(up.defaultPrevented, true);
  assert.deepEqual(sent, [keyDown(0x61), keyUp(0x61)]);
  detach();
});

Deno.test("attachInput() sends text without a key-down as Op.Text and empties the textarea", () => {
  const { textarea, sent, detach } = setup();
  assert.ok(textarea);
  textarea.value = "ö";
  textarea.dispatchEvent(
    fakeEvent("input", { inputType: "insertText", data: "ö", isComposing: false }),
  );
  assert.equal(textarea.value, "");
  const dead = keyEvent("keydown", "Dead", "BracketLeft");
  textarea.dispatchEvent(dead);
  assert.equal(dead.defaultPrevented, false);
  assert.deepEqual(sent, [{ op: Op.Text, text: "ö" }]);
  detach();
});

Deno.test("attachInput() keeps Ctrl+Shift+F local, toggles fullscreen and locks the keyboard", async () => {
  const { doc, win, element, textarea, sent, detach } = setup();
  assert.ok(textarea);
  const ctrlShift = { ctrlKey: true, shiftKey: true };
  textarea.dispatchEvent(keyEvent("keydown", "Control", "ControlLeft", { location: 1 }));
  textarea.dispatchEvent(keyEvent("keydown", "Shift", "ShiftLeft", { location: 1, ctrlKey: true }));
  const f = keyEvent("keydown", "F", "KeyF", ctrlShift);
  textarea.dispatchEvent(f);
  textarea.dispatchEvent(keyEvent("keyup", "F", "KeyF", ctrlShift));
  await Promise.resolve();
  assert.equal(f.defaultPrevented, true);
  assert.equal(doc.fullscreenElement, element);
  assert.deepEqual(win.keyboardCalls, ["lock"]);
  assert.deepEqual(sent, [keyDown(0xffe3), keyDown(0xffe1)]);
  detach();
  assert.deepEqual(win.keyboardCalls, ["lock", "unlock"]);
});

Deno.test("attachInput() calls onMenu on Ctrl+Shift+M and forwards nothing of the M", () => {
  const { textarea, sent, detach, menus } = setup();
  assert.ok(textarea);
  textarea.dispatchEvent(keyEvent("keydown", "M", "KeyM", { ctrlKey: true, shiftKey: true }));
  textarea.dispatchEvent(
    keyEvent("keydown", "M", "KeyM", { ctrlKey: true, shiftKey: true, repeat: true }),
  );
  textarea.dispatchEvent(keyEvent("keyup", "M", "KeyM", { ctrlKey: true, shiftKey: true }));
  assert.equal(menus(), 1);
  assert.deepEqual(sent, []);
  detach();
});

Deno.test("attachInput() leaves Ctrl+Shift+I to the browser's developer tools", () => {
  const { textarea, sent, detach } = setup();
  assert.ok(textarea);
  const i = keyEvent("keydown", "I", "KeyI", { ctrlKey: true, shiftKey: true });
  textarea.dispatchEvent(i);
  assert.equal(i.defaultPrevented, false);
  assert.deepEqual(sent, []);
  detach();
});

Deno.test("attachInput() maps a click in the letterboxed video to Move and button 1", () => {
  const { video, sent, detach } = setup();
  video.dispatchEvent(pointerEvent("pointermove", { clientX: 500, clientY: 500 }));
  video.dispatchEvent(
    pointerEvent("pointerdown", { clientX: 500, clientY: 500, button: 0, buttons: 1 }),
  );
  video.dispatchEvent(
    pointerEvent("pointerup", { clientX: 500, clientY: 500, button: 0, buttons: 0 }),
  );
  const mousedown = fakeEvent("mousedown");
  video.dispatchEvent(mousedown);
  const menu = fakeEvent("contextmenu");
  video.dispatchEvent(menu);
  assert.equal(mousedown.defaultPrevented, true);
  assert.equal(menu.defaultPrevented, true);
  assert.deepEqual(video.captured, [1]);
  assert.deepEqual(sent, [
    { op: Op.Move, x: 640, y: 360, width: 1280, height: 720 },
    { op: Op.ButtonDown, button: 1 },
    { op: Op.ButtonUp, button: 1 },
  ]);
  detach();
});

Deno.test("attachInput() locks the pointer on Ctrl+Shift+click and then sends relative motion", () => {
  const { video, sent, detach } = setup();
  const mods = { ctrlKey: true, shiftKey: true };
  video.dispatchEvent(
    pointerEvent("pointerdown", { ...mods, clientX: 0, clientY: 218.75, button: 0, buttons: 1 }),
  );
  assert.equal(video.lockRequests, 1);
  video.dispatchEvent(pointerEvent("pointerup", { ...mods, button: 0, buttons: 0 }));
  // The first locked move is Chrome's jump from the old cursor position: dropped.
  video.dispatchEvent(pointerEvent("pointermove", { movementX: 400, movementY: -300 }));
  video.dispatchEvent(pointerEvent("pointermove", { movementX: 5, movementY: -2 }));
  video.dispatchEvent(pointerEvent("pointerdown", { button: 0, buttons: 1 }));
  video.dispatchEvent(pointerEvent("pointerup", { button: 0, buttons: 0 }));
  assert.deepEqual(sent, [
    { op: Op.Move, x: 0, y: 0, width: 1280, height: 720 },
    { op: Op.MoveRelative, dx: 5, dy: -2 },
    { op: Op.ButtonDown, button: 1 },
    { op: Op.ButtonUp, button: 1 },
  ]);
  detach();
});

Deno.test("attachInput() scrolls by wheel notches and keeps the page still", () => {
  const { video, sent, detach } = setup();
  const wheel = fakeEvent("wheel", { deltaMode: 0, deltaX: 0, deltaY: 100, timeStamp: 10 });
  video.dispatchEvent(wheel);
  video.dispatchEvent(fakeEvent("wheel", { deltaMode: 1, deltaX: 0, deltaY: -3, timeStamp: 20 }));
  assert.equal(wheel.defaultPrevented, true);
  assert.deepEqual(sent, [{ op: Op.Scroll, dx: 0, dy: 1 }, { op: Op.Scroll, dx: 0, dy: -1 }]);
  detach();
});

Deno.test("attachInput() sends a heartbeat each second only while something is held", () => {
  const { win, textarea, sent, detach } = setup();
  assert.ok(textarea);
  win.tick();
  textarea.dispatchEvent(keyEvent("keydown", "w", "KeyW"));
  win.tick();
  win.tick();
  textarea.dispatchEvent(keyEvent("keyup", "w", "KeyW"));
  win.tick();
  assert.deepEqual(sent, [
    keyDown(0x77),
    { op: Op.Heartbeat },
    { op: Op.Heartbeat },
    keyUp(0x77),
  ]);
  detach();
  assert.equal(win.intervals.size, 0);
});

Deno.test("attachInput() releases held keys and buttons when the window loses focus", () => {
  const { doc, win, video, textarea, sent, detach } = setup();
  assert.ok(textarea);
  textarea.dispatchEvent(keyEvent("keydown", "Alt", "AltLeft", { location: 1 }));
  video.dispatchEvent(
    pointerEvent("pointerdown", { clientX: 500, clientY: 500, button: 2, buttons: 2 }),
  );
  win.dispatchEvent(new Event("blur"));
  // Nothing new held: later losses of focus send nothing.
  doc.visibilityState = "hidden";
  doc.dispatchEvent(new Event("visibilitychange"));
  textarea.dispatchEvent(keyEvent("keyup", "Alt", "AltLeft", { location: 1 }));
  assert.deepEqual(sent, [
    keyDown(0xffe9),
    { op: Op.Move, x: 640, y: 360, width: 1280, height: 720 },
    { op: Op.ButtonDown, button: 3 },
    keyUp(0xffe9),
    { op: Op.ButtonUp, button: 3 },
    { op: Op.ReleaseAll },
  ]);
  detach();
});

Deno.test("attachInput() releases held keys when its textarea loses focus", () => {
  const { doc, textarea, sent, detach } = setup();
  assert.ok(textarea);
  textarea.dispatchEvent(keyEvent("keydown", "Shift", "ShiftRight", { location: 2 }));
  doc.setActive(null);
  assert.deepEqual(sent, [keyDown(0xffe2), keyUp(0xffe2), { op: Op.ReleaseAll }]);
  detach();
});

Deno.test("attachInput() turns touches into clicks without opening the phone keyboard", () => {
  const { doc, video, sent, detach } = setup({}, false);
  assert.equal(doc.activeElement, null);
  const touch = { pointerType: "touch", pointerId: 7, clientX: 500, clientY: 500 };
  video.dispatchEvent(
    pointerEvent("pointerdown", { ...touch, button: 0, buttons: 1, timeStamp: 0 }),
  );
  video.dispatchEvent(
    pointerEvent("pointerup", { ...touch, button: 0, buttons: 0, timeStamp: 90 }),
  );
  assert.equal(doc.activeElement, null);
  assert.equal(video.style.touchAction, "none");
  assert.deepEqual(sent, [
    { op: Op.Move, x: 640, y: 360, width: 1280, height: 720 },
    { op: Op.ButtonDown, button: 1 },
    { op: Op.ButtonUp, button: 1 },
  ]);
  detach();
  assert.equal(video.style.touchAction, "");
});

Deno.test("toggleSoftKeyboard() focuses and blurs the textarea of an attached element", () => {
  const { doc, element, textarea, detach } = setup({}, false);
  assert.equal(toggleSoftKeyboard(element as unknown as HTMLElement), true);
  assert.equal(doc.activeElement, textarea);
  assert.equal(toggleSoftKeyboard(element as unknown as HTMLElement), false);
  assert.equal(doc.activeElement, null);
  detach();
  assert.equal(toggleSoftKeyboard(element as unknown as HTMLElement), false);
});

Deno.test("attachInput() detach releases everything, removes the textarea and stops listening", () => {
  const { element, video, textarea, sent, detach } = setup();
  assert.ok(textarea);
  textarea.dispatchEvent(keyEvent("keydown", "Control", "ControlLeft", { location: 1 }));
  detach();
  detach();
  textarea.dispatchEvent(keyEvent("keydown", "a", "KeyA"));
  video.dispatchEvent(pointerEvent("pointerdown", { button: 0, buttons: 1 }));
  assert.equal(element.children.includes(textarea), false);
  assert.deepEqual(sent, [keyDown(0xffe3), keyUp(0xffe3), { op: Op.ReleaseAll }]);
});

Deno.test("attachInput() with viewOnly forwards nothing but keeps the shortcuts", () => {
  const { doc, win, element, video, textarea, sent, detach, menus } = setup({ viewOnly: true });
  assert.equal(textarea, undefined);
  video.dispatchEvent(pointerEvent("pointerdown", { button: 0, buttons: 1 }));
  win.dispatchEvent(keyEvent("keydown", "M", "KeyM", { ctrlKey: true, shiftKey: true }));
  win.dispatchEvent(keyEvent("keydown", "F", "KeyF", { ctrlKey: true, shiftKey: true }));
  assert.equal(menus(), 1);
  assert.equal(doc.fullscreenElement, element);
  assert.deepEqual(win.keyboardCalls, []);
  assert.deepEqual(sent, []);
  detach();
});

import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { clipboardChunks, type DesktopServerMessage } from "../protocol/desktop.ts";
import {
  type ClipboardContents,
  type CursorShape,
  DesktopHub,
  type DesktopHubOptions,
  type DesktopViewer,
} from "./desktop_hub.ts";
import type { WindowSize } from "./resize_policy.ts";

function viewer(id: string, unsent = () => 0): DesktopViewer & { got: DesktopServerMessage[] } {
  const got: DesktopServerMessage[] = [];
  return { id, got, send: (m) => got.push(m), unsent };
}

function fakes() {
  const requests: [string, WindowSize][] = [];
  const joined: string[] = [];
  const xSet: ClipboardContents[] = [];
  let xListener: ((c: ClipboardContents | "too-big") => void) | undefined;
  let cursorListener: ((c: CursorShape) => void) | undefined;
  const pointer: boolean[] = [];
  const options: DesktopHubOptions = {
    resize: {
      mode: "on",
      hidpi: false,
      policy: {
        join: (id) => joined.push(id),
        leave: (id) => joined.splice(joined.indexOf(id), 1),
        request: (id, w) => requests.push([id, w]),
      },
    },
    clipboard: {
      direction: "both",
      maxBytes: 100_000,
      side: {
        set: (c) => xSet.push(c),
        subscribe: (l) => {
          xListener = l;
          return () => xListener = undefined;
        },
      },
    },
    cursors: {
      current: undefined,
      subscribe: (l) => {
        cursorListener = l;
        return () => cursorListener = undefined;
      },
    },
    showPointer: (v) => pointer.push(v),
  };
  return {
    options,
    requests,
    joined,
    xSet,
    pointer,
    fromX: (c: ClipboardContents | "too-big") => xListener!(c),
    cursor: (c: CursorShape) => cursorListener!(c),
  };
}

const IMAGE = { png: "iVBORw0KGgo=", width: 16, height: 16, hotX: 1, hotY: 2 };

Deno.test("DesktopHub.join() says what the server offers and passes windows to the policy", () => {
  const f = fakes();
  const hub = new DesktopHub(f.options);
  const v = viewer("p1");
  hub.join(v);
  assert.deepEqual(v.got, [{
    type: "desktop",
    resize: "on",
    hidpi: false,
    clipboard: "both",
    clipboardMaxBytes: 100_000,
    cursors: true,
  }]);
  hub.message("p1", { type: "resize", width: 800, height: 600, dpr: 2 });
  assert.deepEqual(f.requests, [["p1", { type: "resize", width: 800, height: 600, dpr: 2 }]]);
  hub.leave("p1");
  assert.deepEqual(f.joined, []);
});

Deno.test("DesktopHub tells a viewer once that Xvfb cannot resize", () => {
  const f = fakes();
  const hub = new DesktopHub({ ...f.options, resize: { mode: "fixed", hidpi: false } });
  const v = viewer("p1");
  hub.join(v);
  assert.equal(v.got.filter((m) => m.type === "notice" && m.code === "resize-fixed").length, 1);
});

Deno.test("DesktopHub sends each cursor image once per viewer, then only its serial", () => {
  const f = fakes();
  const hub = new DesktopHub(f.options);
  const v = viewer("p1");
  hub.join(v);
  v.got.length = 0;
  f.cursor({ serial: 7, image: IMAGE });
  f.cursor({ serial: 8, image: { ...IMAGE, hotX: 3 } });
  f.cursor({ serial: 7, image: IMAGE });
  assert.deepEqual(v.got, [
    { type: "cursor", serial: 7, image: IMAGE },
    { type: "cursor", serial: 8, image: { ...IMAGE, hotX: 3 } },
    { type: "cursor", serial: 7 },
  ]);
  // A second viewer gets the image again.
  const w = viewer("p2");
  hub.join(w);
  f.cursor({ serial: 7, image: IMAGE });
  assert.deepEqual(w.got.at(-1), { type: "cursor", serial: 7, image: IMAGE });
});

Deno.test("DesktopHub draws the pointer while any viewer is in pointer lock", () => {
  const f = fakes();
  const hub = new DesktopHub(f.options);
  hub.join(viewer("p1"));
  hub.join(viewer("p2"));
  hub.message("p1", { type: "pointer-lock", locked: true });
  hub.message("p2", { type: "pointer-lock", locked: true });
  hub.message("p1", { type: "pointer-lock", locked: false });
  assert.deepEqual(f.pointer, [true]);
  hub.leave("p2");
  assert.deepEqual(f.pointer, [true, false]);
});

Deno.test("DesktopHub puts a browser's chunked copy on the X clipboard", () => {
  const f = fakes();
  const hub = new DesktopHub(f.options);
  hub.join(viewer("p1"));
  const text = new TextEncoder().encode("Grüße, 世界, Ж ".repeat(5000));
  const size = text.length;
  for (let offset = 0; offset < size; offset += 36 * 1024) {
    const data = text.subarray(offset, offset + 36 * 1024).toBase64();
    hub.message("p1", { type: "clipboard", mime: "text/plain", size, offset, data });
  }
  assert.equal(f.xSet.length, 1);
  assert.equal(new TextDecoder().decode(f.xSet[0]!.bytes), "Grüße, 世界, Ж ".repeat(5000));
});

Deno.test("DesktopHub refuses a copy over the limit with a notice", () => {
  const f = fakes();
  const hub = new DesktopHub(f.options);
  const v = viewer("p1");
  hub.join(v);
  hub.message("p1", { type: "clipboard", mime: "text/plain", size: 200_000, offset: 0, data: "" });
  assert.equal(f.xSet.length, 0);
  const notice = v.got.at(-1);
  assert.equal(notice?.type, "notice");
  assert.match(
    (notice as { message: string }).message,
    /200000 bytes\) is over the limit of 100000/,
  );
  f.fromX("too-big");
  assert.match((v.got.at(-1) as { message: string }).message, /to the browser/);
});

Deno.test("DesktopHub follows the direction policy", () => {
  const f = fakes();
  const hub = new DesktopHub({
    ...f.options,
    clipboard: { ...f.options.clipboard, direction: "to-browser" },
  });
  const v = viewer("p1");
  hub.join(v);
  hub.message("p1", { type: "clipboard", mime: "text/plain", size: 1, offset: 0, data: "QQ==" });
  assert.equal(f.xSet.length, 0);
  assert.equal((v.got.at(-1) as { code: string }).code, "clipboard-refused");
  f.fromX({ mime: "text/plain", bytes: new TextEncoder().encode("hi") });
  assert.deepEqual(v.got.at(-1), {
    type: "clipboard",
    mime: "text/plain",
    size: 2,
    offset: 0,
    data: "aGk=",
  });

  const g = fakes();
  const off = new DesktopHub({
    ...g.options,
    clipboard: { ...g.options.clipboard, direction: "from-browser" },
  });
  const w = viewer("p2");
  off.join(w);
  // Not subscribed to the X side at all.
  assert.throws(() => g.fromX({ mime: "text/plain", bytes: new Uint8Array(1) }));
});

Deno.test("DesktopHub sends the X clipboard to viewers who join later, paced by the socket", async () => {
  const clock = FakeTimers.install({ toFake: ["setTimeout"] });
  try {
    const f = fakes();
    const hub = new DesktopHub(f.options);
    f.fromX({ mime: "image/png", bytes: new Uint8Array(80_000).fill(7) });
    let unsent = 300_000;
    const v = viewer("p1", () => unsent);
    hub.join(v);
    assert.equal(v.got.filter((m) => m.type === "clipboard").length, 0);
    unsent = 0;
    await clock.tickAsync(60);
    const chunks = v.got.filter((m) => m.type === "clipboard");
    assert.deepEqual(chunks.map((c) => c.type === "clipboard" && c.offset), [0, 36864, 73728]);
    hub.close();
  } finally {
    clock.uninstall();
  }
});

Deno.test("DesktopHub gives a view-only viewer no clipboard, no say in the size and no pointer lock", () => {
  const f = fakes();
  const hub = new DesktopHub(f.options);
  const full = viewer("p1");
  const watcher: ReturnType<typeof viewer> = Object.assign(viewer("p2"), { viewOnly: true });
  hub.join(full);
  hub.join(watcher);
  assert.deepEqual(watcher.got[0], {
    type: "desktop",
    resize: "off",
    hidpi: false,
    clipboard: "off",
    clipboardMaxBytes: 100_000,
    cursors: true,
  });
  assert.deepEqual(f.joined, ["p1"]);
  hub.message("p2", { type: "resize", width: 800, height: 600, dpr: 1 });
  hub.message("p2", { type: "pointer-lock", locked: true });
  for (const chunk of clipboardChunks("text/plain", new TextEncoder().encode("typed"))) {
    hub.message("p2", chunk);
  }
  assert.deepEqual([f.requests, f.pointer, f.xSet], [[], [], []]);
  assert.deepEqual(watcher.got.at(-1), {
    type: "notice",
    code: "clipboard-refused",
    message: "This login is view-only: its clipboard does not reach the remote desktop",
  });
  // A copy in X reaches the full-control viewer only.
  const before = watcher.got.length;
  f.fromX({ mime: "text/plain", bytes: new TextEncoder().encode("secret") });
  assert.equal(watcher.got.length, before);
  assert.equal(full.got.filter((m) => m.type === "clipboard").length, 1);
  hub.leave("p2");
  assert.deepEqual(f.joined, ["p1"]);
});

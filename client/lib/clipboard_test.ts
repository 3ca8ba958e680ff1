import assert from "node:assert/strict";
import { clipboardChunks, type DesktopClientMessage } from "../../lib/protocol/desktop.ts";
import FakeTimers from "@sinonjs/fake-timers";
import { ClipboardSync, isPasteKey, PASTE_WAIT_MS } from "./clipboard.ts";

/** A page whose focus, permission and clipboard the test sets. */
function fakeHost(options: { focused: boolean; permission: PermissionState; clipboard?: string }) {
  const listeners = new Map<string, (event: Event) => void>();
  const written: string[] = [];
  let reads = 0;
  const state = { ...options, clipboard: options.clipboard ?? "" };
  const target = {
    addEventListener: (type: string, fn: (event: Event) => void) => listeners.set(type, fn),
    removeEventListener: (type: string) => listeners.delete(type),
  };
  const host = {
    ...target,
    document: { ...target, hasFocus: () => state.focused },
    navigator: {
      clipboard: {
        writeText: (text: string) => {
          written.push(text);
          return Promise.resolve();
        },
        readText: () => {
          reads++;
          return Promise.resolve(state.clipboard);
        },
      },
      permissions: { query: () => Promise.resolve({ state: state.permission }) },
    },
  };
  return {
    host: host as unknown as ConstructorParameters<typeof ClipboardSync>[0]["host"],
    state,
    written,
    reads: () => reads,
    fire: async (type: string, event: Event = new Event(type)) => {
      listeners.get(type)?.(event);
      for (let i = 0; i < 5; i++) await Promise.resolve();
    },
  };
}

const text = (s: string) => clipboardChunks("text/plain", new TextEncoder().encode(s));

Deno.test("ClipboardSync writes a remote copy at once with focus, else on the next focus", async () => {
  const page = fakeHost({ focused: false, permission: "prompt" });
  const sync = new ClipboardSync({ host: page.host, send: () => {}, notify: () => {} });
  sync.configure("both", 1000);
  for (const chunk of text("Grüße, 世界, Ж")) sync.receive(chunk);
  await page.fire("nothing");
  assert.deepEqual(page.written, []);
  page.state.focused = true;
  await page.fire("focus");
  assert.deepEqual(page.written, ["Grüße, 世界, Ж"]);
  // Only "prompt" permission: focus does not read (no surprise prompt).
  assert.equal(page.reads(), 0);
  sync.stop();
});

Deno.test("ClipboardSync reads the browser clipboard on focus only when granted, without echo", async () => {
  const page = fakeHost({ focused: true, permission: "granted", clipboard: "from the browser" });
  const sent: DesktopClientMessage[] = [];
  const sync = new ClipboardSync({ host: page.host, send: (m) => sent.push(m), notify: () => {} });
  sync.configure("both", 1000);
  await page.fire("focus");
  assert.deepEqual(sent, text("from the browser"));
  // The same text again, or what the remote just gave: not sent back.
  await page.fire("focus");
  for (const chunk of text("remote")) sync.receive(chunk);
  page.state.clipboard = "remote";
  await page.fire("focus");
  assert.equal(sent.length, 1);
  sync.stop();
});

Deno.test("ClipboardSync follows the direction and says when a copy is too big", async () => {
  const page = fakeHost({ focused: true, permission: "granted", clipboard: "x".repeat(2000) });
  const sent: DesktopClientMessage[] = [];
  const notices: string[] = [];
  const sync = new ClipboardSync({
    host: page.host,
    send: (m) => sent.push(m),
    notify: (t) => notices.push(t),
  });
  sync.configure("both", 1000);
  await page.fire("focus");
  assert.deepEqual(sent, []);
  assert.deepEqual(notices, [
    "Clipboard not sent: 2000 bytes is over the server's limit of 1000",
  ]);
  sync.configure("to-browser", 10_000);
  await page.fire("focus");
  assert.deepEqual(sent, []);
  sync.configure("from-browser", 10_000);
  for (const chunk of text("remote")) sync.receive(chunk);
  await page.fire("focus");
  assert.deepEqual(page.written, []);
  sync.stop();
});

Deno.test("isPasteKey() knows Ctrl+V, Cmd+V, Ctrl+Shift+V and Shift+Insert, nothing else", () => {
  const key = (code: string, mods: Partial<Record<"ctrl" | "meta" | "alt" | "shift", boolean>>) =>
    isPasteKey({
      code,
      ctrlKey: mods.ctrl ?? false,
      metaKey: mods.meta ?? false,
      altKey: mods.alt ?? false,
      shiftKey: mods.shift ?? false,
    });
  assert.deepEqual(
    [
      key("KeyV", { ctrl: true }),
      key("KeyV", { meta: true }),
      key("KeyV", { ctrl: true, shift: true }),
      key("Insert", { shift: true }),
    ],
    [true, true, true, true],
  );
  assert.deepEqual(
    [
      key("KeyV", {}),
      key("KeyV", { ctrl: true, alt: true }),
      key("KeyC", { ctrl: true }),
      key("Insert", {}),
    ],
    [false, false, false, false],
  );
});

Deno.test("ClipboardSync.pasteKey() settles once the paste it causes is sent, or after 500 ms", async () => {
  const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout"] });
  try {
    const page = fakeHost({ focused: true, permission: "prompt" });
    const sent: DesktopClientMessage[] = [];
    const sync = new ClipboardSync({
      host: page.host,
      send: (m) => sent.push(m),
      notify: () => {},
    });
    sync.configure("both", 1000);
    const ctrlV = { code: "KeyV", ctrlKey: true, metaKey: false, altKey: false, shiftKey: false };
    assert.equal(sync.pasteKey({ ...ctrlV, code: "KeyC" }), undefined);
    let settled = false;
    const wait = sync.pasteKey(ctrlV)!.then(() => settled = true);
    await page.fire("nothing");
    assert.equal(settled, false);
    let prevented = false;
    await page.fire(
      "paste",
      {
        clipboardData: { files: [], getData: () => "pasted in the browser" },
        preventDefault: () => prevented = true,
      } as unknown as Event,
    );
    await wait;
    // The copy went out before the key was let go, and was not typed as text.
    assert.deepEqual(sent, text("pasted in the browser"));
    assert.equal(prevented, true);

    // No paste event (an empty clipboard): the key goes after PASTE_WAIT_MS.
    settled = false;
    const late = sync.pasteKey(ctrlV)!.then(() => settled = true);
    await clock.tickAsync(PASTE_WAIT_MS - 1);
    assert.equal(settled, false);
    await clock.tickAsync(1);
    await late;
    assert.equal(settled, true);

    // Copies may not leave the browser: the key is sent as usual.
    sync.configure("to-browser", 1000);
    assert.equal(sync.pasteKey(ctrlV), undefined);
    sync.stop();
  } finally {
    clock.uninstall();
  }
});

import assert from "node:assert/strict";
import { clipboardChunks, type DesktopClientMessage } from "../../lib/protocol/desktop.ts";
import { ClipboardSync } from "./clipboard.ts";

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

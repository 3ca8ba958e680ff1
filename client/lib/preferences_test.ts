import assert from "node:assert/strict";
import {
  DEFAULT_PREFERENCES,
  loadPreferences,
  parsePreferences,
  PREFERENCES_KEY,
  savePreferences,
} from "./preferences.ts";

function memory(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}

Deno.test("savePreferences() keeps a change under the versioned key; loadPreferences() reads it back", () => {
  const storage = memory();
  assert.deepEqual(loadPreferences(storage), DEFAULT_PREFERENCES);
  savePreferences(storage, { encoder: "vp8enc", overlay: true });
  savePreferences(storage, { scale: "native" });
  assert.deepEqual(loadPreferences(storage), {
    encoder: "vp8enc",
    overlay: true,
    scale: "native",
    relay: false,
  });
  assert.deepEqual(JSON.parse(storage.items.get(PREFERENCES_KEY)!), {
    encoder: "vp8enc",
    overlay: true,
    scale: "native",
    relay: false,
  });
  assert.equal(PREFERENCES_KEY, "skerry.preferences.v1");
});

Deno.test("parsePreferences() drops each bad field on its own and keeps the good ones", () => {
  assert.deepEqual(
    parsePreferences(
      JSON.stringify({ encoder: "rm -rf", overlay: "yes", scale: "huge", relay: true, extra: 1 }),
    ),
    { encoder: undefined, overlay: false, scale: "fit", relay: true },
  );
  assert.deepEqual(parsePreferences(JSON.stringify({ encoder: "x264enc", scale: "native" })), {
    encoder: "x264enc",
    overlay: false,
    scale: "native",
    relay: false,
  });
});

Deno.test("parsePreferences() gives the defaults for missing, broken or foreign data", () => {
  for (const text of [null, "", "{", "null", "[]", "42", '"fit"', "[{}]"]) {
    assert.deepEqual(parsePreferences(text), DEFAULT_PREFERENCES, String(text));
  }
});

Deno.test("loadPreferences() and savePreferences() survive storage that throws or is missing", () => {
  const broken = {
    getItem: () => {
      throw new Error("SecurityError");
    },
    setItem: () => {
      throw new Error("QuotaExceededError");
    },
  };
  assert.deepEqual(loadPreferences(broken), DEFAULT_PREFERENCES);
  assert.deepEqual(savePreferences(broken, { relay: true }), {
    ...DEFAULT_PREFERENCES,
    relay: true,
  });
  assert.deepEqual(loadPreferences(undefined), DEFAULT_PREFERENCES);
  assert.deepEqual(savePreferences(undefined, { overlay: true }).overlay, true);
});

Deno.test("loadPreferences() ignores an older version's key", () => {
  const storage = memory({ "skerry.preferences.v0": JSON.stringify({ overlay: true }) });
  assert.deepEqual(loadPreferences(storage), DEFAULT_PREFERENCES);
});

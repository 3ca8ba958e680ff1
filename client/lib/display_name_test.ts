import assert from "node:assert/strict";
import { DISPLAY_NAME_KEY, displayName, setDisplayName } from "./display_name.ts";

function memory(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}

Deno.test("displayName() takes ?name= and remembers it, cleaned", () => {
  const storage = memory();
  assert.equal(displayName({ search: "?name=%20Ada%E2%80%AE%20L.", storage }), "Ada L.");
  assert.equal(storage.items.get(DISPLAY_NAME_KEY), "Ada L.");
  assert.equal(displayName({ search: "?relay=1", storage }), "Ada L.");
});

Deno.test("displayName() is empty without a name, and survives storage that throws", () => {
  assert.equal(displayName({ search: "", storage: memory() }), "");
  assert.equal(displayName({ search: "" }), "");
  const broken = {
    getItem: () => {
      throw new Error("SecurityError");
    },
    setItem: () => {
      throw new Error("QuotaExceededError");
    },
  };
  assert.equal(displayName({ search: "", storage: broken }), "");
  assert.equal(setDisplayName("Bob", broken), "Bob");
});

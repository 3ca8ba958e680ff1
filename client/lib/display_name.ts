/**
 * The name other viewers see while this browser controls the desktop: from
 * `?name=` in the page's address (then remembered), else the one this
 * browser remembers, else none (the server shows "viewer N").
 *
 * @module
 */

import { cleanDisplayName } from "../../lib/protocol/control.ts";

/** Where the name is remembered. */
export const DISPLAY_NAME_KEY = "skerry.name";

/** What the name is read from and kept in; `localStorage` may be missing or throw. */
export interface NameSources {
  search: string;
  storage?: Pick<Storage, "getItem" | "setItem"> | undefined;
}

/** The display name to use, remembering one given in the address. */
export function displayName(sources: NameSources): string {
  const given = new URLSearchParams(sources.search).get("name");
  if (given !== null) return setDisplayName(given, sources.storage);
  try {
    return cleanDisplayName(sources.storage?.getItem(DISPLAY_NAME_KEY) ?? "");
  } catch {
    return "";
  }
}

/** Cleans and remembers a display name (for a menu's name field); returns it. */
export function setDisplayName(raw: string, storage: NameSources["storage"]): string {
  const name = cleanDisplayName(raw);
  try {
    storage?.setItem(DISPLAY_NAME_KEY, name);
  } catch {
    // Private windows may refuse storage: the name holds for this page only.
  }
  return name;
}

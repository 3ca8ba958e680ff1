/**
 * X keysyms shared by the browser client and the server: the keysym that
 * types a Unicode code point, and the keysyms of named (non-character) keys.
 * Imports nothing from Deno or the DOM. The tables come packed from
 * `_keysym_tables.ts` (generated from keysymdef.h by tools/gen_keysyms.ts)
 * and are unpacked on first use, as this module ships in the browser bundle.
 *
 * @module
 */

import { LEGACY, NAMES } from "./_keysym_tables.ts";

// Control characters that name a key: BS, TAB, LF and CR (both type Return), ESC, DEL.
const CONTROL: Readonly<Record<number, number>> = {
  0x08: 0xff08,
  0x09: 0xff09,
  0x0a: 0xff0d,
  0x0d: 0xff0d,
  0x1b: 0xff1b,
  0x7f: 0xffff,
};

let legacyTable: Map<number, number> | undefined;
let nameTable: Map<string, number> | undefined;

function unpackLegacy(): Map<number, number> {
  const table = new Map<number, number>();
  let cp = 0;
  let ks = 0;
  for (const token of LEGACY.split(" ")) {
    const colon = token.indexOf(":");
    const ksStep = token.slice(colon + 1);
    cp += colon < 0 ? 1 : parseInt(token.slice(0, colon), 36);
    ks += ksStep === "" ? 1 : parseInt(ksStep, 36);
    table.set(cp, ks);
  }
  return table;
}

function unpackNames(): Map<string, number> {
  const table = new Map<string, number>();
  let ks = 0;
  for (const token of NAMES.split(" ")) {
    const [name, step] = token.split(":");
    ks += step === undefined ? 1 : parseInt(step, 36);
    table.set(name!, ks);
  }
  return table;
}

/**
 * Returns the X keysym that types Unicode code point `cp` (0-0x10FFFF):
 * Latin-1 printable characters are their own keysym, characters that
 * keysymdef.h gives a legacy keysym use it (`€` U+20AC is `EuroSign`
 * 0x20ac, `Ж` U+0416 is `Cyrillic_ZHE` 0x6f6), BS, TAB, LF, CR, ESC
 * and DEL are BackSpace, Tab, Return, Return, Escape and Delete, and every
 * other code point is the Unicode keysym `0x01000000 | cp`.
 * Throws `RangeError` when `cp` is not a code point.
 */
export function codePointToKeysym(cp: number): number {
  if (!Number.isInteger(cp) || cp < 0 || cp > 0x10ffff) {
    throw new RangeError(`Cannot map code point: must be an integer 0-0x10ffff, received ${cp}`);
  }
  if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff)) return cp;
  const control = CONTROL[cp];
  if (control !== undefined) return control;
  legacyTable ??= unpackLegacy();
  return legacyTable.get(cp) ?? 0x01000000 + cp;
}

/**
 * Returns the keysym of a named key, by its keysymdef.h name without the
 * `XK_` prefix (`Return`, `Shift_L`, `KP_Enter`, `F24`,
 * `ISO_Level3_Shift`), or of a Unicode keysym name `U20AC` (as
 * XStringToKeysym reads it, control characters excluded); `undefined`
 * for any other name.
 */
export function keysymFromName(name: string): number | undefined {
  nameTable ??= unpackNames();
  const keysym = nameTable.get(name);
  if (keysym !== undefined) return keysym;
  const unicode = /^U([0-9A-Fa-f]{2,6})$/.exec(name);
  if (!unicode) return undefined;
  const cp = parseInt(unicode[1]!, 16);
  if (cp < 0x20 || (cp > 0x7e && cp < 0xa0) || cp > 0x10ffff) return undefined;
  return cp < 0x100 ? cp : 0x01000000 + cp;
}

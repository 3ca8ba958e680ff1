/**
 * Generates `lib/protocol/_keysym_tables.ts` (the data behind
 * `lib/protocol/keysyms.ts`) from X.Org's `keysymdef.h`.
 *
 * Two tables are extracted, both packed into short strings because the
 * result ships in the browser bundle:
 *
 * - legacy keysyms: every `#define XK_name 0x... /* U+XXXX NAME *\/` line
 *   whose keysym is below 0x01000000 and whose code point is not Latin-1 (the
 *   one-to-one mappings; parenthesised `/*(U+XXXX ...)*\/` comments are not
 *   one-to-one and are skipped). Code points without one use the Unicode
 *   keysym `0x01000000 | cp`.
 * - names: every keysym name of the function-key page 0xff00-0xffff (the
 *   `XK_MISCELLANY` section: cursor keys, keypad, F keys, modifiers; plus the
 *   Hangul and script-switch keys other sections put there) and the
 *   `XK_XKB_KEYS` names that browsers produce (`ISO_Level3_Shift` for
 *   AltGraph, `ISO_Level5_Shift`, `ISO_Left_Tab`, group switches).
 *
 * Usage: `deno run --allow-read --allow-write tools/gen_keysyms.ts
 * [path/to/keysymdef.h] [path/to/_keysym_tables.ts]`; defaults are
 * `/usr/include/X11/keysymdef.h` (Debian package x11proto-dev) and
 * `lib/protocol/_keysym_tables.ts`.
 *
 * @module
 */

/** Where Debian's x11proto-dev installs the header. */
export const DEFAULT_KEYSYMDEF = "/usr/include/X11/keysymdef.h";

/** One `#define XK_...` line of keysymdef.h. */
export interface KeysymDefine {
  /** Name without the `XK_` prefix, e.g. `EuroSign`. */
  name: string;
  /** The keysym value. */
  keysym: number;
  /** Code point of a one-to-one `/* U+XXXX ... *\/` comment, if any. */
  codePoint?: number;
  /** The `#ifdef XK_...` section the line is in, e.g. `XK_MISCELLANY`. */
  section: string;
}

const DEFINE = /^#define XK_([A-Za-z0-9_]+)\s+0x([0-9A-Fa-f]+)\b(.*)$/;
// Only the one-to-one form "/* U+20AC EURO SIGN */"; "/*(U+...)*/" is legacy and ambiguous.
const ONE_TO_ONE = /^\s*\/\* U\+([0-9A-F]{4,6}) /;
const SECTION = /^#ifdef (XK_[A-Z0-9_]+)/;

/** Names outside `XK_MISCELLANY` that a browser key can produce. */
const XKB_NAMES = /^ISO_(Level[35]_Shift|Left_Tab|Next_Group|Prev_Group|First_Group|Last_Group)$/;

/** Parses every `#define XK_...` line of keysymdef.h, in file order. */
export function parseKeysymdef(text: string): KeysymDefine[] {
  const out: KeysymDefine[] = [];
  let section = "";
  for (const line of text.split("\n")) {
    const s = SECTION.exec(line);
    if (s) {
      section = s[1]!;
      continue;
    }
    if (line.startsWith("#endif")) {
      section = "";
      continue;
    }
    const d = DEFINE.exec(line);
    if (!d) continue;
    const define: KeysymDefine = { name: d[1]!, keysym: parseInt(d[2]!, 16), section };
    const u = ONE_TO_ONE.exec(d[3]!);
    if (u) define.codePoint = parseInt(u[1]!, 16);
    out.push(define);
  }
  return out;
}

/** Base-36 signed integer, the compact number form of the packed tables. */
function b36(n: number): string {
  return n.toString(36);
}

/**
 * Packs the code point to legacy keysym pairs. Entries are sorted by code
 * point; each is a space-separated token `[cpStep:]ksStep`, steps in signed
 * base 36 from the previous entry (starting at 0, 0), a step of 1 left out.
 */
export function packLegacy(defines: readonly KeysymDefine[]): { packed: string; count: number } {
  const byCodePoint = new Map<number, number>();
  for (const d of defines) {
    const cp = d.codePoint;
    // Latin-1 keysyms equal their code point and Unicode keysyms are computed: neither is stored.
    // EuroSign 0x20ac equals its code point by coincidence but is a legacy keysym, so it is stored.
    if (cp === undefined || d.keysym >= 0x01000000 || (cp < 0x100 && d.keysym === cp)) continue;
    // The first keysym listed for a code point wins, as keysymdef.h deprecates later duplicates.
    if (!byCodePoint.has(cp)) byCodePoint.set(cp, d.keysym);
  }
  const entries = [...byCodePoint].sort((a, b) => a[0] - b[0]);
  let cp = 0;
  let ks = 0;
  const tokens = entries.map(([c, k]) => {
    const token = (c - cp === 1 ? "" : `${b36(c - cp)}:`) + (k - ks === 1 ? "" : b36(k - ks));
    cp = c;
    ks = k;
    return token;
  });
  return { packed: tokens.join(" "), count: entries.length };
}

/**
 * Packs the named keysyms. Entries are sorted by keysym, then file order;
 * each is a space-separated token `name[:step]`, the step in signed base 36
 * from the previous keysym (starting at 0), a step of 1 left out.
 */
export function packNames(defines: readonly KeysymDefine[]): { packed: string; count: number } {
  const picked = defines.filter((d) =>
    (d.keysym >= 0xff00 && d.keysym <= 0xffff) ||
    (d.section === "XK_XKB_KEYS" && XKB_NAMES.test(d.name))
  );
  const sorted = picked.map((d, i) => ({ d, i })).sort((a, b) =>
    a.d.keysym - b.d.keysym || a.i - b.i
  );
  let ks = 0;
  const tokens = sorted.map(({ d }) => {
    const token = d.keysym - ks === 1 ? d.name : `${d.name}:${b36(d.keysym - ks)}`;
    ks = d.keysym;
    return token;
  });
  return { packed: tokens.join(" "), count: sorted.length };
}

/** Splits a string literal over lines of at most `width` characters, joined with `+`. */
function literal(s: string, width: number): string {
  const parts: string[] = [];
  for (let i = 0; i < s.length; i += width) parts.push(JSON.stringify(s.slice(i, i + width)));
  return parts.join(" +\n  ");
}

/** Returns the source text of `lib/protocol/_keysym_tables.ts` for the given keysymdef.h text. */
export function generateKeysyms(keysymdef: string): string {
  const defines = parseKeysymdef(keysymdef);
  const legacy = packLegacy(defines);
  const names = packNames(defines);
  return `// Generated by tools/gen_keysyms.ts from keysymdef.h; do not edit.
// Regenerate: deno run --allow-read --allow-write tools/gen_keysyms.ts

/**
 * The keysym tables of \`keysyms.ts\`, packed into strings because they ship
 * in the browser bundle (the format is in tools/gen_keysyms.ts).
 *
 * @module
 */

/** ${legacy.count} code points above Latin-1 whose keysymdef.h keysym is below 0x01000000. */
export const LEGACY =
  ${literal(legacy.packed, 94)};

/** ${names.count} names: the function-key page 0xff00-0xffff, and the XK_XKB_KEYS ones browsers produce. */
export const NAMES =
  ${literal(names.packed, 94)};
`;
}

if (import.meta.main) {
  const [
    input = DEFAULT_KEYSYMDEF,
    output = new URL("../lib/protocol/_keysym_tables.ts", import.meta.url),
  ] = Deno.args;
  const source = generateKeysyms(await Deno.readTextFile(input));
  await Deno.writeTextFile(output, source);
}

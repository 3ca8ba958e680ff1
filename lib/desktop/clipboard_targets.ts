/**
 * Which X selection targets carry which clipboard format, and the
 * conversions between them. Pure: atoms are named, not interned.
 *
 * @module
 */

import type { ClipboardMime } from "../protocol/desktop.ts";

/** Text targets, best first: UTF-8 ones keep every character, STRING is Latin-1. */
export const TEXT_TARGETS = ["UTF8_STRING", "text/plain;charset=utf-8", "STRING", "TEXT"] as const;
/** The PNG image target. */
export const PNG_TARGET = "image/png";

/**
 * The target to ask an X owner for, from the names of the targets it
 * offers: text when there is any (a copy from an editor), else PNG (a copy
 * from an image program), else nothing Skerry carries.
 */
export function chooseTarget(offered: readonly string[]): string | undefined {
  return TEXT_TARGETS.find((t) => t !== "TEXT" && offered.includes(t)) ??
    (offered.includes(PNG_TARGET) ? PNG_TARGET : undefined);
}

/** What a target's data is: text (UTF-8 bytes, or Latin-1 for STRING) or PNG. */
export function mimeOfTarget(target: string): ClipboardMime | undefined {
  if (target === PNG_TARGET) return "image/png";
  return (TEXT_TARGETS as readonly string[]).includes(target) ? "text/plain" : undefined;
}

/** The targets Skerry offers when it owns the clipboard with `mime`. */
export function targetsFor(mime: ClipboardMime): string[] {
  return mime === "image/png" ? [PNG_TARGET] : [...TEXT_TARGETS];
}

/**
 * The bytes to answer `target` with, from UTF-8 text or PNG contents, and
 * the property type to write them under; undefined when the target does
 * not fit the contents.
 */
export function answerFor(
  target: string,
  contents: { mime: ClipboardMime; bytes: Uint8Array },
): { type: string; bytes: Uint8Array } | undefined {
  if (mimeOfTarget(target) !== contents.mime) return undefined;
  if (target === "STRING") return { type: "STRING", bytes: latin1(contents.bytes) };
  // TEXT lets the owner pick the encoding: UTF-8.
  const type = target === "TEXT" ? "UTF8_STRING" : target;
  return { type, bytes: contents.bytes };
}

/** UTF-8 text as Latin-1 bytes (STRING); characters outside Latin-1 become `?`. */
export function latin1(utf8: Uint8Array): Uint8Array {
  const text = new TextDecoder().decode(utf8);
  const out: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    out.push(code <= 0xff ? code : 0x3f);
  }
  return Uint8Array.from(out);
}

/** Text an X owner sent under `type` (STRING is Latin-1) as UTF-8 bytes. */
export function toUtf8(type: string, bytes: Uint8Array): Uint8Array {
  if (type !== "STRING") return bytes;
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return new TextEncoder().encode(text);
}

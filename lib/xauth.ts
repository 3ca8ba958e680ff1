/**
 * X authority files (the `.Xauthority` format read by Xlib, xcb and the X
 * server's `-auth`): encode and decode entries, and write a fresh
 * MIT-MAGIC-COOKIE-1 for one display into a 0600 file.
 *
 * Each entry is four length-prefixed strings after a family: family (u16),
 * address, display number, auth name, auth data, every length a big-endian
 * u16 (Xau's XauWriteAuth). Skerry writes one FamilyWild entry: it matches
 * any host name, so the cookie works whatever the host is called.
 *
 * @module
 */

/** `FamilyWild`: matches every address. */
export const FAMILY_WILD = 0xffff;
/** `FamilyLocal`: a Unix socket on the host named by the address. */
export const FAMILY_LOCAL = 256;
/** The only authorisation protocol every X server and client speak. */
export const MIT_MAGIC_COOKIE = "MIT-MAGIC-COOKIE-1";
/** Length of a MIT-MAGIC-COOKIE-1, in bytes. */
export const COOKIE_BYTES = 16;

/** One entry of an authority file. */
export interface XauthEntry {
  family: number;
  /** Host name for FamilyLocal, "" for FamilyWild. */
  address: string;
  /** Display number as text, e.g. "12". */
  number: string;
  /** Protocol name, e.g. {@linkcode MIT_MAGIC_COOKIE}. */
  name: string;
  /** The secret. */
  data: Uint8Array;
}

/** The bytes of an authority file holding `entries`. */
export function encodeXauthority(entries: readonly XauthEntry[]): Uint8Array {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  const u16 = (n: number) => {
    if (!Number.isInteger(n) || n < 0 || n > 0xffff) {
      throw new RangeError(`Cannot encode an X authority field of ${n} bytes`);
    }
    return new Uint8Array([n >> 8, n & 0xff]);
  };
  const field = (bytes: Uint8Array) => parts.push(u16(bytes.length), bytes);
  for (const entry of entries) {
    parts.push(u16(entry.family));
    field(encoder.encode(entry.address));
    field(encoder.encode(entry.number));
    field(encoder.encode(entry.name));
    field(entry.data);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The entries of an authority file; throws a `RangeError` on a truncated one. */
export function decodeXauthority(bytes: Uint8Array): XauthEntry[] {
  const decoder = new TextDecoder();
  const entries: XauthEntry[] = [];
  let offset = 0;
  const u16 = () => {
    if (offset + 2 > bytes.length) throw new RangeError("Truncated X authority file");
    const n = (bytes[offset]! << 8) | bytes[offset + 1]!;
    offset += 2;
    return n;
  };
  const field = () => {
    const length = u16();
    if (offset + length > bytes.length) throw new RangeError("Truncated X authority file");
    const out = bytes.slice(offset, offset + length);
    offset += length;
    return out;
  };
  while (offset < bytes.length) {
    const family = u16();
    const address = decoder.decode(field());
    const number = decoder.decode(field());
    const name = decoder.decode(field());
    entries.push({ family, address, number, name, data: field() });
  }
  return entries;
}

/** A cookie for display `:number`, and the authority file that holds it. */
export interface XCookie {
  /** Path of the 0600 authority file: what XAUTHORITY and the server's `-auth` get. */
  readonly authority: string;
  /** The MIT-MAGIC-COOKIE-1 itself ({@linkcode COOKIE_BYTES} random bytes). */
  readonly cookie: Uint8Array;
}

/**
 * Writes a new random cookie for display `:number` into `path` (replacing
 * it; created 0600, so `path` should be in a private directory).
 */
export async function writeXCookie(path: string, number: number): Promise<XCookie> {
  const cookie = crypto.getRandomValues(new Uint8Array(COOKIE_BYTES));
  const bytes = encodeXauthority([
    {
      family: FAMILY_WILD,
      address: "",
      number: String(number),
      name: MIT_MAGIC_COOKIE,
      data: cookie,
    },
  ]);
  await Deno.remove(path).catch(() => {});
  await Deno.writeFile(path, bytes, { mode: 0o600, createNew: true });
  return { authority: path, cookie };
}

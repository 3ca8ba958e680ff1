/**
 * Value parsers of the option table. Each turns the raw text of a flag or
 * environment variable into a value, or throws a `RangeError` whose message
 * says what a valid value looks like (the caller adds the option name).
 *
 * @module
 */

/** An integer from `min` to `max`. */
export const int = (min: number, max: number) => (raw: string): number => {
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || n < min || n > max) {
    throw new RangeError(`value must be an integer ${min}-${max}`);
  }
  return n;
};

/** A number (integer or decimal) from `min` to `max`. */
export const decimal = (min: number, max: number) => (raw: string): number => {
  const n = Number(raw);
  if (!/^-?\d+(\.\d+)?$/.test(raw.trim()) || n < min || n > max) {
    throw new RangeError(`value must be a number ${min}-${max}`);
  }
  return n;
};

/** One of `values`. */
export const oneOf = <T extends string>(values: readonly T[]) => (raw: string): T => {
  if (!(values as readonly string[]).includes(raw)) {
    throw new RangeError(`value must be one of ${values.join(", ")}`);
  }
  return raw as T;
};

/** true/false, 1/0, yes/no, on/off, any case. */
export const bool = (raw: string): boolean => {
  const v = raw.trim().toLowerCase();
  if (["true", "1", "yes", "on"].includes(v)) return true;
  if (["false", "0", "no", "off"].includes(v)) return false;
  throw new RangeError("value must be true or false");
};

/** Non-empty text. */
export const text = (raw: string): string => {
  if (raw === "") throw new RangeError("value must not be empty");
  return raw;
};

/** Text, or undefined when empty. */
export const optionalText = (raw: string): string | undefined => raw === "" ? undefined : raw;

/** Any text, ignored options: accepted and unused. */
export const anything = (raw: string): string => raw;

/** A screen size in pixels. */
export interface Size {
  width: number;
  height: number;
}

/** `WIDTHxHEIGHT` between 64x64 and 7680x4320. */
export const size = (raw: string): Size => {
  const m = /^(\d{2,5})x(\d{2,5})$/.exec(raw.trim());
  const width = Number(m?.[1]);
  const height = Number(m?.[2]);
  if (!m || width < 64 || height < 64 || width > 7680 || height > 4320) {
    throw new RangeError("value must be WIDTHxHEIGHT between 64x64 and 7680x4320");
  }
  return { width, height };
};

/** A comma-separated list of IP addresses (may be empty). */
export const addresses = (raw: string): string[] => {
  const list = raw.split(",").map((s) => s.trim()).filter(Boolean);
  for (const a of list) {
    if (!/^[0-9a-fA-F.:]+$/.test(a)) throw new RangeError(`"${a}" is not an IP address`);
  }
  return list;
};

/** A host name, an IPv4 address or a bracketed IPv6 address; "" for none. */
export const host = (raw: string): string | undefined => {
  const v = raw.trim();
  if (v === "") return undefined;
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)$/.test(v)) {
    throw new RangeError("value must be a host name or an IP address (IPv6 in brackets)");
  }
  return v;
};

/** A comma-separated list of web origins such as `https://desk.example.com`. */
export const origins = (raw: string): string[] => {
  const list = raw.split(",").map((s) => s.trim()).filter(Boolean);
  return list.map((o) => {
    let url: URL;
    try {
      url = new URL(o);
    } catch {
      throw new RangeError(`"${o}" is not an origin such as https://host.example:8443`);
    }
    if (!/^https?:$/.test(url.protocol) || url.origin !== o.replace(/\/$/, "")) {
      throw new RangeError(`"${o}" is not an origin such as https://host.example:8443`);
    }
    return url.origin;
  });
};

/** An http(s) URL; "" for none. */
export const optionalUrl = (raw: string): string | undefined => {
  const v = raw.trim();
  if (v === "") return undefined;
  try {
    const url = new URL(v);
    if (url.protocol === "http:" || url.protocol === "https:") return url.href;
  } catch {
    // fall through
  }
  throw new RangeError("value must be an http:// or https:// URL");
};

/**
 * Field checks shared by the JSON protocols: parse one JSON object and read
 * typed fields from it, throwing `RangeError` with a precise reason.
 *
 * @module
 */

/** A parsed JSON object whose fields are read with the helpers below. */
export type JsonObject = Record<string, unknown>;

/** Longest `type` accepted, in characters: every type is a short word, and errors quote it. */
const MAX_TYPE = 64;

/** Parses `text` as one JSON object with a string `type`. */
export function parseObject(text: string, maxLength: number): JsonObject {
  if (text.length > maxLength) {
    throw new RangeError(`Cannot parse message: longer than ${maxLength} characters`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RangeError("Cannot parse message: not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RangeError("Cannot parse message: not a JSON object");
  }
  const object = value as JsonObject;
  if (typeof object.type !== "string") {
    throw new RangeError('Cannot parse message: missing string field "type"');
  }
  if (object.type.length > MAX_TYPE) {
    throw new RangeError(`Cannot parse message: "type" is longer than ${MAX_TYPE} characters`);
  }
  return object;
}

/** A required string field. */
export function str(o: JsonObject, name: string, maxLength = 1 << 20): string {
  const v = o[name];
  if (typeof v !== "string") {
    throw new RangeError(`Cannot parse "${o.type}" message: "${name}" must be a string`);
  }
  if (v.length > maxLength) {
    throw new RangeError(
      `Cannot parse "${o.type}" message: "${name}" is longer than ${maxLength} characters`,
    );
  }
  return v;
}

/** A required integer field within [min, max]. */
export function int(o: JsonObject, name: string, min: number, max: number): number {
  const v = o[name];
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(
      `Cannot parse "${o.type}" message: "${name}" must be an integer ${min}-${max}`,
    );
  }
  return v;
}

/** A peer id: 1-64 characters of letters, digits, `-` and `_`. */
export function peerId(o: JsonObject): string {
  const v = str(o, "peer", 64);
  if (!/^[A-Za-z0-9_-]+$/.test(v)) {
    throw new RangeError(`Cannot parse "${o.type}" message: "peer" has invalid characters`);
  }
  return v;
}

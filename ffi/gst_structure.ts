/**
 * Reads a `GstStructure` into plain data: its name and every field, with
 * numbers, strings, booleans, enums (by nick) and nested structures
 * converted; other field types come out as null.
 *
 * The structure must stay alive for the duration of the call (for a
 * promise's reply: until the promise is freed). Everything returned is a
 * copy, so it may be kept afterwards.
 *
 * @module
 */

import { cstr, getObjectProperty, type Gst, gst, readCString } from "./gst.ts";

/** A field's value, converted. */
export type FieldValue = number | string | boolean | StructureData | null;

/** A `GstStructure` as plain data. */
export interface StructureData {
  /** The structure's name, e.g. `application/x-webrtc-stats`. */
  name: string;
  /** Its fields, by name, in the structure's order. */
  fields: Record<string, FieldValue>;
}

/** GType fundamental type ids (`G_TYPE_*`: the id shifted left by 2). */
const G_TYPE = {
  boolean: 5n << 2n,
  int: 6n << 2n,
  uint: 7n << 2n,
  int64: 10n << 2n,
  uint64: 11n << 2n,
  enum: 12n << 2n,
  float: 14n << 2n,
  double: 15n << 2n,
  string: 16n << 2n,
  boxed: 18n << 2n,
} as const;

/** GValue.g_type, the first field of a GValue. */
const GVALUE_TYPE_OFFSET = 0;
/** GEnumValue.value_nick (after `gint value` and `const gchar *value_name`). */
const ENUM_VALUE_NICK_OFFSET = 16;
/** Deepest nesting read; deeper structures come out as null. */
const MAX_DEPTH = 4;

/** Copies `structure` (a `GstStructure *`) into plain data. */
export function readStructure(structure: Deno.PointerObject): StructureData {
  return read(gst(), structure, 0);
}

/**
 * Reads a `GstStructure`-typed property of `object` (off the JS thread) and
 * copies it; null when unset.
 */
export async function readStructureProperty(
  object: Deno.PointerObject,
  name: string,
): Promise<StructureData | null> {
  const lib = gst();
  // A boxed property comes out as a copy the caller frees.
  const structure = await getObjectProperty(lib, object, name);
  if (structure === null) return null;
  try {
    return read(lib, structure, 0);
  } finally {
    lib.gst_structure_free(structure);
  }
}

function read(lib: Gst, structure: Deno.PointerObject, depth: number): StructureData {
  const name = readCString(lib.gst_structure_get_name(structure)) ?? "";
  const fields: Record<string, FieldValue> = {};
  const count = lib.gst_structure_n_fields(structure);
  for (let i = 0; i < count; i++) {
    const field = readCString(lib.gst_structure_nth_field_name(structure, i));
    if (field === null) continue;
    const value = lib.gst_structure_get_value(structure, cstr(field));
    fields[field] = value === null ? null : readValue(lib, value, depth);
  }
  return { name, fields };
}

function readValue(lib: Gst, value: Deno.PointerObject, depth: number): FieldValue {
  const type = new Deno.UnsafePointerView(value).getBigUint64(GVALUE_TYPE_OFFSET);
  switch (lib.g_type_fundamental(type)) {
    case G_TYPE.boolean:
      return lib.g_value_get_boolean(value) !== 0;
    case G_TYPE.int:
      return lib.g_value_get_int(value);
    case G_TYPE.uint:
      return lib.g_value_get_uint(value);
    case G_TYPE.int64:
      return Number(lib.g_value_get_int64(value));
    case G_TYPE.uint64:
      return Number(lib.g_value_get_uint64(value));
    case G_TYPE.float:
      return lib.g_value_get_float(value);
    case G_TYPE.double:
      return lib.g_value_get_double(value);
    case G_TYPE.string:
      return readCString(lib.g_value_get_string(value));
    case G_TYPE.enum:
      return enumNick(lib, type, lib.g_value_get_enum(value));
    case G_TYPE.boxed: {
      if (type !== lib.gst_structure_get_type() || depth >= MAX_DEPTH) return null;
      const nested = lib.g_value_get_boxed(value);
      return nested === null ? null : read(lib, nested, depth + 1);
    }
    default:
      return null;
  }
}

/** The nick of an enum value (`outbound-rtp`), or its number when the type does not know it. */
function enumNick(lib: Gst, type: bigint, value: number): string | number {
  const klass = lib.g_type_class_ref(type);
  if (klass === null) return value;
  try {
    const entry = lib.g_enum_get_value(klass, value);
    if (entry === null) return value;
    return readCString(new Deno.UnsafePointerView(entry).getPointer(ENUM_VALUE_NICK_OFFSET)) ??
      value;
  } finally {
    lib.g_type_class_unref(klass);
  }
}

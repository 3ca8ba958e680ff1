/**
 * Little-endian packing of the Linux input structs uinput takes (x86_64 and
 * aarch64 layouts: 64-bit `long`, no packing pragmas).
 *
 * @module
 */

/** `sizeof(struct input_event)`: timeval (16) + type (2) + code (2) + value (4). */
export const INPUT_EVENT_SIZE = 24;
/** `sizeof(struct uinput_setup)`: input_id (8) + name[80] + ff_effects_max (4). */
export const UINPUT_SETUP_SIZE = 92;
/** `sizeof(struct uinput_abs_setup)`: code (2) + padding (2) + input_absinfo (24). */
export const UINPUT_ABS_SETUP_SIZE = 28;
/** `UINPUT_MAX_NAME_SIZE`. */
const UINPUT_MAX_NAME_SIZE = 80;

/** `struct input_event` with a zero timestamp (the kernel stamps it). */
export function packInputEvent(type: number, code: number, value: number): Uint8Array<ArrayBuffer> {
  const view = new DataView(new ArrayBuffer(INPUT_EVENT_SIZE));
  view.setUint16(16, type, true);
  view.setUint16(18, code, true);
  view.setInt32(20, value, true);
  return new Uint8Array(view.buffer);
}

/** Several events back to back, written with one `write()`. */
export function packInputEvents(
  events: readonly [number, number, number][],
): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(events.length * INPUT_EVENT_SIZE);
  events.forEach(([type, code, value], i) =>
    out.set(packInputEvent(type, code, value), i * INPUT_EVENT_SIZE)
  );
  return out;
}

/** Identity of a device: `struct input_id`. */
export interface InputId {
  bustype: number;
  vendor: number;
  product: number;
  version: number;
}

/** `struct uinput_setup`; throws `RangeError` for a name that does not fit. */
export function packUinputSetup(
  id: InputId,
  name: string,
  ffEffectsMax = 0,
): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(name);
  if (bytes.length >= UINPUT_MAX_NAME_SIZE) {
    throw new RangeError(
      `Cannot set up uinput: name must be under ${UINPUT_MAX_NAME_SIZE} bytes, received ${bytes.length}`,
    );
  }
  const out = new Uint8Array(UINPUT_SETUP_SIZE);
  const view = new DataView(out.buffer);
  view.setUint16(0, id.bustype, true);
  view.setUint16(2, id.vendor, true);
  view.setUint16(4, id.product, true);
  view.setUint16(6, id.version, true);
  out.set(bytes, 8);
  view.setUint32(88, ffEffectsMax, true);
  return out;
}

/** Range of an absolute axis: `struct input_absinfo` fields but `value`. */
export interface AbsInfo {
  minimum: number;
  maximum: number;
  fuzz?: number;
  flat?: number;
  resolution?: number;
}

/** `struct uinput_abs_setup` for axis `code`. */
export function packAbsSetup(code: number, info: AbsInfo): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(UINPUT_ABS_SETUP_SIZE);
  const view = new DataView(out.buffer);
  view.setUint16(0, code, true);
  // input_absinfo at offset 4: value, minimum, maximum, fuzz, flat, resolution (s32 each).
  view.setInt32(4, 0, true);
  view.setInt32(8, info.minimum, true);
  view.setInt32(12, info.maximum, true);
  view.setInt32(16, info.fuzz ?? 0, true);
  view.setInt32(20, info.flat ?? 0, true);
  view.setInt32(24, info.resolution ?? 0, true);
  return out;
}

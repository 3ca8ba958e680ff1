/**
 * Typed wrappers for changing a running pipeline: set any property from its
 * string form (numbers, booleans, enums, caps: GStreamer parses the text, so
 * no varargs call ever carries a float), read which factory made an element,
 * and reach the transceiver behind a webrtcbin sink pad.
 *
 * Property writes run off the JS thread: an element may hold its object
 * lock while it works (an encoder during a frame), and the JS thread must
 * stay free for the callbacks GStreamer threads wait on.
 *
 * @module
 */

import { openLibrary } from "./_dlopen.ts";
import { cstr, getObjectProperty, gst, takeCString } from "./gst.ts";
import { nativeStubs } from "./native_stubs.ts";

const P = "pointer" as const;
const B = "buffer" as const;

const liveSymbols = {
  /** (object, name, value as text): GStreamer deserialises the text for the property's type. */
  gst_util_set_object_arg: { parameters: [P, B, B], result: "void", nonblocking: true },
  /** (element) -> GstElementFactory * (no reference). */
  gst_element_get_factory: { parameters: [P], result: P },
  /** (object) -> gchar * (a copy to g_free): a factory's name is its element name. */
  gst_object_get_name: { parameters: [P], result: P },
} as const;

let loaded: Deno.DynamicLibrary<typeof liveSymbols>["symbols"] | undefined;

function live(): Deno.DynamicLibrary<typeof liveSymbols>["symbols"] {
  gst(); // GStreamer initialised first
  return loaded ??= openLibrary("libgstreamer-1.0.so.0", liveSymbols);
}

/**
 * Sets property `name` of `object` from `value`'s text form (`"true"`,
 * `"2500"`, `"ulp-red"`, `"video/x-raw,framerate=30/1"`), off the JS
 * thread. GStreamer logs a warning and changes nothing when the property
 * does not exist or the text does not parse.
 */
export async function setProperty(
  object: Deno.PointerObject,
  name: string,
  value: string | number | bigint | boolean,
): Promise<void> {
  await live().gst_util_set_object_arg(object, cstr(name), cstr(String(value)));
}

/** The name of the factory that made `element` (`"x264enc"`), or null. */
export function factoryName(element: Deno.PointerObject): string | null {
  const lib = live();
  const factory = lib.gst_element_get_factory(element);
  return factory === null ? null : takeCString(gst(), lib.gst_object_get_name(factory));
}

/**
 * The `GstWebRTCRTPTransceiver` of webrtcbin's sink pad `pad` (a reference
 * the caller releases with `gst_object_unref`), or null.
 */
export function padTransceiver(pad: Deno.PointerObject): Promise<Deno.PointerValue> {
  return getObjectProperty(gst(), pad, "transceiver");
}

/** A signal counted natively: each emission adds one, with no JS on the emitting thread. */
export interface SignalCounter {
  /** Emissions so far. */
  readonly count: number;
  /** Disconnects (once); the instance must still be alive. */
  disconnect(): void;
}

/**
 * Counts emissions of `signal` (a signal without arguments, such as a
 * queue's `overrun`) on `instance` with the native `countUp` stub, so the
 * streaming thread that emits it never waits for JS. Null where there are no
 * native stubs.
 */
export function countSignal(instance: Deno.PointerObject, signal: string): SignalCounter | null {
  const stubs = nativeStubs();
  if (stubs === null) return null;
  const lib = gst();
  // Kept referenced by the closure below for as long as the handler can run.
  const counter = new BigUint64Array(1);
  const id = lib.g_signal_connect_data(
    instance,
    cstr(signal),
    stubs.countUp,
    Deno.UnsafePointer.of(counter),
    null,
    0,
  );
  if (id === 0n) return null;
  let connected = true;
  return {
    get count() {
      return Number(counter[0]);
    },
    disconnect() {
      if (!connected) return;
      connected = false;
      lib.g_signal_handler_disconnect(instance, id);
    },
  };
}

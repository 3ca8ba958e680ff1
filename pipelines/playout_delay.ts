/**
 * The playout-delay RTP header extension
 * (http://www.webrtc.org/experiments/rtp-hdrext/playout-delay) as a
 * GStreamer element registered from the helper, so payloaders write it on
 * every packet. With min = max = 0 ms it switches the browser to its
 * low-latency renderer: frames are shown as soon as they are decoded instead
 * of after a render delay and jitter smoothing. Measured here: glass-to-glass
 * median 52 ms without it, 25 ms with it (1280x720, 60 fps, Chromium).
 *
 * The class is a `GstRTPHeaderExtension` subclass whose per-packet methods
 * are the native stubs of `ffi/native_stubs.ts` (GStreamer calls them on its
 * streaming threads, where a JS callback would stall the stream).
 *
 * @module
 */

import { cstr, type Gst } from "../ffi/gst.ts";
import { nativeStubs } from "../ffi/native_stubs.ts";

/** The extension's URI, as it appears in SDP `a=extmap`. */
export const PLAYOUT_DELAY_URI = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";
/** Element name the extension is registered under. */
export const PLAYOUT_DELAY_ELEMENT = "skerryplayoutdelay";

/** `get_supported_flags` … `set_caps_from_attributes`: slot index of each vfunc after GstElementClass. */
const SLOT = { getSupportedFlags: 0, getMaxSize: 1, write: 2, read: 3, setCapsFromAttributes: 7 };
const POINTER = 8;

const CLASS_INIT = { parameters: ["pointer", "pointer"], result: "void" } as const;
/** Holds the class_init callback for the life of the process (GObject keeps its pointer). */
const keepAlive: Deno.UnsafeCallback<typeof CLASS_INIT>[] = [];
let registered: boolean | undefined;

/**
 * Registers the element once per process. Returns null on success, or why
 * it could not (the stream then works without it, with more latency).
 */
export function registerPlayoutDelay(lib: Gst): string | null {
  if (registered) return null;
  if (registered === false) return "registration failed earlier";
  registered = false;
  const stubs = nativeStubs();
  if (!stubs) {
    return `no native stubs for ${Deno.build.os}/${Deno.build.arch} or no executable memory`;
  }

  const parent = lib.gst_rtp_header_extension_get_type();
  const parentQuery = typeQuery(lib, parent);
  const elementClassSize = typeQuery(lib, lib.gst_element_get_type()).classSize;
  let problem: string | null = null;

  const init = new Deno.UnsafeCallback(
    CLASS_INIT,
    (klass) => {
      if (klass === null) return;
      const size = elementClassSize + (SLOT.setCapsFromAttributes + 1) * POINTER;
      const slots = new DataView(Deno.UnsafePointerView.getArrayBuffer(klass, size));
      const slot = (i: number) => elementClassSize + i * POINTER;
      // Check the struct layout before writing to it: the abstract methods are
      // empty and the base class has filled set_caps_from_attributes.
      const empty = [SLOT.getSupportedFlags, SLOT.getMaxSize, SLOT.write, SLOT.read]
        .every((i) => slots.getBigUint64(slot(i), true) === 0n);
      if (!empty || slots.getBigUint64(slot(SLOT.setCapsFromAttributes), true) === 0n) {
        problem = "GstRTPHeaderExtensionClass layout is not the expected one";
        return;
      }
      const put = (i: number, fn: Deno.PointerObject) =>
        slots.setBigUint64(slot(i), BigInt(Deno.UnsafePointer.value(fn)), true);
      put(SLOT.getSupportedFlags, stubs.returnThree); // ONE_BYTE | TWO_BYTE header forms
      put(SLOT.getMaxSize, stubs.returnThree); // three bytes: 12-bit min, 12-bit max
      put(SLOT.write, stubs.writeZeros3); // min = max = 0
      put(SLOT.read, stubs.returnOne); // never used on the sending side; accept
      lib.gst_rtp_header_extension_class_set_uri(klass, cstr(PLAYOUT_DELAY_URI));
      lib.gst_element_class_set_metadata(
        klass,
        cstr("Playout delay RTP header extension"),
        cstr("Network/Extension/RTPHeader"),
        cstr("Asks the receiver to render frames as soon as they are decoded"),
        cstr("Skerry"),
      );
    },
  );
  const type = lib.g_type_register_static_simple(
    parent,
    cstr("SkerryRtpHeaderExtensionPlayoutDelay"),
    parentQuery.classSize,
    init.pointer,
    parentQuery.instanceSize,
    null,
    0,
  );
  keepAlive.push(init);
  if (type === 0n) return "cannot register the GType";
  // Initialise the class here, on the JS thread, never on a streaming thread.
  lib.g_type_class_ref(type);
  if (problem) return problem;
  // GST_RANK_MARGINAL: payloaders only look up extensions of at least this rank.
  if (!lib.gst_element_register(null, cstr(PLAYOUT_DELAY_ELEMENT), 64, type)) {
    return "cannot register the element";
  }
  registered = true;
  return null;
}

function typeQuery(lib: Gst, type: bigint): { classSize: number; instanceSize: number } {
  // GTypeQuery: GType type; const gchar *type_name; guint class_size; guint instance_size.
  const query = new Uint8Array(24);
  lib.g_type_query(type, query);
  const view = new DataView(query.buffer);
  return { classSize: view.getUint32(16, true), instanceSize: view.getUint32(20, true) };
}

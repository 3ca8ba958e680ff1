/**
 * Registers a `GstRTPHeaderExtension` subclass whose per-packet methods are
 * native function pointers (for example `native_stubs.ts`): GStreamer calls
 * them on its streaming threads for every packet, where a JS callback would
 * make each packet wait for the JS event loop. Only the class initialiser
 * is JS, and it runs once, on the JS thread.
 *
 * @module
 */

import { cstr, type Gst, gst } from "./gst.ts";

/** The native methods of the extension class (C function pointers). */
export interface RtpHeaderExtensionMethods {
  /** `GstRTPHeaderExtensionFlags get_supported_flags(ext)`. */
  getSupportedFlags: Deno.PointerObject;
  /** `gsize get_max_size(ext, input_meta)`. */
  getMaxSize: Deno.PointerObject;
  /** `gssize write(ext, input_meta, write_flags, output, data, size)`. */
  write: Deno.PointerObject;
  /** `gboolean read(ext, read_flags, data, size, buffer)`. */
  read: Deno.PointerObject;
}

/** What {@linkcode registerRtpHeaderExtension} registers. */
export interface RtpHeaderExtensionClass {
  /** GType name, e.g. `SkerryRtpHeaderExtensionPlayoutDelay`. */
  typeName: string;
  /** Element factory name. */
  elementName: string;
  /** The extension's URI, as in SDP `a=extmap`. */
  uri: string;
  /** Element metadata: long name, classification, description, author. */
  metadata: [string, string, string, string];
  methods: RtpHeaderExtensionMethods;
}

/** Slot of each vfunc after GstElementClass, in pointers (GStreamer 1.22 layout). */
const SLOT = { getSupportedFlags: 0, getMaxSize: 1, write: 2, read: 3, setCapsFromAttributes: 7 };
const POINTER = 8;
/** GST_RANK_MARGINAL: payloaders only look up extensions of at least this rank. */
const RANK_MARGINAL = 64;

const CLASS_INIT = { parameters: ["pointer", "pointer"], result: "void" } as const;
/** Class initialisers stay alive for the life of the process (GObject keeps their pointers). */
const keepAlive: Deno.UnsafeCallback<typeof CLASS_INIT>[] = [];

/**
 * Registers `spec` as a GType and an element. Returns null on success, or
 * the reason it could not (the layout check failed, or GStreamer refused).
 * Call it once per class and process.
 */
export function registerRtpHeaderExtension(spec: RtpHeaderExtensionClass): string | null {
  const lib = gst();
  const parent = lib.gst_rtp_header_extension_get_type();
  const parentQuery = typeQuery(lib, parent);
  const elementClassSize = typeQuery(lib, lib.gst_element_get_type()).classSize;
  let problem: string | null = null;

  const init = new Deno.UnsafeCallback(CLASS_INIT, (klass) => {
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
    for (const name of ["getSupportedFlags", "getMaxSize", "write", "read"] as const) {
      const fn = BigInt(Deno.UnsafePointer.value(spec.methods[name]));
      slots.setBigUint64(slot(SLOT[name]), fn, true);
    }
    lib.gst_rtp_header_extension_class_set_uri(klass, cstr(spec.uri));
    const [longName, classification, description, author] = spec.metadata;
    lib.gst_element_class_set_metadata(
      klass,
      cstr(longName),
      cstr(classification),
      cstr(description),
      cstr(author),
    );
  });
  keepAlive.push(init);
  const type = lib.g_type_register_static_simple(
    parent,
    cstr(spec.typeName),
    parentQuery.classSize,
    init.pointer,
    parentQuery.instanceSize,
    null,
    0,
  );
  if (type === 0n) return "cannot register the GType";
  // Initialise the class here, on the JS thread, never on a streaming thread.
  lib.g_type_class_ref(type);
  if (problem) return problem;
  if (!lib.gst_element_register(null, cstr(spec.elementName), RANK_MARGINAL, type)) {
    return "cannot register the element";
  }
  return null;
}

function typeQuery(lib: Gst, type: bigint): { classSize: number; instanceSize: number } {
  // GTypeQuery: GType type; const gchar *type_name; guint class_size; guint instance_size.
  const query = new Uint8Array(24);
  lib.g_type_query(type, query);
  const view = new DataView(query.buffer);
  return { classSize: view.getUint32(16, true), instanceSize: view.getUint32(20, true) };
}

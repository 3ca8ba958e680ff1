/**
 * Thin Deno FFI bindings to GLib, GObject, GStreamer, GstSDP, GstWebRTC,
 * GstVideo and libnice: exactly the symbols the helper uses, with the struct
 * offsets and enum values verified on x86_64 Linux / GStreamer 1.22 with a
 * C `offsetof()` program (and exercised by the integration tests in test/).
 *
 * Rules this table follows:
 * - every call that can wait on a GStreamer lock or condition
 *   (`gst_element_set_state`, `gst_promise_wait`, `gst_bus_timed_pop_filtered`,
 *   `gst_element_sync_state_with_parent`) is declared `nonblocking: true`, so it
 *   runs on Deno's blocking pool and never deadlocks against a thread-safe
 *   callback waiting for the JS thread;
 * - so is every call into a webrtcbin (signal emissions, property reads,
 *   data-channel sends): webrtcbin runs its operations, and emits the
 *   data-channel signals, on its own thread *holding its PC lock*, and
 *   `g_object_get(webrtcbin, …)` takes that lock. A synchronous call from JS
 *   while a data-channel callback waits for JS is a deadlock (seen: the
 *   helper froze on the first keystroke);
 * - varargs functions are declared once per call shape with the `name` field;
 *   that is ABI-correct on x86_64 and aarch64 Linux as long as no
 *   floating-point argument is passed.
 *
 * The libraries are opened on first use by {@linkcode gst}, never at module
 * load, so importing this file costs nothing in the server process.
 *
 * This file holds the symbol tables and the marshalling helpers (strings,
 * out-parameter boxes, GError, GBytes). The typed wrappers the helper calls
 * live beside it: `gst_pipeline.ts` (parsing, bus), `gst_signal.ts` (signal
 * handlers), `gst_webrtc.ts` (webrtcbin and data channels) and
 * `gst_rtp_extension.ts` (an RTP header extension with native methods).
 *
 * @module
 */

import { openLibrary } from "./_dlopen.ts";

/** GstMessage type values used by the bus loop. */
export const GST_MESSAGE_EOS = 1;
export const GST_MESSAGE_ERROR = 2;
export const GST_MESSAGE_WARNING = 4;
/** GstState values. */
export const GST_STATE_NULL = 1;
export const GST_STATE_READY = 2;
export const GST_STATE_PLAYING = 4;
/** GstStateChangeReturn FAILURE. */
export const GST_STATE_CHANGE_FAILURE = 0;
/** GstPadLinkReturn OK. */
export const GST_PAD_LINK_OK = 0;
/** GstWebRTCSDPType: OFFER is 1, ANSWER is 3 (2 is PRANSWER). */
export const GST_WEBRTC_SDP_TYPE_OFFER = 1;
export const GST_WEBRTC_SDP_TYPE_ANSWER = 3;
/** NiceRelayType values (libnice candidate.h). */
export const NICE_RELAY_TYPE = { udp: 0, tcp: 1, tls: 2 } as const;
/** GST_CLOCK_TIME_NONE, the "no time" value of a GstClockTime. */
export const GST_CLOCK_TIME_NONE = 0xffffffffffffffffn;
/** GstWebRTCPeerConnectionState values, indexed by their numeric value. */
export const PEER_CONNECTION_STATES = [
  "new",
  "connecting",
  "connected",
  "disconnected",
  "failed",
  "closed",
] as const;

/** Offsets inside GStreamer structs (x86_64, GStreamer 1.22). */
export const OFFSET = {
  /** GstMessage.type (after the 64-byte GstMiniObject). */
  messageType: 64,
  /** GstMessage.src. */
  messageSrc: 80,
  /** GError.message. */
  errorMessage: 8,
  /** GstWebRTCSessionDescription.sdp. */
  sessionDescriptionSdp: 8,
} as const;

const P = "pointer" as const;
const B = "buffer" as const;

const glibSymbols = {
  g_free: { parameters: [P], result: "void" },
  g_error_free: { parameters: [P], result: "void" },
  g_bytes_new: { parameters: [B, "usize"], result: P },
  g_bytes_get_data: { parameters: [P, B], result: P },
  g_bytes_unref: { parameters: [P], result: "void" },
} as const;

const gobjectSymbols = {
  g_object_unref: { parameters: [P], result: "void" },
  /** (GType, GTypeQuery *out): class and instance sizes of a type. */
  g_type_query: { parameters: ["u64", B], result: "void" },
  /** (parent, name, class_size, class_init, instance_size, instance_init, flags) -> GType */
  g_type_register_static_simple: {
    parameters: ["u64", B, "u32", P, "u32", P, "u32"],
    result: "u64",
  },
  g_type_class_ref: { parameters: ["u64"], result: P },
  g_signal_connect_data: { parameters: [P, B, "function", P, P, "i32"], result: "u64" },
  g_signal_handler_disconnect: { parameters: [P, "u64"], result: "void" },
  /** g_signal_emit_by_name(instance, name, ptr, ptr): create-offer, set-*-description. */
  emit_ptr_ptr: {
    name: "g_signal_emit_by_name",
    parameters: [P, B, P, P],
    result: "void",
    nonblocking: true,
  },
  /** g_signal_emit_by_name(instance, "add-ice-candidate", mline, candidate). */
  emit_u32_str: {
    name: "g_signal_emit_by_name",
    parameters: [P, B, "u32", B],
    result: "void",
    nonblocking: true,
  },
  /** g_signal_emit_by_name(instance, "create-data-channel", label, options, &out). */
  emit_str_ptr_out: {
    name: "g_signal_emit_by_name",
    parameters: [P, B, B, P, B],
    result: "void",
    nonblocking: true,
  },
  /** g_signal_emit_by_name(instance, "add-turn-server", uri, &gboolean). */
  emit_str_out: {
    name: "g_signal_emit_by_name",
    parameters: [P, B, B, B],
    result: "void",
    nonblocking: true,
  },
  /** g_object_set(object, name, guint64 value, NULL). */
  g_object_set_u64: { name: "g_object_set", parameters: [P, B, "u64", P], result: "void" },
  /** g_object_set(object, name, gboolean value, NULL), off the JS thread (ICE agents lock). */
  g_object_set_bool: {
    name: "g_object_set",
    parameters: [P, B, "i32", P],
    result: "void",
    nonblocking: true,
  },
  /** g_object_set(object, name, const char *value, NULL), off the JS thread (webrtcbin). */
  g_object_set_str: {
    name: "g_object_set",
    parameters: [P, B, B, P],
    result: "void",
    nonblocking: true,
  },
  /** g_object_get(object, name, &out, NULL) for one pointer- or int-sized property. */
  g_object_get_1: {
    name: "g_object_get",
    parameters: [P, B, B, P],
    result: "void",
    nonblocking: true,
  },
} as const;

const gstSymbols = {
  gst_init_check: { parameters: [P, P, B], result: "i32" },
  gst_element_get_type: { parameters: [], result: "u64" },
  /** (plugin or NULL, name, rank, GType) -> gboolean */
  gst_element_register: { parameters: [P, B, "u32", "u64"], result: "i32" },
  gst_element_class_set_metadata: { parameters: [P, B, B, B, B], result: "void" },
  gst_parse_launch: { parameters: [B, B], result: P },
  gst_parse_bin_from_description: { parameters: [B, "i32", B], result: P },
  gst_bin_get_by_name: { parameters: [P, B], result: P },
  gst_bin_add: { parameters: [P, P], result: "i32" },
  gst_bin_remove: { parameters: [P, P], result: "i32" },
  gst_object_unref: { parameters: [P], result: "void" },
  gst_object_ref_sink: { parameters: [P], result: P },
  gst_object_set_name: { parameters: [P, B], result: "i32" },
  gst_object_get_path_string: { parameters: [P], result: P },
  gst_element_set_state: { parameters: [P, "i32"], result: "i32", nonblocking: true },
  gst_element_sync_state_with_parent: { parameters: [P], result: "i32", nonblocking: true },
  gst_element_get_bus: { parameters: [P], result: P },
  gst_element_get_static_pad: { parameters: [P, B], result: P },
  gst_element_request_pad_simple: { parameters: [P, B], result: P },
  gst_element_release_request_pad: { parameters: [P, P], result: "void" },
  gst_element_factory_find: { parameters: [B], result: P },
  /** Nonblocking: making the first dtlsdec generates the process's RSA DTLS certificate. */
  gst_element_factory_make: { parameters: [B, P], result: P, nonblocking: true },
  gst_pad_link: { parameters: [P, P], result: "i32" },
  gst_pad_unlink: { parameters: [P, P], result: "i32" },
  gst_pad_send_event: { parameters: [P, P], result: "i32" },
  gst_bus_timed_pop_filtered: {
    parameters: [P, "u64", "i32"],
    result: P,
    nonblocking: true,
  },
  gst_message_parse_error: { parameters: [P, B, B], result: "void" },
  gst_message_parse_warning: { parameters: [P, B, B], result: "void" },
  gst_mini_object_unref: { parameters: [P], result: "void" },
  gst_promise_new: { parameters: [], result: P },
  gst_promise_wait: { parameters: [P], result: "i32", nonblocking: true },
  gst_promise_get_reply: { parameters: [P], result: P },
  gst_structure_get_value: { parameters: [P, B], result: P },
  gst_structure_has_field: { parameters: [P, B], result: "i32" },
  gst_structure_to_string: { parameters: [P], result: P },
} as const;

const sdpSymbols = {
  gst_sdp_message_new_from_text: { parameters: [B, B], result: "i32" },
  gst_sdp_message_as_text: { parameters: [P], result: P },
  gst_sdp_message_free: { parameters: [P], result: "i32" },
} as const;

const webrtcSymbols = {
  gst_webrtc_session_description_new: { parameters: ["i32", P], result: P },
  gst_webrtc_session_description_free: { parameters: [P], result: "void" },
  gst_webrtc_data_channel_send_data: { parameters: [P, P], result: "void", nonblocking: true },
  gst_webrtc_data_channel_close: { parameters: [P], result: "void", nonblocking: true },
} as const;

const rtpSymbols = {
  gst_rtp_header_extension_get_type: { parameters: [], result: "u64" },
  gst_rtp_header_extension_class_set_uri: { parameters: [P, B], result: "void" },
} as const;

const videoSymbols = {
  /** (running_time, all_headers, count) -> GstEvent* */
  gst_video_event_new_upstream_force_key_unit: {
    parameters: ["u64", "i32", "u32"],
    result: P,
  },
} as const;

const gvalueSymbols = {
  g_value_get_boxed: { parameters: [P], result: P },
} as const;

/** Reading GstStructure fields and the GValues in them (gst_structure.ts). */
const structureSymbols = {
  gst_structure_get_type: { parameters: [], result: "u64" },
  gst_structure_get_name: { parameters: [P], result: P },
  gst_structure_n_fields: { parameters: [P], result: "i32" },
  gst_structure_nth_field_name: { parameters: [P, "u32"], result: P },
  gst_structure_free: { parameters: [P], result: "void" },
} as const;
const gvalueReadSymbols = {
  g_type_fundamental: { parameters: ["u64"], result: "u64" },
  g_type_name: { parameters: ["u64"], result: P },
  g_type_class_unref: { parameters: [P], result: "void" },
  g_enum_get_value: { parameters: [P, "i32"], result: P },
  g_value_get_boolean: { parameters: [P], result: "i32" },
  g_value_get_int: { parameters: [P], result: "i32" },
  g_value_get_uint: { parameters: [P], result: "u32" },
  g_value_get_int64: { parameters: [P], result: "i64" },
  g_value_get_uint64: { parameters: [P], result: "u64" },
  g_value_get_float: { parameters: [P], result: "f32" },
  g_value_get_double: { parameters: [P], result: "f64" },
  g_value_get_enum: { parameters: [P], result: "i32" },
  g_value_get_string: { parameters: [P], result: P },
} as const;

const niceSymbols = {
  nice_address_new: { parameters: [], result: P },
  nice_address_set_from_string: { parameters: [P, B], result: "i32" },
  nice_address_free: { parameters: [P], result: "void" },
  nice_agent_add_local_address: { parameters: [P, P], result: "i32" },
  /** (agent, stream) -> gboolean: new local credentials, connectivity checks from scratch. */
  nice_agent_restart_stream: { parameters: [P, "u32"], result: "i32", nonblocking: true },
  /** (agent, stream, &ufrag, &pwd) -> gboolean; both strings to g_free. */
  nice_agent_get_local_credentials: {
    parameters: [P, "u32", B, B],
    result: "i32",
    nonblocking: true,
  },
  /** (agent, stream, component) -> gboolean; the agent lock: off the JS thread. */
  nice_agent_forget_relays: { parameters: [P, "u32", "u32"], result: "i32", nonblocking: true },
  /** (agent, stream, component, server, port, user, password, NiceRelayType) -> gboolean */
  nice_agent_set_relay_info: {
    parameters: [P, "u32", "u32", B, "u32", B, B, "i32"],
    result: "i32",
    nonblocking: true,
  },
} as const;

/** Every symbol the helper uses, one namespace. */
export type Gst =
  & Deno.DynamicLibrary<typeof glibSymbols>["symbols"]
  & Deno.DynamicLibrary<typeof gobjectSymbols>["symbols"]
  & Deno.DynamicLibrary<typeof gstSymbols>["symbols"]
  & Deno.DynamicLibrary<typeof sdpSymbols>["symbols"]
  & Deno.DynamicLibrary<typeof webrtcSymbols>["symbols"]
  & Deno.DynamicLibrary<typeof rtpSymbols>["symbols"]
  & Deno.DynamicLibrary<typeof videoSymbols>["symbols"]
  & Deno.DynamicLibrary<typeof gvalueSymbols>["symbols"]
  & Deno.DynamicLibrary<typeof structureSymbols>["symbols"]
  & Deno.DynamicLibrary<typeof gvalueReadSymbols>["symbols"]
  & Deno.DynamicLibrary<typeof niceSymbols>["symbols"];

let loaded: Gst | undefined;

/**
 * Opens the libraries (once) and calls `gst_init`. Throws an `Error` naming
 * the library when one is missing (for example no GStreamer installed).
 */
export function gst(): Gst {
  if (loaded) return loaded;
  const open = openLibrary;
  const lib = {
    ...open("libglib-2.0.so.0", glibSymbols),
    ...open("libgobject-2.0.so.0", { ...gobjectSymbols, ...gvalueSymbols, ...gvalueReadSymbols }),
    ...open("libgstreamer-1.0.so.0", { ...gstSymbols, ...structureSymbols }),
    ...open("libgstsdp-1.0.so.0", sdpSymbols),
    ...open("libgstwebrtc-1.0.so.0", webrtcSymbols),
    ...open("libgstrtp-1.0.so.0", rtpSymbols),
    ...open("libgstvideo-1.0.so.0", videoSymbols),
    ...open("libnice.so.10", niceSymbols),
  } as Gst;
  const error = pointerBox();
  if (!lib.gst_init_check(null, null, error)) {
    throw new Error(`Cannot initialise GStreamer: ${takeError(lib, error) ?? "unknown error"}`);
  }
  loaded = lib;
  return lib;
}

/** A NUL-terminated UTF-8 copy of `s`, for `"buffer"` string parameters. */
export function cstr(s: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(s + "\0");
}

/** An 8-byte out-parameter box (`T **`, `gint *`); read with {@linkcode unbox}. */
export function pointerBox(): BigUint64Array<ArrayBuffer> {
  return new BigUint64Array(1);
}

/** The pointer stored in a box, or null. */
export function unbox(box: BigUint64Array): Deno.PointerValue {
  return Deno.UnsafePointer.create(box[0]!);
}

/** Reads a C string owned by someone else (no free). */
export function readCString(p: Deno.PointerValue): string | null {
  return p === null ? null : Deno.UnsafePointerView.getCString(p);
}

/** Reads and `g_free`s a `transfer full` C string. */
export function takeCString(lib: Gst, p: Deno.PointerValue): string | null {
  if (p === null) return null;
  const s = Deno.UnsafePointerView.getCString(p);
  lib.g_free(p);
  return s;
}

/** Reads `GError *` from a box, frees it, and returns its message (null if unset). */
export function takeError(lib: Pick<Gst, "g_error_free">, box: BigUint64Array): string | null {
  const p = unbox(box);
  if (p === null) return null;
  const view = new Deno.UnsafePointerView(p);
  const message = readCString(view.getPointer(OFFSET.errorMessage)) ?? "unknown error";
  lib.g_error_free(p);
  box[0] = 0n;
  return message;
}

/** A copy of the bytes of a `GBytes *` (which may live only for the current call). */
export function copyBytes(lib: Gst, bytes: Deno.PointerValue): Uint8Array<ArrayBuffer> {
  if (bytes === null) return new Uint8Array(0);
  const size = new BigUint64Array(1);
  const data = lib.g_bytes_get_data(bytes, size);
  if (data === null || size[0] === 0n) return new Uint8Array(0);
  return new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(data, Number(size[0]!)).slice(0));
}

/** Reads a 32-bit enum/int property through `g_object_get` (off the JS thread). */
export async function getIntProperty(
  lib: Gst,
  object: Deno.PointerValue,
  name: string,
): Promise<number> {
  const box = pointerBox();
  await lib.g_object_get_1(object, cstr(name), box, null);
  return Number(box[0]! & 0xffffffffn);
}

/** Reads an object property through `g_object_get` (off the JS thread); the caller owns a reference. */
export async function getObjectProperty(
  lib: Gst,
  object: Deno.PointerValue,
  name: string,
): Promise<Deno.PointerValue> {
  const box = pointerBox();
  await lib.g_object_get_1(object, cstr(name), box, null);
  return unbox(box);
}

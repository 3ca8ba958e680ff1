/**
 * Typed wrappers for the pad work of the audio branches: ghost pads across
 * bins, request pads, webrtcbin's `add-transceiver` and its `pad-added`
 * signal, and a boolean property set on the JS thread.
 *
 * These symbols are opened here, beside `gst.ts`'s table (the same
 * libraries; `dlopen` returns the handle already loaded), so the audio
 * branch's needs stay in one file.
 *
 * @module
 */

import { openLibrary } from "./_dlopen.ts";
import { cstr, gst, GST_PAD_LINK_OK, pointerBox, takeCString, unbox } from "./gst.ts";
import { connectSignal, type SignalHandler } from "./gst_signal.ts";

const P = "pointer" as const;
const B = "buffer" as const;

/** GstWebRTCRTPTransceiverDirection values (gstwebrtc/webrtc_fwd.h). */
export const TRANSCEIVER_DIRECTION = {
  inactive: 1,
  sendonly: 2,
  recvonly: 3,
  sendrecv: 4,
} as const;

const padSymbols = {
  /** (name or NULL, target) -> floating GstPad. */
  gst_ghost_pad_new: { parameters: [B, P], result: P },
  gst_element_add_pad: { parameters: [P, P], result: "i32" },
  gst_element_remove_pad: { parameters: [P, P], result: "i32" },
  gst_object_get_name: { parameters: [P], result: P },
  /** A new reference to the object's parent, or NULL. */
  gst_object_get_parent: { parameters: [P], result: P },
  gst_object_ref: { parameters: [P], result: P },
  gst_caps_from_string: { parameters: [B], result: P },
  /** g_signal_emit_by_name(webrtcbin, "add-transceiver", direction, caps, &transceiver). */
  emit_add_transceiver: {
    name: "g_signal_emit_by_name",
    parameters: [P, B, "u32", P, B],
    result: "void",
    nonblocking: true,
  },
} as const;

const gobjectPadSymbols = {
  /**
   * g_object_set(object, name, gboolean value, NULL) on the JS thread: only for
   * elements whose property setter takes nothing but their own object lock
   * (`volume`'s `mute`), never for webrtcbin.
   */
  g_object_set_bool_now: { name: "g_object_set", parameters: [P, B, "i32", P], result: "void" },
} as const;

type PadLib =
  & Deno.DynamicLibrary<typeof padSymbols>["symbols"]
  & Deno.DynamicLibrary<typeof gobjectPadSymbols>["symbols"];

let loaded: PadLib | undefined;

function lib(): PadLib {
  if (loaded) return loaded;
  gst(); // gst_init first
  loaded = {
    ...openLibrary("libgstreamer-1.0.so.0", padSymbols),
    ...openLibrary("libgobject-2.0.so.0", gobjectPadSymbols),
  } as PadLib;
  return loaded;
}

/**
 * Adds to `element` a ghost pad named `name` (null: GStreamer picks one)
 * for `target`, a pad of one of its children; activated when `element` is
 * running. Returns the ghost pad (owned by `element`).
 */
export function addGhostPad(
  element: Deno.PointerObject,
  name: string | null,
  target: Deno.PointerObject,
): Deno.PointerObject {
  const ghost = lib().gst_ghost_pad_new(name === null ? null : cstr(name), target);
  if (ghost === null) throw new Error(`Cannot make a ghost pad for ${padName(target)}`);
  if (!lib().gst_element_add_pad(element, ghost)) {
    gst().gst_object_unref(gst().gst_object_ref_sink(ghost));
    throw new Error(`Cannot add ghost pad ${name ?? ""}`);
  }
  return ghost;
}

/** Removes `pad` (a ghost pad added with {@linkcode addGhostPad}) from `element`. */
export function removePad(element: Deno.PointerObject, pad: Deno.PointerObject): void {
  lib().gst_element_remove_pad(element, pad);
}

/** A new reference to `object` (a GstObject), released with `gst_object_unref`. */
export function objectRef(object: Deno.PointerObject): Deno.PointerObject {
  return lib().gst_object_ref(object)!;
}

/**
 * The bins between `element` and the bin that holds `other`, innermost
 * first, each a new reference the caller releases with `gst_object_unref`:
 * where a pad of `element` needs ghost pads to be linked from `other` (pads
 * link only within one bin). Empty when both are in the same bin.
 */
export function binsBetween(
  element: Deno.PointerObject,
  other: Deno.PointerObject,
): Deno.PointerObject[] {
  const top = lib().gst_object_get_parent(other);
  const out: Deno.PointerObject[] = [];
  let parent = lib().gst_object_get_parent(element);
  while (parent !== null && !(top !== null && Deno.UnsafePointer.equals(parent, top))) {
    out.push(parent);
    parent = lib().gst_object_get_parent(parent);
  }
  if (parent !== null) gst().gst_object_unref(parent);
  if (top !== null) gst().gst_object_unref(top);
  return out;
}

/** The pad's name (`src_0`, `sink_1` …). */
export function padName(pad: Deno.PointerObject): string {
  return takeCString(gst(), lib().gst_object_get_name(pad)) ?? "";
}

/** Links `src` to `sink`; throws an `Error` with GStreamer's code when it cannot. */
export function linkPads(src: Deno.PointerObject, sink: Deno.PointerObject): void {
  const result = gst().gst_pad_link(src, sink);
  if (result !== GST_PAD_LINK_OK) {
    throw new Error(`Cannot link ${padName(src)} to ${padName(sink)} (${result})`);
  }
}

/** A static pad of `element` (a reference the caller releases with `gst_object_unref`). */
export function staticPad(element: Deno.PointerObject, name: string): Deno.PointerObject {
  const pad = gst().gst_element_get_static_pad(element, cstr(name));
  if (pad === null) throw new Error(`Cannot find pad "${name}"`);
  return pad;
}

/** A new request pad of `element` from `template` (`sink_%u`, `src_%u`). */
export function requestPad(element: Deno.PointerObject, template: string): Deno.PointerObject {
  const pad = gst().gst_element_request_pad_simple(element, cstr(template));
  if (pad === null) throw new Error(`Cannot request pad "${template}"`);
  return pad;
}

/**
 * Adds a transceiver to `webrtc` with `direction` and codec preferences
 * `caps` (a caps string); off the JS thread (webrtcbin takes its PC lock).
 */
export async function addTransceiver(
  webrtc: Deno.PointerObject,
  direction: keyof typeof TRANSCEIVER_DIRECTION,
  caps: string,
): Promise<void> {
  const l = lib();
  const parsed = l.gst_caps_from_string(cstr(caps));
  if (parsed === null) throw new Error(`Cannot parse caps "${caps}"`);
  const out = pointerBox();
  try {
    await l.emit_add_transceiver(
      webrtc,
      cstr("add-transceiver"),
      TRANSCEIVER_DIRECTION[direction],
      parsed,
      out,
    );
  } finally {
    // add-transceiver takes its own reference to the caps.
    gst().gst_mini_object_unref(parsed);
  }
  const transceiver = unbox(out);
  if (transceiver === null) throw new Error("Cannot add a transceiver");
  gst().gst_object_unref(transceiver);
}

const PAD_ADDED_ARGS = { parameters: ["pointer", "pointer", "pointer"], result: "void" } as const;

/**
 * Calls `fn` with each pad `element` adds. It runs on the JS thread while
 * the adding thread (for webrtcbin, the streaming thread of the first packet
 * of a received stream) waits; the pad pushes nothing until `fn` returns, so
 * `fn` may link it, and must do nothing that waits.
 */
export function onPadAdded(
  element: Deno.PointerObject,
  fn: (pad: Deno.PointerObject) => void,
): SignalHandler {
  return connectSignal(element, "pad-added", PAD_ADDED_ARGS, (_self, pad) => {
    if (pad !== null) fn(pad);
  });
}

/**
 * Sets a boolean property on the JS thread. Only for an element whose setter
 * takes nothing but its own object lock (`volume`'s `mute`): safe inside a
 * signal handler, where an off-thread call could not be awaited.
 */
export function setBooleanNow(element: Deno.PointerObject, name: string, value: boolean): void {
  lib().g_object_set_bool_now(element, cstr(name), value ? 1 : 0, null);
}

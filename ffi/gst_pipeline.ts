/**
 * Typed wrappers for building and watching a pipeline: parsing a launch
 * description (with its recoverable errors), popping bus messages into plain
 * objects, asking the registry for an element, requesting a keyframe.
 *
 * @module
 */

import {
  cstr,
  gst,
  GST_CLOCK_TIME_NONE,
  GST_MESSAGE_EOS,
  GST_MESSAGE_ERROR,
  GST_MESSAGE_WARNING,
  OFFSET,
  pointerBox,
  takeCString,
  takeError,
  unbox,
} from "./gst.ts";

/**
 * Parses a `gst-launch` description into a pipeline (owned by the caller).
 * Throws an `Error` with GStreamer's message, also for "recoverable" errors
 * (a missing element or property) after which GStreamer still returns a
 * pipeline that would only fail later.
 */
export function parseLaunch(description: string): Deno.PointerObject {
  const lib = gst();
  const error = pointerBox();
  const pipeline = lib.gst_parse_launch(cstr(description), error);
  return checkParsed(pipeline, takeError(lib, error));
}

/**
 * Parses a description into a bin whose unlinked pads are ghosted (a
 * `queue ! ...` branch gets a `sink` pad). Throws like {@linkcode parseLaunch}.
 */
export function parseBin(description: string): Deno.PointerObject {
  const lib = gst();
  const error = pointerBox();
  // ghost_unlinked_pads=TRUE: the first element's sink becomes the bin's "sink" pad.
  const bin = lib.gst_parse_bin_from_description(cstr(description), 1, error);
  return checkParsed(bin, takeError(lib, error));
}

function checkParsed(element: Deno.PointerValue, error: string | null): Deno.PointerObject {
  if (element !== null && error === null) return element;
  if (element !== null) gst().gst_object_unref(element);
  throw new Error(error ?? "unknown error");
}

/** A bus message, copied out of GStreamer. */
export interface BusMessage {
  type: "error" | "warning" | "eos";
  /** Path of the object that posted it, e.g. `/pipeline0/peer-p1/webrtc`. */
  source: string;
  /** The error or warning text ("" for end of stream). */
  text: string;
  /** GStreamer's debug detail ("" when none). */
  debug: string;
}

/** Options of {@linkcode busPop}. */
export interface BusPopOptions {
  /** How long to wait for a message, in ns. */
  timeoutNs: bigint;
}

/**
 * Waits (off the JS thread) for the next error, warning or end-of-stream
 * message on `bus`; resolves with it, or null after the timeout.
 */
export async function busPop(
  bus: Deno.PointerObject,
  options: BusPopOptions,
): Promise<BusMessage | null> {
  const lib = gst();
  const mask = GST_MESSAGE_ERROR | GST_MESSAGE_WARNING | GST_MESSAGE_EOS;
  const message = await lib.gst_bus_timed_pop_filtered(bus, options.timeoutNs, mask);
  if (message === null) return null;
  const view = new Deno.UnsafePointerView(message);
  const code = view.getUint32(OFFSET.messageType);
  const source =
    takeCString(lib, lib.gst_object_get_path_string(view.getPointer(OFFSET.messageSrc))) ??
      "?";
  if (code !== GST_MESSAGE_ERROR && code !== GST_MESSAGE_WARNING) {
    lib.gst_mini_object_unref(message);
    return { type: "eos", source, text: "", debug: "" };
  }
  const error = pointerBox();
  const debug = pointerBox();
  if (code === GST_MESSAGE_ERROR) lib.gst_message_parse_error(message, error, debug);
  else lib.gst_message_parse_warning(message, error, debug);
  const text = takeError(lib, error) ?? "unknown";
  const detail = takeCString(lib, unbox(debug)) ?? "";
  lib.gst_mini_object_unref(message);
  return { type: code === GST_MESSAGE_ERROR ? "error" : "warning", source, text, debug: detail };
}

/** Whether this GStreamer installation has an element factory called `name`. */
export function elementExists(name: string): boolean {
  const lib = gst();
  const factory = lib.gst_element_factory_find(cstr(name));
  if (factory === null) return false;
  lib.gst_object_unref(factory);
  return true;
}

/** Sends an upstream force-key-unit event (all headers) through `pad`; false if refused. */
export function requestKeyframe(pad: Deno.PointerObject): boolean {
  const lib = gst();
  const event = lib.gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE, 1, 0);
  return lib.gst_pad_send_event(pad, event) !== 0;
}

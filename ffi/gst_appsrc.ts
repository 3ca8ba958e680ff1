/**
 * Feeding raw frames into a pipeline's `appsrc` (libgstapp-1.0) from the
 * capture: one frame buffer written in place while nothing downstream holds
 * it, pushed with the pipeline's running time as its timestamp, and a probe
 * that reports the encoder's keyframe requests (a viewer's PLI, a new
 * viewer) so a still screen can answer them with a frame.
 *
 * @module
 */

import { openLibrary } from "./_dlopen.ts";
import { cstr, gst } from "./gst.ts";

const P = "pointer" as const;
const B = "buffer" as const;

const appSymbols = {
  gst_app_src_set_caps: { parameters: [P, P], result: "void" },
  /** Takes the buffer's reference. With `block=false` it never waits. */
  gst_app_src_push_buffer: { parameters: [P, P], result: "i32" },
} as const;

const coreSymbols = {
  gst_caps_from_string: { parameters: [B], result: P },
  gst_mini_object_ref: { parameters: [P], result: P },
  gst_mini_object_unref: { parameters: [P], result: "void" },
  gst_mini_object_is_writable: { parameters: [P], result: "i32" },
  /** (allocator or NULL, size, params or NULL) */
  gst_buffer_new_allocate: { parameters: [P, "usize", P], result: P },
  gst_buffer_copy_deep: { parameters: [P], result: P },
  gst_buffer_is_all_memory_writable: { parameters: [P], result: "i32" },
  gst_buffer_map: { parameters: [P, B, "i32"], result: "i32" },
  gst_buffer_unmap: { parameters: [P, B], result: "void" },
  gst_element_get_current_running_time: { parameters: [P], result: "u64" },
  /** (pad, mask, callback, user_data, destroy_data) -> probe id */
  gst_pad_add_probe: { parameters: [P, "u32", "function", P, P], result: "u64" },
  gst_pad_remove_probe: { parameters: [P, "u64"], result: "void" },
} as const;

const videoSymbols = {
  gst_video_event_is_force_key_unit: { parameters: [P], result: "i32" },
} as const;

type AppSrcLib =
  & Deno.DynamicLibrary<typeof appSymbols>["symbols"]
  & Deno.DynamicLibrary<typeof coreSymbols>["symbols"]
  & Deno.DynamicLibrary<typeof videoSymbols>["symbols"];

let loaded: AppSrcLib | undefined;

function lib(): AppSrcLib {
  if (loaded) return loaded;
  gst(); // gst_init first
  return loaded = {
    ...openLibrary("libgstapp-1.0.so.0", appSymbols),
    ...openLibrary("libgstreamer-1.0.so.0", coreSymbols),
    ...openLibrary("libgstvideo-1.0.so.0", videoSymbols),
  } as AppSrcLib;
}

/** `GST_MAP_WRITE`. */
const MAP_WRITE = 2;
/** `sizeof(GstMapInfo)` and the offset of its `data`. */
const MAP_INFO_SIZE = 104;
const MAP_INFO_DATA = 16;
/** GstBuffer.pts (after the 64-byte GstMiniObject and the pool pointer). */
const BUFFER_PTS = 72;
/** `GST_PAD_PROBE_TYPE_EVENT_UPSTREAM`, `GST_PAD_PROBE_OK`; GstPadProbeInfo.data. */
const PROBE_EVENT_UPSTREAM = 128;
const PROBE_OK = 1;
const PROBE_INFO_DATA = 16;
/** `GST_FLOW_OK`. */
const FLOW_OK = 0;

/** A raw frame buffer the capture owns and writes while nothing else holds it. */
export class FrameBuffer {
  /** The `GstBuffer *` (one reference is ours). */
  readonly pointer: Deno.PointerObject;
  /** Its size, in bytes. */
  readonly size: number;
  readonly #map = new Uint8Array(MAP_INFO_SIZE);
  #mapped = false;

  private constructor(pointer: Deno.PointerObject, size: number) {
    this.pointer = pointer;
    this.size = size;
  }

  /** A new zeroed buffer of `size` bytes. */
  static allocate(size: number): FrameBuffer {
    const buffer = lib().gst_buffer_new_allocate(null, BigInt(size), null);
    if (buffer === null) throw new Error(`Cannot allocate a ${size}-byte frame`);
    const frame = new FrameBuffer(buffer, size);
    frame.write().fill(0);
    frame.unmap();
    return frame;
  }

  /**
   * Whether the frame can be written: no element downstream holds it any
   * more (the encoder has finished with it).
   */
  get writable(): boolean {
    const l = lib();
    return l.gst_mini_object_is_writable(this.pointer) !== 0 &&
      l.gst_buffer_is_all_memory_writable(this.pointer) !== 0;
  }

  /** A deep copy (for when an element keeps this one too long), owned by the caller. */
  copy(): FrameBuffer {
    const copied = lib().gst_buffer_copy_deep(this.pointer);
    if (copied === null) throw new Error("Cannot copy a frame");
    return new FrameBuffer(copied, this.size);
  }

  /** Maps the frame for writing; its bytes stay valid until {@linkcode unmap}. */
  write(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(this.data(), this.size));
  }

  /** Maps the frame for writing (once) and returns its first byte. */
  data(): Deno.PointerObject {
    if (!this.#mapped) {
      if (!lib().gst_buffer_map(this.pointer, this.#map, MAP_WRITE)) {
        throw new Error("Cannot write a frame that is still in use");
      }
      this.#mapped = true;
    }
    const box = new BigUint64Array(this.#map.buffer, MAP_INFO_DATA, 1);
    return Deno.UnsafePointer.create(box[0]!)!;
  }

  /**
   * Takes one more reference, so the frame stays alive and is not writable
   * (the capture waits) until the returned function drops it (idempotent):
   * for an encoder that reads the frame beside the pipeline.
   */
  hold(): () => void {
    lib().gst_mini_object_ref(this.pointer);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      lib().gst_mini_object_unref(this.pointer);
    };
  }

  /** Ends the write mapping (before the frame is pushed). */
  unmap(): void {
    if (!this.#mapped) return;
    this.#mapped = false;
    lib().gst_buffer_unmap(this.pointer, this.#map);
  }

  /** Drops our reference (once the pipeline no longer needs it, it is freed). */
  release(): void {
    this.unmap();
    lib().gst_mini_object_unref(this.pointer);
  }
}

/** An `appsrc` in a running pipeline. */
export class AppSrc {
  readonly #element: Deno.PointerObject;

  /** `element` is the appsrc (a reference the caller keeps alive). */
  constructor(element: Deno.PointerObject) {
    this.#element = element;
  }

  /** Sets the caps of what follows, e.g. `video/x-raw,format=I420,width=1280,...`. */
  setCaps(description: string): void {
    const l = lib();
    const caps = l.gst_caps_from_string(cstr(description));
    if (caps === null) throw new RangeError(`Cannot parse caps "${description}"`);
    l.gst_app_src_set_caps(this.#element, caps);
    l.gst_mini_object_unref(caps);
  }

  /**
   * Pushes `frame` (we keep our reference) stamped with the pipeline's
   * running time now; false when the pipeline refuses it (flushing,
   * stopping).
   */
  push(frame: FrameBuffer): boolean {
    const l = lib();
    frame.unmap();
    const now = l.gst_element_get_current_running_time(this.#element);
    // The frame is ours alone here (writable), so its metadata may change.
    new DataView(Deno.UnsafePointerView.getArrayBuffer(frame.pointer, 8, BUFFER_PTS))
      .setBigUint64(0, now, true);
    l.gst_mini_object_ref(frame.pointer);
    return l.gst_app_src_push_buffer(this.#element, frame.pointer) === FLOW_OK;
  }
}

/** A probe that can be removed and, once its pad's element is stopped, freed. */
export interface KeyframeWatch {
  /** Removes the probe (the pad must still exist). */
  remove(): void;
  /** Frees the callback; only once no thread can call it (the element is in NULL). */
  close(): void;
}

/**
 * Calls `onRequest` each time a force-key-unit request travels up through
 * `pad` (the encoder's source pad): a viewer lost a frame or just joined.
 * The callback runs on the JS thread while the requesting thread waits, so
 * it must only note the request.
 */
export function watchKeyframeRequests(
  pad: Deno.PointerObject,
  onRequest: () => void,
): KeyframeWatch {
  const l = lib();
  const callback = Deno.UnsafeCallback.threadSafe(
    { parameters: [P, P, P], result: "i32" } as const,
    (_pad, info) => {
      if (info === null) return PROBE_OK;
      const event = new Deno.UnsafePointerView(info).getPointer(PROBE_INFO_DATA);
      if (event !== null && l.gst_video_event_is_force_key_unit(event) !== 0) onRequest();
      return PROBE_OK;
    },
  );
  const id = l.gst_pad_add_probe(pad, PROBE_EVENT_UPSTREAM, callback.pointer, null, null);
  let removed = false;
  let closed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    l.gst_pad_remove_probe(pad, id);
  };
  return {
    remove,
    close() {
      remove();
      if (closed) return;
      closed = true;
      callback.close();
    },
  };
}

/**
 * GObject signal handlers backed by thread-safe JS callbacks.
 *
 * GStreamer emits most signals on its own threads; a thread-safe callback
 * makes that thread wait until the JS thread has run the handler. So a
 * handler only copies its arguments and queues the real work, and the life
 * of a connection has two ends: {@linkcode SignalHandler.disconnect} (no new
 * emission reaches the callback) and {@linkcode SignalHandler.close} (the
 * callback's memory is freed), the second only once the emitting object has
 * stopped (state NULL), so that no emission can still be on its way.
 *
 * @module
 */

import { cstr, gst } from "./gst.ts";

/** One connected handler. */
export interface SignalHandler {
  /** The handler id `g_signal_connect_data` returned. */
  readonly id: bigint;
  /** Disconnects the handler (once; later calls do nothing). The instance must still be alive. */
  disconnect(): void;
  /**
   * Disconnects if still connected, then frees the callback. Call it only
   * when no thread can be emitting the signal any more (the element is in
   * NULL): an emission already under way would call freed memory.
   */
  close(): void;
}

/**
 * Connects `fn` to `signal` of `instance`. `definition` is the C signature of
 * the handler (instance first, user data last); `fn` runs on the JS thread
 * while the emitting thread waits, so it must be short and never wait itself.
 */
export function connectSignal<const D extends Deno.UnsafeCallbackDefinition>(
  instance: Deno.PointerObject,
  signal: string,
  definition: D,
  fn: Deno.UnsafeCallbackFunction<D["parameters"], D["result"]>,
): SignalHandler {
  const lib = gst();
  const callback = Deno.UnsafeCallback.threadSafe(definition, fn);
  const id = lib.g_signal_connect_data(instance, cstr(signal), callback.pointer, null, null, 0);
  if (id === 0n) {
    callback.close();
    throw new Error(`Cannot connect to signal "${signal}"`);
  }
  let connected = true;
  let closed = false;
  const disconnect = () => {
    if (!connected) return;
    connected = false;
    lib.g_signal_handler_disconnect(instance, id);
  };
  return {
    id,
    disconnect,
    close() {
      disconnect();
      if (closed) return;
      closed = true;
      callback.close();
    },
  };
}

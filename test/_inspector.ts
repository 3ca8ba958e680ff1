/**
 * What a server keeps alive, read through the V8 inspector: start it with
 * `inspectorFlag()` among its permissions, then `liveBytesAfterGc()` takes a
 * heap snapshot (which first collects all garbage) and adds up the objects
 * still reachable, their ArrayBuffers included. Compiled code and object
 * shapes are left out: V8 keeps compiling hot functions for a while, and
 * that growth levels off where a leak does not. A leak of viewers' state
 * shows up here byte for byte, where the process's resident memory moves by
 * megabytes with V8's and malloc's own bookkeeping.
 *
 * @module
 */

/** A free loopback port and the `--inspect` flag that listens on it. */
export function inspectorFlag(): { flag: string; port: number } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return { flag: `--inspect=127.0.0.1:${port}`, port };
}

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
}

/** Node types that are not data: compiled code and object shapes (hidden classes). */
const NOT_DATA = new Set(["code", "object shape"]);

/** Bytes of data still reachable in a heap snapshot. */
export function liveDataBytes(snapshot: HeapSnapshot): number {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const typeAt = fields.indexOf("type");
  const sizeAt = fields.indexOf("self_size");
  let bytes = 0;
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    if (!NOT_DATA.has(types[snapshot.nodes[i + typeAt]!]!)) bytes += snapshot.nodes[i + sizeAt]!;
  }
  return bytes;
}

/** Bytes of data the process on `port` still holds after a full garbage collection. */
export async function liveBytesAfterGc(port: number): Promise<number> {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
  let json = "";
  let done: (() => void) | undefined;
  socket.onmessage = (event) => {
    const message = JSON.parse(String(event.data));
    if (message.method === "HeapProfiler.addHeapSnapshotChunk") json += message.params.chunk;
    else if (message.id === 1) done?.();
  };
  try {
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error(`no inspector on port ${port}`));
    });
    // The snapshot collects garbage first; its chunks arrive before the reply.
    await new Promise<void>((resolve) => {
      done = resolve;
      socket.send(JSON.stringify({ id: 1, method: "HeapProfiler.takeHeapSnapshot" }));
    });
  } finally {
    const closed = new Promise((resolve) => socket.onclose = resolve);
    socket.close();
    await closed;
  }
  return liveDataBytes(JSON.parse(json));
}

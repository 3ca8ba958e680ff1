/**
 * The media helper, run as `skerry helper`: builds the session's pipeline
 * through GStreamer FFI, adds one `queue ! webrtcbin` branch per viewer, and
 * bridges webrtcbin's offer/answer, ICE candidates and data channels to the
 * server as JSON lines on stdin/stdout (docs/PROTOCOL.md, "Helper").
 *
 * Threading rules (shared/reference/gstreamer-ffi.md): webrtcbin signals run
 * on GStreamer threads that block until the JS callback returns, so the
 * callbacks only copy their arguments and queue the real work; every call that
 * can wait on a GStreamer lock is a `nonblocking` FFI call.
 *
 * @module
 */

import {
  cstr,
  getIntProperty,
  getObjectProperty,
  type Gst,
  gst,
  GST_CLOCK_TIME_NONE,
  GST_MESSAGE_EOS,
  GST_MESSAGE_ERROR,
  GST_MESSAGE_WARNING,
  GST_PAD_LINK_OK,
  GST_STATE_CHANGE_FAILURE,
  GST_STATE_NULL,
  GST_STATE_PLAYING,
  GST_STATE_READY,
  GST_WEBRTC_SDP_TYPE_ANSWER,
  OFFSET,
  PEER_CONNECTION_STATES,
  pointerBox,
  readCString,
  takeCString,
  takeError,
  unbox,
} from "../ffi/gst.ts";
import {
  type FromHelper,
  type HelperStart,
  parseToHelper,
  type ToHelper,
} from "../lib/protocol/helper.ts";
import { readLines } from "../lib/read_lines.ts";
import { registerPlayoutDelay } from "./playout_delay.ts";
import { lowerMediaPriority } from "./thread_priority.ts";

/** Exit codes of the helper. */
export const HelperExit = {
  Ok: 0,
  Usage: 2,
  PipelineFailed: 3,
} as const;

/** How often webrtcbin's connection state is polled, in ms (signals for it are not audited). */
const STATE_POLL_MS = 100;
/** Bus poll timeout, in ns: short enough to notice shutdown quickly. */
const BUS_TIMEOUT_NS = 100_000_000n;

const encoder = new TextEncoder();

/** Writes one protocol message as a line on stdout. */
function send(message: FromHelper): void {
  const bytes = encoder.encode(JSON.stringify(message) + "\n");
  let written = 0;
  while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
}

/** Logs one line on stderr (the server copies it into its log). */
function log(level: "debug" | "info" | "warn" | "error", message: string): void {
  const t = performance.now().toFixed(1);
  Deno.stderr.writeSync(encoder.encode(`${level} ${t} ${message}\n`));
}

interface Channel {
  label: string;
  pointer: Deno.PointerValue;
}

interface Peer {
  id: string;
  bin: Deno.PointerValue;
  webrtc: Deno.PointerValue;
  teePad: Deno.PointerValue;
  channels: Channel[];
  callbacks: Deno.UnsafeCallback[];
  /** Candidates gathered before the offer line was written. */
  pendingIce: { candidate: string; sdpMLineIndex: number }[] | null;
  negotiating: boolean;
  state: string;
  removed: boolean;
}

const NEGOTIATION_NEEDED = { parameters: ["pointer", "pointer"], result: "void" } as const;
const ICE_CANDIDATE = {
  parameters: ["pointer", "u32", "pointer", "pointer"],
  result: "void",
} as const;
const CHANNEL_DATA = { parameters: ["pointer", "pointer", "pointer"], result: "void" } as const;

/** One running helper: the pipeline and its viewers. */
class Helper {
  #lib: Gst;
  #spec: HelperStart;
  #pipeline: Deno.PointerValue = null;
  #tee: Deno.PointerValue = null;
  #encoderPad: Deno.PointerValue = null;
  #peers = new Map<string, Peer>();
  #stopping = false;
  #done = Promise.withResolvers<number>();
  #poll: ReturnType<typeof setInterval> | undefined;
  #polling = false;
  #nice: ReturnType<typeof setInterval> | undefined;

  #warm: Promise<void>;

  /** `warm` resolves once the DTLS certificate exists; offers wait for it. */
  constructor(lib: Gst, spec: HelperStart, warm: Promise<void>) {
    this.#lib = lib;
    this.#spec = spec;
    this.#warm = warm;
  }

  /** Resolves with the exit code once the helper has shut down. */
  get done(): Promise<number> {
    return this.#done.promise;
  }

  async start(): Promise<void> {
    const lib = this.#lib;
    const missing = registerPlayoutDelay(lib);
    if (missing) {
      log("warn", `playout-delay extension unavailable (${missing}): expect ~25 ms more latency`);
    }
    const error = pointerBox();
    const pipeline = lib.gst_parse_launch(cstr(this.#spec.pipeline), error);
    const parseError = takeError(lib, error);
    if (pipeline === null || parseError !== null) {
      // A missing element or property is a "recoverable" parse error: a pipeline
      // comes back with the error set, and would only fail later. Refuse it now.
      if (pipeline !== null) lib.gst_object_unref(pipeline);
      this.#fail(HelperExit.Usage, `Cannot parse pipeline: ${parseError ?? "unknown error"}`);
      return;
    }
    this.#pipeline = pipeline;
    // latency=0: webrtcbin's nicesink syncs RTP to the clock; with the pipeline's
    // own latency (one frame, from ximagesrc) each frame would wait up to 16 ms
    // before leaving. At zero it leaves when encoded: about 4 ms lower median
    // glass-to-glass here, and the browser renders on arrival (playout delay 0).
    lib.g_object_set_u64(pipeline, cstr("latency"), 0n, null);
    this.#tee = lib.gst_bin_get_by_name(pipeline, cstr(this.#spec.tee));
    if (this.#tee === null) {
      this.#fail(HelperExit.Usage, `Cannot find tee "${this.#spec.tee}" in the pipeline`);
      return;
    }
    const enc = lib.gst_bin_get_by_name(pipeline, cstr(this.#spec.encoder));
    if (enc !== null) {
      this.#encoderPad = lib.gst_element_get_static_pad(enc, cstr("src"));
      lib.gst_object_unref(enc);
    }
    this.#busLoop();
    const result = await lib.gst_element_set_state(pipeline, GST_STATE_PLAYING);
    if (result === GST_STATE_CHANGE_FAILURE) {
      // The bus loop reports the element's own error text; give it a moment.
      setTimeout(
        () => this.#fail(HelperExit.PipelineFailed, "Cannot start pipeline: state change failed"),
        300,
      );
      return;
    }
    this.#poll = setInterval(() => this.#pollStates(), STATE_POLL_MS);
    // Encoder threads appear with the first frames: look for them a few times.
    this.#nice = setInterval(() => lowerMediaPriority(), 1000);
    send({ type: "ready", pid: Deno.pid });
  }

  /** Handles one message from the server. */
  async handle(message: ToHelper): Promise<void> {
    if (this.#stopping) return;
    switch (message.type) {
      case "start":
        log("warn", "ignoring a second start message");
        return;
      case "peer-add":
        return await this.#addPeer(message.peer);
      case "peer-remove":
        return await this.#removePeer(message.peer);
      case "answer":
        return await this.#answer(message.peer, message.sdp);
      case "ice": {
        const peer = this.#peers.get(message.peer);
        if (!peer) return log("warn", `ice for unknown peer ${message.peer}`);
        // An empty candidate means end of candidates; libnice needs no signal for it.
        if (message.candidate === "") return;
        await this.#lib.emit_u32_str(
          peer.webrtc,
          cstr("add-ice-candidate"),
          message.sdpMLineIndex,
          cstr(message.candidate),
        );
        return;
      }
      case "send":
        return await this.#sendData(message.peer, message.channel, message.data);
      case "stop":
        return await this.stop(HelperExit.Ok);
    }
  }

  async #addPeer(id: string): Promise<void> {
    const lib = this.#lib;
    if (this.#peers.has(id)) return log("warn", `peer ${id} already exists`);
    log("debug", `peer ${id}: adding`);
    // webrtcbin makes its dtlsdec on this thread; never let it generate the key here.
    await this.#warm;
    const error = pointerBox();
    // ghost_unlinked_pads=TRUE: the queue's sink becomes the bin's "sink" pad.
    const bin = lib.gst_parse_bin_from_description(cstr(this.#spec.branch), 1, error);
    const parseError = takeError(lib, error);
    if (bin === null || parseError !== null) {
      if (bin !== null) lib.gst_object_unref(bin);
      send({
        type: "error",
        peer: id,
        fatal: false,
        message: `Cannot build branch: ${parseError}`,
      });
      return;
    }
    lib.gst_object_set_name(bin, cstr(`peer-${id}`));
    const webrtc = lib.gst_bin_get_by_name(bin, cstr(this.#spec.webrtcbin));
    const peer: Peer = {
      id,
      bin,
      webrtc,
      teePad: null,
      channels: [],
      callbacks: [],
      pendingIce: [],
      negotiating: false,
      state: "new",
      removed: false,
    };
    this.#peers.set(id, peer);

    await this.#pinIceAddresses(webrtc);
    this.#connect(peer, "on-negotiation-needed", NEGOTIATION_NEEDED, () => {
      log("debug", `peer ${id}: negotiation needed`);
      queueMicrotask(() => this.#offer(peer));
    });
    this.#connect(
      peer,
      "on-ice-candidate",
      ICE_CANDIDATE,
      (_element: Deno.PointerValue, mline: number, candidate: Deno.PointerValue) => {
        const text = readCString(candidate) ?? "";
        if (peer.pendingIce) peer.pendingIce.push({ candidate: text, sdpMLineIndex: mline });
        else send({ type: "ice", peer: id, candidate: text, sdpMLineIndex: mline });
      },
    );
    // Add first; READY opens webrtcbin so data channels can be created before
    // linking, and the first offer already carries them (no renegotiation).
    lib.gst_bin_add(this.#pipeline, bin);
    await lib.gst_element_set_state(bin, GST_STATE_READY);
    for (const label of this.#spec.channels) await this.#createChannel(peer, label);
    // PLAYING before linking: a tee pushing into a pad that is still flushing
    // gets FLUSHING back, returns it upstream, and the capture task stops for
    // every viewer (seen: one viewer in ~30 joins froze the whole stream).
    await lib.gst_element_sync_state_with_parent(bin);
    peer.teePad = lib.gst_element_request_pad_simple(this.#tee, cstr("src_%u"));
    const sink = lib.gst_element_get_static_pad(bin, cstr("sink"));
    const linked = lib.gst_pad_link(peer.teePad, sink);
    lib.gst_object_unref(sink);
    if (linked !== GST_PAD_LINK_OK) {
      send({ type: "error", peer: id, fatal: false, message: `Cannot link branch (${linked})` });
      await this.#removePeer(id);
      return;
    }
    log("debug", `peer ${id}: branch playing`);
  }

  #connect<D extends Deno.UnsafeCallbackDefinition>(
    peer: Peer,
    signal: string,
    definition: D,
    fn: Deno.UnsafeCallbackFunction<D["parameters"], D["result"]>,
    instance: Deno.PointerValue = peer.webrtc,
  ): void {
    const callback = Deno.UnsafeCallback.threadSafe(definition, fn);
    peer.callbacks.push(callback as unknown as Deno.UnsafeCallback);
    this.#lib.g_signal_connect_data(instance, cstr(signal), callback.pointer, null, null, 0);
  }

  async #createChannel(peer: Peer, label: string): Promise<void> {
    const lib = this.#lib;
    const box = pointerBox();
    await lib.emit_str_ptr_out(peer.webrtc, cstr("create-data-channel"), cstr(label), null, box);
    const channel = unbox(box);
    if (channel === null) {
      send({
        type: "error",
        peer: peer.id,
        fatal: false,
        message: `Cannot create channel ${label}`,
      });
      return;
    }
    peer.channels.push({ label, pointer: channel });
    this.#connect(peer, "on-open", NEGOTIATION_NEEDED, () => {
      send({ type: "channel-open", peer: peer.id, channel: label });
    }, channel);
    this.#connect(
      peer,
      "on-message-data",
      CHANNEL_DATA,
      (_channel: Deno.PointerValue, bytes: Deno.PointerValue) => {
        if (bytes === null) return;
        // The GBytes lives only for this call: copy it now.
        const size = new BigUint64Array(1);
        const data = lib.g_bytes_get_data(bytes, size);
        if (data === null) return;
        const copy = new Uint8Array(
          Deno.UnsafePointerView.getArrayBuffer(data, Number(size[0]!)).slice(0),
        );
        send({ type: "data", peer: peer.id, channel: label, data: copy.toBase64() });
      },
      channel,
    );
  }

  /** Adds the configured local addresses to the peer's ICE agent (libnice skips loopback). */
  async #pinIceAddresses(webrtc: Deno.PointerValue): Promise<void> {
    if (this.#spec.iceAddresses.length === 0) return;
    const lib = this.#lib;
    const ice = await getObjectProperty(lib, webrtc, "ice-agent");
    const agent = ice === null ? null : await getObjectProperty(lib, ice, "agent");
    for (const address of this.#spec.iceAddresses) {
      const a = lib.nice_address_new();
      if (!lib.nice_address_set_from_string(a, cstr(address))) {
        log("warn", `ignoring invalid ICE address ${address}`);
      } else if (agent === null || !lib.nice_agent_add_local_address(agent, a)) {
        log("warn", `cannot add ICE address ${address}`);
      }
      lib.nice_address_free(a);
    }
    if (agent !== null) lib.g_object_unref(agent);
    if (ice !== null) lib.g_object_unref(ice);
  }

  async #offer(peer: Peer): Promise<void> {
    if (peer.removed || peer.negotiating) return;
    peer.negotiating = true;
    const lib = this.#lib;
    const promise = lib.gst_promise_new();
    await lib.emit_ptr_ptr(peer.webrtc, cstr("create-offer"), null, promise);
    await lib.gst_promise_wait(promise);
    const reply = lib.gst_promise_get_reply(promise);
    if (peer.removed) return lib.gst_mini_object_unref(promise);
    if (reply === null || lib.gst_structure_has_field(reply, cstr("error"))) {
      const detail = reply === null
        ? "no reply"
        : takeCString(lib, lib.gst_structure_to_string(reply));
      lib.gst_mini_object_unref(promise);
      send({
        type: "error",
        peer: peer.id,
        fatal: false,
        message: `Cannot create offer: ${detail}`,
      });
      peer.negotiating = false;
      return;
    }
    const description = lib.g_value_get_boxed(lib.gst_structure_get_value(reply, cstr("offer")));
    const sdpMessage = new Deno.UnsafePointerView(description!).getPointer(
      OFFSET.sessionDescriptionSdp,
    );
    const sdp = takeCString(lib, lib.gst_sdp_message_as_text(sdpMessage)) ?? "";
    // Send the offer before setting it locally: the browser starts on it sooner,
    // and candidates (which only come after set-local-description) wait for it.
    send({ type: "offer", peer: peer.id, sdp });
    log("debug", `peer ${peer.id}: offer sent`);
    const pending = peer.pendingIce ?? [];
    peer.pendingIce = null;
    for (const c of pending) send({ type: "ice", peer: peer.id, ...c });
    const local = lib.gst_promise_new();
    await lib.emit_ptr_ptr(peer.webrtc, cstr("set-local-description"), description, local);
    await lib.gst_promise_wait(local);
    lib.gst_mini_object_unref(local);
    lib.gst_mini_object_unref(promise);
    peer.negotiating = false;
  }

  async #answer(id: string, text: string): Promise<void> {
    const peer = this.#peers.get(id);
    if (!peer) return log("warn", `answer for unknown peer ${id}`);
    const lib = this.#lib;
    const box = pointerBox();
    if (lib.gst_sdp_message_new_from_text(cstr(text), box) !== 0 || unbox(box) === null) {
      send({ type: "error", peer: id, fatal: false, message: "Cannot parse answer SDP" });
      return;
    }
    // The description takes ownership of the SDP message.
    const description = lib.gst_webrtc_session_description_new(
      GST_WEBRTC_SDP_TYPE_ANSWER,
      unbox(box),
    );
    const promise = lib.gst_promise_new();
    await lib.emit_ptr_ptr(peer.webrtc, cstr("set-remote-description"), description, promise);
    await lib.gst_promise_wait(promise);
    const reply = lib.gst_promise_get_reply(promise);
    if (reply !== null && lib.gst_structure_has_field(reply, cstr("error"))) {
      const detail = takeCString(lib, lib.gst_structure_to_string(reply));
      send({ type: "error", peer: id, fatal: false, message: `Cannot set answer: ${detail}` });
    }
    lib.gst_mini_object_unref(promise);
    lib.gst_webrtc_session_description_free(description);
  }

  async #sendData(id: string, label: string, base64: string): Promise<void> {
    const peer = this.#peers.get(id);
    const channel = peer?.channels.find((c) => c.label === label);
    if (!channel) return log("warn", `send to unknown channel ${id}/${label}`);
    const bytes = Uint8Array.fromBase64(base64);
    const gbytes = this.#lib.g_bytes_new(bytes, BigInt(bytes.length));
    await this.#lib.gst_webrtc_data_channel_send_data(channel.pointer, gbytes);
    this.#lib.g_bytes_unref(gbytes);
  }

  async #removePeer(id: string): Promise<void> {
    const peer = this.#peers.get(id);
    if (!peer) return;
    const lib = this.#lib;
    peer.removed = true;
    this.#peers.delete(id);
    if (peer.teePad !== null) {
      // Unlink first so the tee stops pushing into a branch that is going away.
      const sink = lib.gst_element_get_static_pad(peer.bin, cstr("sink"));
      lib.gst_pad_unlink(peer.teePad, sink);
      lib.gst_object_unref(sink);
      lib.gst_element_release_request_pad(this.#tee, peer.teePad);
      lib.gst_object_unref(peer.teePad);
    }
    for (const c of peer.channels) await lib.gst_webrtc_data_channel_close(c.pointer);
    await lib.gst_element_set_state(peer.bin, GST_STATE_NULL);
    // A state poll may still be reading this webrtcbin on a worker thread.
    while (this.#polling) await new Promise((r) => setTimeout(r, 5));
    lib.gst_bin_remove(this.#pipeline, peer.bin);
    for (const c of peer.channels) lib.g_object_unref(c.pointer);
    if (peer.webrtc !== null) lib.gst_object_unref(peer.webrtc);
    // Callbacks are closed only once the branch is in NULL: no thread can call them now.
    for (const cb of peer.callbacks) cb.close();
  }

  async #pollStates(): Promise<void> {
    if (this.#polling) return; // the previous poll is still waiting for a lock
    this.#polling = true;
    try {
      await this.#pollOnce();
    } finally {
      this.#polling = false;
    }
  }

  async #pollOnce(): Promise<void> {
    for (const peer of [...this.#peers.values()]) {
      if (peer.removed) continue;
      const value = await getIntProperty(this.#lib, peer.webrtc, "connection-state");
      const state = PEER_CONNECTION_STATES[value] ?? `unknown(${value})`;
      if (state === peer.state) continue;
      peer.state = state;
      send({ type: "peer-state", peer: peer.id, state });
      // A viewer that just connected needs a keyframe now, not at the next PLI.
      if (state === "connected") this.#requestKeyframe();
    }
  }

  #requestKeyframe(): void {
    if (this.#encoderPad === null) return;
    const lib = this.#lib;
    const event = lib.gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE, 1, 0);
    lib.gst_pad_send_event(this.#encoderPad, event);
  }

  async #busLoop(): Promise<void> {
    const lib = this.#lib;
    const bus = lib.gst_element_get_bus(this.#pipeline);
    const mask = GST_MESSAGE_ERROR | GST_MESSAGE_EOS | GST_MESSAGE_WARNING;
    let reported = false;
    while (!this.#stopping) {
      const message = await lib.gst_bus_timed_pop_filtered(bus, BUS_TIMEOUT_NS, mask);
      if (message === null) continue;
      const view = new Deno.UnsafePointerView(message);
      const type = view.getUint32(OFFSET.messageType);
      const src = view.getPointer(OFFSET.messageSrc);
      const path = takeCString(lib, lib.gst_object_get_path_string(src)) ?? "?";
      if (type === GST_MESSAGE_EOS) {
        lib.gst_mini_object_unref(message);
        this.#fail(HelperExit.PipelineFailed, "Pipeline ended (end of stream)");
        break;
      }
      const error = pointerBox();
      const debug = pointerBox();
      if (type === GST_MESSAGE_ERROR) lib.gst_message_parse_error(message, error, debug);
      else lib.gst_message_parse_warning(message, error, debug);
      const text = takeError(lib, error) ?? "unknown";
      const detail = takeCString(lib, unbox(debug)) ?? "";
      lib.gst_mini_object_unref(message);
      if (type === GST_MESSAGE_WARNING) {
        log("warn", `${path}: ${text} (${detail})`);
        continue;
      }
      const peerId = /\/peer-([A-Za-z0-9_-]+)(\/|$)/.exec(path)?.[1];
      if (peerId !== undefined && this.#peers.has(peerId)) {
        // A viewer's branch failed: drop that viewer, keep the others streaming.
        send({ type: "error", peer: peerId, fatal: false, message: `${text}` });
        log("error", `${path}: ${text} (${detail})`);
        await this.#removePeer(peerId);
        continue;
      }
      // Some sources re-post the same error many times; report the first only.
      if (!reported) {
        reported = true;
        log("error", `${path}: ${text} (${detail})`);
        this.#fail(HelperExit.PipelineFailed, text);
      }
    }
    lib.gst_object_unref(bus);
  }

  #fail(code: number, message: string): void {
    if (this.#stopping) return;
    send({ type: "error", fatal: true, message });
    void this.stop(code);
  }

  /** Tears everything down and resolves `done` with `code`. */
  async stop(code: number): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    clearInterval(this.#poll);
    clearInterval(this.#nice);
    const lib = this.#lib;
    if (this.#pipeline !== null) {
      await lib.gst_element_set_state(this.#pipeline, GST_STATE_NULL);
    }
    for (const peer of this.#peers.values()) for (const cb of peer.callbacks) cb.close();
    this.#done.resolve(code);
  }
}

/** Lists which of `elements` this GStreamer installation has. */
export function probeElements(elements: string[]): { available: string[]; missing: string[] } {
  const lib = gst();
  const available: string[] = [];
  const missing: string[] = [];
  for (const name of elements) {
    const factory = lib.gst_element_factory_find(cstr(name));
    if (factory === null) missing.push(name);
    else {
      available.push(name);
      lib.gst_object_unref(factory);
    }
  }
  return { available, missing };
}

/**
 * Runs the helper until `stop`, stdin EOF or SIGTERM; resolves with the exit
 * code. `args` are the arguments after `helper`: none, or `--probe a,b,c`
 * (prints which elements exist as one JSON line and exits).
 */
export async function runHelper(args: string[]): Promise<number> {
  let lib: Gst;
  try {
    lib = gst();
  } catch (error) {
    send({ type: "error", fatal: true, message: (error as Error).message });
    return HelperExit.PipelineFailed;
  }
  if (args[0] === "--probe") {
    const result = probeElements((args[1] ?? "").split(",").filter(Boolean));
    Deno.stdout.writeSync(encoder.encode(JSON.stringify(result) + "\n"));
    return HelperExit.Ok;
  }
  if (args.length > 0) {
    send({ type: "error", fatal: true, message: `Unknown helper arguments: ${args.join(" ")}` });
    return HelperExit.Usage;
  }

  // webrtcbin's DTLS certificate is an RSA-2048 key generated once per process
  // when the first dtlsdec is made (0.1-1.5 s). Make one now, on a worker
  // thread, while the server has not yet sent "start".
  const warm = lib.gst_element_factory_make(cstr("dtlsdec"), null).then((element) => {
    if (element !== null) lib.gst_object_unref(element);
    log("debug", "DTLS certificate ready");
  });
  const lines = readLines(Deno.stdin.readable)[Symbol.asyncIterator]();
  const first = await lines.next();
  let spec: ToHelper;
  try {
    if (first.done) return HelperExit.Ok;
    spec = parseToHelper(first.value);
    // A standby helper that is no longer needed.
    if (spec.type === "stop") return HelperExit.Ok;
    if (spec.type !== "start") throw new RangeError(`expected "start", received "${spec.type}"`);
  } catch (error) {
    send({ type: "error", fatal: true, message: `Cannot start: ${(error as Error).message}` });
    return HelperExit.Usage;
  }

  const helper = new Helper(lib, spec, warm);
  const onSignal = () => void helper.stop(HelperExit.Ok);
  Deno.addSignalListener("SIGTERM", onSignal);
  Deno.addSignalListener("SIGINT", onSignal);
  await helper.start();

  (async () => {
    for (;;) {
      const next = await lines.next();
      if (next.done) break;
      let message: ToHelper;
      try {
        message = parseToHelper(next.value);
      } catch (error) {
        log("warn", (error as Error).message);
        continue;
      }
      try {
        await helper.handle(message);
      } catch (error) {
        log("error", `Cannot handle ${message.type}: ${(error as Error).message}`);
      }
    }
    // stdin closed: the server is gone.
    await helper.stop(HelperExit.Ok);
  })();

  const code = await helper.done;
  Deno.removeSignalListener("SIGTERM", onSignal);
  Deno.removeSignalListener("SIGINT", onSignal);
  return code;
}

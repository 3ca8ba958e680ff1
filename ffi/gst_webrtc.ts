/**
 * Typed wrappers for one webrtcbin and its data channels: offer, answer, ICE,
 * channels, the connection state, and its libnice agent: UPnP off, pinned
 * local addresses, STUN/TURN servers (renewed on live streams), ICE restarts.
 *
 * Every call into webrtcbin is a `nonblocking` FFI call (see `gst.ts`): it
 * runs on a worker thread, so the JS thread stays free to run a signal
 * handler that webrtcbin's thread may be waiting for.
 *
 * @module
 */

import {
  copyBytes,
  cstr,
  getIntProperty,
  getObjectProperty,
  gst,
  GST_WEBRTC_SDP_TYPE_ANSWER,
  GST_WEBRTC_SDP_TYPE_OFFER,
  NICE_RELAY_TYPE,
  OFFSET,
  PEER_CONNECTION_STATES,
  pointerBox,
  readCString,
  takeCString,
  unbox,
} from "./gst.ts";
import { connectSignal, type SignalHandler } from "./gst_signal.ts";
import { readStructure, type StructureData } from "./gst_structure.ts";

/** webrtcbin's connection state; `unknown(n)` for a value newer than this table. */
export type PeerConnectionState = typeof PEER_CONNECTION_STATES[number] | `unknown(${number})`;

/** A local ICE candidate, as the browser's `addIceCandidate` takes it. */
export interface IceCandidate {
  candidate: string;
  sdpMLineIndex: number;
}

const NO_ARGS = { parameters: ["pointer", "pointer"], result: "void" } as const;
const ICE_ARGS = { parameters: ["pointer", "u32", "pointer", "pointer"], result: "void" } as const;
const DATA_ARGS = { parameters: ["pointer", "pointer", "pointer"], result: "void" } as const;

/** Calls `fn` when webrtcbin needs (re)negotiation. */
export function onNegotiationNeeded(webrtc: Deno.PointerObject, fn: () => void): SignalHandler {
  return connectSignal(webrtc, "on-negotiation-needed", NO_ARGS, () => fn());
}

/** Calls `fn` with each local ICE candidate webrtcbin gathers. */
export function onIceCandidate(
  webrtc: Deno.PointerObject,
  fn: (candidate: IceCandidate) => void,
): SignalHandler {
  return connectSignal(webrtc, "on-ice-candidate", ICE_ARGS, (_self, mline, text) => {
    fn({ candidate: readCString(text) ?? "", sdpMLineIndex: mline });
  });
}

/** Calls `fn` when a data channel opens. */
export function onChannelOpen(channel: Deno.PointerObject, fn: () => void): SignalHandler {
  return connectSignal(channel, "on-open", NO_ARGS, () => fn());
}

/** Calls `fn` for each text message received on a data channel, with its length in characters. */
export function onChannelString(
  channel: Deno.PointerObject,
  fn: (bytes: number) => void,
): SignalHandler {
  return connectSignal(channel, "on-message-string", DATA_ARGS, (_self, text) => {
    fn(readCString(text)?.length ?? 0);
  });
}

/** Calls `fn` with a copy of each binary message received on a data channel. */
export function onChannelData(
  channel: Deno.PointerObject,
  fn: (data: Uint8Array<ArrayBuffer>) => void,
): SignalHandler {
  return connectSignal(channel, "on-message-data", DATA_ARGS, (_self, bytes) => {
    // The GBytes lives only for this call: copy it now.
    if (bytes !== null) fn(copyBytes(gst(), bytes));
  });
}

/** The reply of a GstPromise, with the promise that owns it. */
interface Reply {
  /** The reply structure (owned by the promise), or null. */
  structure: Deno.PointerValue;
  /** The reply's error, as text, or null when it succeeded. */
  error: string | null;
  /** Releases the promise and its reply. */
  free(): void;
}

/** Emits `signal(arg, promise)` on `webrtc` and waits, off the JS thread, for the reply. */
async function promiseReply(
  webrtc: Deno.PointerObject,
  call: { signal: string; arg: Deno.PointerValue },
): Promise<Reply> {
  const lib = gst();
  const promise = lib.gst_promise_new();
  await lib.emit_ptr_ptr(webrtc, cstr(call.signal), call.arg, promise);
  await lib.gst_promise_wait(promise);
  const structure = lib.gst_promise_get_reply(promise);
  // set-*-description reply with no structure when they succeed.
  const error = structure !== null && lib.gst_structure_has_field(structure, cstr("error"))
    ? takeCString(lib, lib.gst_structure_to_string(structure)) ?? "error"
    : null;
  return { structure, error, free: () => lib.gst_mini_object_unref(promise) };
}

/** A local offer: its SDP text, then {@linkcode setLocal} and {@linkcode free}. */
export interface LocalOffer {
  /** The offer's SDP. */
  readonly sdp: string;
  /** Sets the offer as webrtcbin's local description; resolves with an error text or null. */
  setLocal(): Promise<string | null>;
  /** Releases the offer (after {@linkcode setLocal}, or instead of it). */
  free(): void;
}

/** Asks webrtcbin for an offer. Throws an `Error` with webrtcbin's reason when it has none. */
export async function createOffer(webrtc: Deno.PointerObject): Promise<LocalOffer> {
  const lib = gst();
  const reply = await promiseReply(webrtc, { signal: "create-offer", arg: null });
  if (reply.error !== null || reply.structure === null) {
    reply.free();
    throw new Error(reply.error ?? "no reply");
  }
  const description = lib.g_value_get_boxed(
    lib.gst_structure_get_value(reply.structure, cstr("offer")),
  );
  if (description === null) {
    reply.free();
    throw new Error("no offer in the reply");
  }
  const sdpMessage = new Deno.UnsafePointerView(description).getPointer(
    OFFSET.sessionDescriptionSdp,
  );
  const sdp = takeCString(lib, lib.gst_sdp_message_as_text(sdpMessage)) ?? "";
  return {
    sdp,
    async setLocal() {
      const local = await promiseReply(webrtc, {
        signal: "set-local-description",
        arg: description,
      });
      local.free();
      return local.error;
    },
    free: () => reply.free(),
  };
}

/**
 * Sets `sdp` as webrtcbin's remote answer. Throws a `RangeError` when the
 * text is not SDP and an `Error` with webrtcbin's reason when it refuses it.
 */
export function setRemoteAnswer(webrtc: Deno.PointerObject, sdp: string): Promise<void> {
  return setDescription(webrtc, { signal: "set-remote-description", type: "answer", sdp });
}

/**
 * Sets `sdp`, an offer webrtcbin made and the helper edited (new ICE
 * credentials), as its local description. Throws like {@linkcode setRemoteAnswer}.
 */
export function setLocalOffer(webrtc: Deno.PointerObject, sdp: string): Promise<void> {
  return setDescription(webrtc, { signal: "set-local-description", type: "offer", sdp });
}

async function setDescription(
  webrtc: Deno.PointerObject,
  d: { signal: string; type: "offer" | "answer"; sdp: string },
): Promise<void> {
  const lib = gst();
  const box = pointerBox();
  if (lib.gst_sdp_message_new_from_text(cstr(d.sdp), box) !== 0 || unbox(box) === null) {
    if (unbox(box) !== null) lib.gst_sdp_message_free(unbox(box));
    throw new RangeError(`Cannot parse ${d.type} SDP`);
  }
  // The description takes ownership of the SDP message.
  const description = lib.gst_webrtc_session_description_new(
    d.type === "offer" ? GST_WEBRTC_SDP_TYPE_OFFER : GST_WEBRTC_SDP_TYPE_ANSWER,
    unbox(box),
  );
  const reply = await promiseReply(webrtc, { signal: d.signal, arg: description });
  reply.free();
  lib.gst_webrtc_session_description_free(description);
  if (reply.error !== null) throw new Error(reply.error);
}

/** Adds a remote ICE candidate. */
export async function addIceCandidate(
  webrtc: Deno.PointerObject,
  ice: IceCandidate,
): Promise<void> {
  await gst().emit_u32_str(
    webrtc,
    cstr("add-ice-candidate"),
    ice.sdpMLineIndex,
    cstr(ice.candidate),
  );
}

/** Creates a data channel with default options; resolves with it (owned by the caller) or null. */
export async function createDataChannel(
  webrtc: Deno.PointerObject,
  label: string,
): Promise<Deno.PointerObject | null> {
  const box = pointerBox();
  await gst().emit_str_ptr_out(webrtc, cstr("create-data-channel"), cstr(label), null, box);
  return unbox(box);
}

/** Sends `data` as one binary message on `channel`. */
export async function sendChannelData(
  channel: Deno.PointerObject,
  data: Uint8Array,
): Promise<void> {
  const lib = gst();
  const bytes = lib.g_bytes_new(data as Uint8Array<ArrayBuffer>, BigInt(data.length));
  await lib.gst_webrtc_data_channel_send_data(channel, bytes);
  lib.g_bytes_unref(bytes);
}

/** Closes `channel` (the caller still owns its reference). */
export async function closeChannel(channel: Deno.PointerObject): Promise<void> {
  await gst().gst_webrtc_data_channel_close(channel);
}

/**
 * webrtcbin's statistics (`get-stats` for every pad), copied out of the
 * reply: one nested structure per RTCStats object, keyed by its id.
 * Throws an `Error` with webrtcbin's reason when it has none.
 */
export async function getStats(webrtc: Deno.PointerObject): Promise<StructureData> {
  const reply = await promiseReply(webrtc, { signal: "get-stats", arg: null });
  try {
    if (reply.error !== null || reply.structure === null) {
      throw new Error(reply.error ?? "no reply");
    }
    return readStructure(reply.structure);
  } finally {
    reply.free();
  }
}

/** webrtcbin's `connection-state`, read off the JS thread (the getter takes its PC lock). */
export async function connectionState(webrtc: Deno.PointerObject): Promise<PeerConnectionState> {
  const value = await getIntProperty(gst(), webrtc, "connection-state");
  return PEER_CONNECTION_STATES[value] ?? `unknown(${value})`;
}

/** Options of {@linkcode configureIceAgent}. */
export interface IceAgentOptions {
  /** Local addresses to offer besides the interfaces libnice finds (it skips loopback). */
  localAddresses: readonly string[];
}

/**
 * Prepares webrtcbin's libnice agent before it gathers: turns UPnP off
 * (libnice's default searches the LAN for an IGD router with SSDP multicast
 * and asks it for port mappings: noise on every network, and a hole in the
 * firewall nobody asked for), keeps ICE-TCP on (TCP candidates, for
 * browsers whose UDP is blocked), and adds `localAddresses`. Resolves with
 * the addresses it could not add.
 */
export async function configureIceAgent(
  webrtc: Deno.PointerObject,
  options: IceAgentOptions,
): Promise<string[]> {
  const lib = gst();
  const ice = await getObjectProperty(lib, webrtc, "ice-agent");
  const agent = ice === null ? null : await getObjectProperty(lib, ice, "agent");
  if (ice !== null) await lib.g_object_set_bool(ice, cstr("ice-tcp"), 1, null);
  if (agent !== null) await lib.g_object_set_bool(agent, cstr("upnp"), 0, null);
  const refused: string[] = [];
  for (const address of options.localAddresses) {
    const a = lib.nice_address_new();
    const ok = lib.nice_address_set_from_string(a, cstr(address)) !== 0 && agent !== null &&
      lib.nice_agent_add_local_address(agent, a) !== 0;
    if (!ok) refused.push(address);
    lib.nice_address_free(a);
  }
  if (agent !== null) lib.g_object_unref(agent);
  if (ice !== null) lib.g_object_unref(ice);
  return refused;
}

/** Sets webrtcbin's STUN server (`stun://host:port`); used by ICE streams made afterwards. */
export async function setStunServer(webrtc: Deno.PointerObject, uri: string): Promise<void> {
  await gst().g_object_set_str(webrtc, cstr("stun-server"), cstr(uri), null);
}

/**
 * Adds a TURN server (`turn(s)://user:password@host:port`, user info
 * percent-escaped) for the ICE streams webrtcbin makes afterwards (1.22
 * does not reach existing ones: see {@linkcode replaceRelays}). Resolves
 * false when webrtcbin refuses the URI.
 */
export async function addTurnServer(webrtc: Deno.PointerObject, uri: string): Promise<boolean> {
  const ok = new Int32Array(1);
  await gst().emit_str_out(webrtc, cstr("add-turn-server"), cstr(uri), ok);
  return ok[0] !== 0;
}

/**
 * Restarts ICE in webrtcbin's libnice agent (webrtcbin 1.22 cannot): every
 * stream gets new local credentials and starts its connectivity checks
 * again, keeping its candidates and, until a new pair is chosen, the pair in
 * use. Resolves with the new credentials (to put in the next offer), or null
 * when there is no stream yet.
 */
export async function restartIceAgent(
  webrtc: Deno.PointerObject,
): Promise<{ ufrag: string; pwd: string } | null> {
  const lib = gst();
  const ice = await getObjectProperty(lib, webrtc, "ice-agent");
  const agent = ice === null ? null : await getObjectProperty(lib, ice, "agent");
  let credentials: { ufrag: string; pwd: string } | null = null;
  /** The stream's local credentials; null when there is no such stream. */
  const read = async (stream: number) => {
    const ufrag = pointerBox();
    const pwd = pointerBox();
    // libnice 0.1.21 answers TRUE for a stream it does not have; it then leaves both unset.
    await lib.nice_agent_get_local_credentials(agent, stream, ufrag, pwd);
    const out = { ufrag: takeCString(lib, unbox(ufrag)), pwd: takeCString(lib, unbox(pwd)) };
    return out.ufrag === null || out.pwd === null ? null : out as { ufrag: string; pwd: string };
  };
  // libnice numbers streams from 1 (warning about unknown ones): restart those that exist.
  for (let stream = 1; agent !== null && stream <= 8 && await read(stream); stream++) {
    await lib.nice_agent_restart_stream(agent, stream);
    credentials ??= await read(stream);
  }
  if (agent !== null) lib.g_object_unref(agent);
  if (ice !== null) lib.g_object_unref(ice);
  return credentials;
}

/** A TURN server as libnice takes it. */
export interface RelayServer {
  /** Host name or IP address (no brackets). */
  host: string;
  port: number;
  username: string;
  password: string;
  /** Transport to the server. */
  type: keyof typeof NICE_RELAY_TYPE;
}

/**
 * Replaces the TURN servers of the ICE streams webrtcbin already made
 * (renewed credentials): libnice forgets the old ones (a relay in use stays
 * until another path is chosen) and allocates on the new ones at once;
 * their relay candidates come through `on-ice-candidate`. webrtcbin 1.22's
 * `add-turn-server` reaches only streams made later. Resolves with the
 * number of streams updated.
 */
export async function replaceRelays(
  webrtc: Deno.PointerObject,
  relays: readonly RelayServer[],
): Promise<number> {
  const lib = gst();
  const ice = await getObjectProperty(lib, webrtc, "ice-agent");
  const agent = ice === null ? null : await getObjectProperty(lib, ice, "agent");
  let streams = 0;
  // libnice numbers streams from 1; webrtcbin with max-bundle makes one.
  for (let stream = 1; agent !== null && stream <= 8; stream++) {
    if (!await lib.nice_agent_forget_relays(agent, stream, 1)) break;
    streams++;
    for (const r of relays) {
      await lib.nice_agent_set_relay_info(
        agent,
        stream,
        1,
        cstr(r.host),
        r.port,
        cstr(r.username),
        cstr(r.password),
        NICE_RELAY_TYPE[r.type],
      );
    }
  }
  if (agent !== null) lib.g_object_unref(agent);
  if (ice !== null) lib.g_object_unref(ice);
  return streams;
}

/**
 * Makes (and drops) one `dtlsdec`, off the JS thread: the first one in a
 * process generates its DTLS certificate, an RSA-2048 key (0.1-1.5 s), which
 * every later webrtcbin reuses.
 */
export async function makeDtlsCertificate(): Promise<void> {
  const lib = gst();
  const element = await lib.gst_element_factory_make(cstr("dtlsdec"), null);
  if (element !== null) lib.gst_object_unref(element);
}

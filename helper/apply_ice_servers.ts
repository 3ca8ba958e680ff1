/**
 * How STUN/TURN servers reach one webrtcbin: before its first offer through
 * its properties and `add-turn-server`; afterwards (renewed credentials)
 * straight to its libnice agent, which allocates relays at once (webrtcbin
 * 1.22's `add-turn-server` reaches only ICE streams made later).
 *
 * @module
 */

import { addTurnServer, replaceRelays, setStunServer } from "../ffi/gst_webrtc.ts";
import type { HelperIceServers } from "../lib/protocol/helper.ts";
import { turnRelays } from "../lib/turn/webrtcbin_servers.ts";
import { log } from "./log.ts";

/** Options of {@linkcode applyIceServers}. */
export interface ApplyIceServersOptions {
  /** The viewer's id, for the log. */
  peer: string;
  /** TURN URIs this webrtcbin already has (it keeps them all); the new ones are added to it. */
  added: Set<string>;
  /** Whether the first offer went out: then the ICE agent's relays are replaced instead. */
  offered: boolean;
}

/** Gives `webrtc` the STUN server and any TURN server it does not have yet. */
export async function applyIceServers(
  webrtc: Deno.PointerObject,
  servers: Omit<HelperIceServers, "type">,
  options: ApplyIceServersOptions,
): Promise<void> {
  const { stunServer, turnServers } = servers;
  const { peer, added } = options;
  if (stunServer !== "") await setStunServer(webrtc, stunServer);
  const fresh = turnServers.filter((uri) => !added.has(uri));
  if (fresh.length === 0) return;
  for (const uri of fresh) added.add(uri);
  if (options.offered) {
    const streams = await replaceRelays(webrtc, turnServers.flatMap(turnRelays));
    log.debug("Peer {peer}: TURN servers renewed on {streams} ICE stream(s)", { peer, streams });
    return;
  }
  for (const uri of fresh) {
    // The URI holds credentials: log where it points, never the whole of it.
    const server = uri.replace(/\/\/[^@]*@/, "//");
    if (await addTurnServer(webrtc, uri)) {
      log.debug("Peer {peer}: TURN server {server}", { peer, server });
    } else log.warning("webrtcbin refused TURN server {server}", { peer, server });
  }
}

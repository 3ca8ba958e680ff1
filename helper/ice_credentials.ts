/**
 * ICE restarts by hand. webrtcbin 1.22 has no ICE-restart option for its
 * offers: every offer repeats the first ICE user fragment and password. A
 * restart is an offer whose credentials changed (RFC 8839), so the helper
 * restarts libnice's stream (new credentials, checks from scratch) and
 * edits its credentials into webrtcbin's offer before setting it locally.
 *
 * @module
 */

/** ICE credentials of one side. */
export interface IceCredentials {
  /** User fragment: 4-256 ice-chars. */
  ufrag: string;
  /** Password: 22-256 ice-chars. */
  pwd: string;
}

/**
 * `sdp` with every `a=ice-ufrag:` and `a=ice-pwd:` line set to
 * `credentials` (one pair for every bundled m-line). Throws `RangeError`
 * when the SDP has no ICE credentials to replace.
 */
export function withIceCredentials(sdp: string, credentials: IceCredentials): string {
  if (!/^a=ice-ufrag:/m.test(sdp) || !/^a=ice-pwd:/m.test(sdp)) {
    throw new RangeError("Cannot restart ICE: the offer has no ICE credentials");
  }
  return sdp
    .replace(/^a=ice-ufrag:[^\r\n]*/gm, `a=ice-ufrag:${credentials.ufrag}`)
    .replace(/^a=ice-pwd:[^\r\n]*/gm, `a=ice-pwd:${credentials.pwd}`);
}

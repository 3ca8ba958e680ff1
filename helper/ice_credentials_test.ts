import assert from "node:assert/strict";
import { withIceCredentials } from "./ice_credentials.ts";

const OFFER = [
  "v=0",
  "o=- 1 1 IN IP4 0.0.0.0",
  "a=group:BUNDLE video0 application1",
  "m=video 9 UDP/TLS/RTP/SAVPF 96",
  "a=ice-ufrag:oldUfragOldUfrag",
  "a=ice-pwd:oldPasswordOldPasswordOldPass",
  "a=ice-options:trickle",
  "m=application 0 UDP/DTLS/SCTP webrtc-datachannel",
  "a=ice-ufrag:oldUfragOldUfrag",
  "a=ice-pwd:oldPasswordOldPasswordOldPass",
  "",
].join("\r\n");

Deno.test("withIceCredentials() replaces the credentials of every m-line and nothing else", () => {
  const sdp = withIceCredentials(OFFER, { ufrag: "NEWu", pwd: "newPasswordNewPassword" });
  assert.equal(
    sdp,
    OFFER.replaceAll("oldUfragOldUfrag", "NEWu").replaceAll(
      "oldPasswordOldPasswordOldPass",
      "newPasswordNewPassword",
    ),
  );
  assert.equal(sdp.match(/a=ice-ufrag:NEWu\r\n/g)?.length, 2);
});

Deno.test("withIceCredentials() refuses an SDP without ICE credentials", () => {
  assert.throws(
    () =>
      withIceCredentials("v=0\r\nm=video 9 RTP/AVP 96\r\n", { ufrag: "abcd", pwd: "p".repeat(22) }),
    {
      name: "RangeError",
      message: "Cannot restart ICE: the offer has no ICE credentials",
    },
  );
});

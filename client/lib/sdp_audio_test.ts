import assert from "node:assert/strict";
import { microphoneMid, withOpusStereo } from "./sdp_audio.ts";

const OFFER = [
  "v=0",
  "o=- 1 0 IN IP4 0.0.0.0",
  "s=-",
  "t=0 0",
  "a=group:BUNDLE video0 audio1 audio2 application3",
  "m=video 9 UDP/TLS/RTP/SAVPF 96",
  "a=mid:video0",
  "a=sendrecv",
  "a=rtpmap:96 H264/90000",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111",
  "a=mid:audio1",
  "a=sendrecv",
  "a=rtpmap:111 OPUS/48000/2",
  "a=fmtp:111 sprop-stereo=1;stereo=1;useinbandfec=1",
  "m=audio 9 UDP/TLS/RTP/SAVPF 109",
  "a=mid:audio2",
  "a=recvonly",
  "a=rtpmap:109 OPUS/48000/2",
  "a=fmtp:109 minptime=10;useinbandfec=1",
  "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
  "a=mid:application3",
  "",
].join("\r\n");

const ANSWER = [
  "v=0",
  "o=- 2 2 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "m=video 9 UDP/TLS/RTP/SAVPF 96",
  "a=mid:video0",
  "a=recvonly",
  "a=rtpmap:96 H264/90000",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111",
  "a=mid:audio1",
  "a=recvonly",
  "a=rtpmap:111 opus/48000/2",
  "a=fmtp:111 minptime=10;useinbandfec=1",
  "m=audio 9 UDP/TLS/RTP/SAVPF 109",
  "a=mid:audio2",
  "a=sendonly",
  "a=rtpmap:109 opus/48000/2",
  "a=fmtp:109 minptime=10;useinbandfec=1",
  "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
  "a=mid:application3",
  "",
].join("\r\n");

Deno.test("microphoneMid() finds the audio section the server only receives", () => {
  assert.equal(microphoneMid(OFFER), "audio2");
  assert.equal(microphoneMid(OFFER.replace("a=recvonly", "a=sendrecv")), null);
  assert.equal(microphoneMid("v=0\r\nm=video 9 RTP 96\r\na=recvonly\r\n"), null);
});

Deno.test("withOpusStereo() asks for stereo where the offer sends it, nowhere else", () => {
  const out = withOpusStereo(OFFER, ANSWER);
  assert.equal(
    out,
    ANSWER.replace(
      "a=fmtp:111 minptime=10;useinbandfec=1",
      "a=fmtp:111 minptime=10;useinbandfec=1;stereo=1",
    ),
  );
  // Applied twice, it changes nothing more.
  assert.equal(withOpusStereo(OFFER, out), out);
});

Deno.test("withOpusStereo() leaves a mono offer alone and adds a missing fmtp line", () => {
  const mono = OFFER.replace("sprop-stereo=1;stereo=1;", "sprop-stereo=0;stereo=0;");
  assert.equal(withOpusStereo(mono, ANSWER), ANSWER);
  const bare = ANSWER.replace("a=fmtp:111 minptime=10;useinbandfec=1\r\n", "");
  assert.match(
    withOpusStereo(OFFER, bare),
    /a=rtpmap:111 opus\/48000\/2\r\na=fmtp:111 stereo=1\r\n/,
  );
});

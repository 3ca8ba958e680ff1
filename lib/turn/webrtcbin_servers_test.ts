import assert from "node:assert/strict";
import { escapeUserinfo, parseIceUrl, turnRelays, webrtcbinServers } from "./webrtcbin_servers.ts";

Deno.test("escapeUserinfo() escapes everything but RFC 3986 unreserved characters", () => {
  assert.equal(escapeUserinfo("1700000000:skerry-vm"), "1700000000%3Askerry-vm");
  assert.equal(escapeUserinfo("kfsW/Le7+Q5D=="), "kfsW%2FLe7%2BQ5D%3D%3D");
  assert.equal(escapeUserinfo("a@b c!*'()~._-"), "a%40b%20c%21%2A%27%28%29~._-");
  assert.equal(escapeUserinfo("é"), "%C3%A9");
});

Deno.test("parseIceUrl() reads host, port and transport; refuses what is not an ICE URL", () => {
  assert.deepEqual(parseIceUrl("turn:turn.example.com:3478?transport=tcp"), {
    scheme: "turn",
    host: "turn.example.com",
    port: 3478,
    transport: "tcp",
  });
  assert.deepEqual(parseIceUrl("stun:[::1]"), {
    scheme: "stun",
    host: "[::1]",
    port: undefined,
    transport: undefined,
  });
  assert.equal(parseIceUrl("http://x"), undefined);
  assert.equal(parseIceUrl("turn:user@host:1"), undefined);
  assert.equal(parseIceUrl("turn:host:1?transport=sctp"), undefined);
});

Deno.test("webrtcbinServers() takes the first STUN server and every TURN URL with escaped credentials", () => {
  const servers = webrtcbinServers([
    { urls: ["stun:stun.example.com:19302", "stun:other:3478"] },
    { urls: "stuns:secure.example.com" },
    {
      urls: ["turn:t.example.com:3478?transport=udp", "turns:t.example.com", "turn:[::1]"],
      username: "1700000000:skerry-vm",
      credential: "kf/W+g=",
    },
    { urls: "turn:no-credentials.example.com" },
  ]);
  assert.deepEqual(servers, {
    stunServer: "stun://stun.example.com:19302",
    turnServers: [
      "turn://1700000000%3Askerry-vm:kf%2FW%2Bg%3D@t.example.com:3478?transport=udp",
      "turns://1700000000%3Askerry-vm:kf%2FW%2Bg%3D@t.example.com:5349",
      "turn://1700000000%3Askerry-vm:kf%2FW%2Bg%3D@[::1]:3478",
    ],
  });
  assert.deepEqual(webrtcbinServers([]), { stunServer: "", turnServers: [] });
});

Deno.test("turnRelays() reads back what webrtcbinServers() wrote, as libnice relays", () => {
  const { turnServers } = webrtcbinServers([{
    urls: ["turn:10.0.0.1:3478?transport=tcp", "turns:[2001:db8::2]:443", "turn:h"],
    username: "1700000000:a:b",
    credential: "p/w+=",
  }]);
  const relay = { username: "1700000000:a:b", password: "p/w+=" };
  assert.deepEqual(turnServers.flatMap(turnRelays), [
    { host: "10.0.0.1", port: 3478, ...relay, type: "tcp" },
    { host: "2001:db8::2", port: 443, ...relay, type: "tls" },
    { host: "h", port: 3478, ...relay, type: "udp" },
    { host: "h", port: 3478, ...relay, type: "tcp" },
  ]);
  assert.deepEqual(turnRelays("stun://h:1"), []);
  assert.deepEqual(turnRelays("turn://a:%E0@h:1"), []);
});

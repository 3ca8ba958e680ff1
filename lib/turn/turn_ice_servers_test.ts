import assert from "node:assert/strict";
import { turnIceServers } from "./turn_ice_servers.ts";

const credentials = { username: "1700000000:skerry-a", credential: "c/+=" };

Deno.test("turnIceServers() is empty without STUN or TURN, one STUN entry with STUN only", () => {
  assert.deepEqual(turnIceServers({}), []);
  assert.deepEqual(turnIceServers({ stun: { host: "stun.example.com", port: 3478 } }), [
    { urls: ["stun:stun.example.com:3478"] },
  ]);
});

Deno.test("turnIceServers() lists STUN on the TURN server too, and TURN with ?transport=", () => {
  const turn = { host: "turn.example.com", port: 3478, protocol: "tcp" as const, tls: false };
  assert.deepEqual(
    turnIceServers({ stun: { host: "stun.example.com", port: 19302 }, turn, credentials }),
    [
      { urls: ["stun:stun.example.com:19302", "stun:turn.example.com:3478"] },
      { urls: ["turn:turn.example.com:3478?transport=tcp"], ...credentials },
    ],
  );
});

Deno.test("turnIceServers() lists a STUN server that is the TURN server once", () => {
  const turn = { host: "10.0.0.1", port: 3478, protocol: "udp" as const, tls: false };
  assert.deepEqual(turnIceServers({ stun: { host: "10.0.0.1", port: 3478 }, turn, credentials }), [
    { urls: ["stun:10.0.0.1:3478"] },
    { urls: ["turn:10.0.0.1:3478?transport=udp"], ...credentials },
  ]);
});

Deno.test("turnIceServers() makes turns: over TCP for TLS, without plain STUN on the TLS port", () => {
  const turn = { host: "[2001:db8::1]", port: 5349, protocol: "udp" as const, tls: true };
  assert.deepEqual(turnIceServers({ turn, credentials }), [
    { urls: ["turns:[2001:db8::1]:5349?transport=tcp"], ...credentials },
  ]);
});

Deno.test("turnIceServers() leaves out a TURN server without credentials", () => {
  const turn = { host: "t", port: 3478, protocol: "udp" as const, tls: false };
  assert.deepEqual(turnIceServers({ turn }), []);
});

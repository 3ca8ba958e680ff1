import assert from "node:assert/strict";
import {
  grantExpiryMs,
  iceServerList,
  parseRtcConfiguration,
  usernameExpiryMs,
} from "./rtc_configuration.ts";

Deno.test("parseRtcConfiguration() reads selkies-gstreamer's format, lifetime included", () => {
  const text = JSON.stringify({
    lifetimeDuration: "86400s",
    blockStatus: "NOT_BLOCKED",
    iceTransportPolicy: "all",
    iceServers: [
      { urls: ["stun:stun.example.com:3478"] },
      { urls: ["turn:t.example.com:3478?transport=udp"], username: "u", credential: "c" },
    ],
  });
  assert.deepEqual(parseRtcConfiguration(text, "rtc.json", 1000), {
    config: {
      iceServers: [
        { urls: ["stun:stun.example.com:3478"] },
        { urls: ["turn:t.example.com:3478?transport=udp"], username: "u", credential: "c" },
      ],
      iceTransportPolicy: "all",
    },
    expiresAtMs: 1000 + 86400_000,
  });
});

Deno.test("parseRtcConfiguration() keeps a single URL string and drops unknown fields", () => {
  const text = '{"iceServers":[{"urls":"stun:a:1","extra":true}],"iceTransportPolicy":"x"}';
  assert.deepEqual(parseRtcConfiguration(text, "f", 0), {
    config: { iceServers: [{ urls: "stun:a:1" }] },
  });
});

Deno.test("parseRtcConfiguration() names what is wrong, and where", () => {
  const cases: [string, string][] = [
    ["{", "not JSON"],
    ["[]", '"iceServers" must be an array'],
    ['{"iceServers":"stun:x"}', '"iceServers" must be an array'],
    ['{"iceServers":[5]}', "iceServers[0] must be an object"],
    [
      '{"iceServers":[{"urls":[]}]}',
      "iceServers[0].urls must be a URL or a non-empty list of URLs",
    ],
    [
      '{"iceServers":[{"urls":"stun:a"},{"urls":"http://x"}]}',
      'iceServers[1]: "http://x" is not a stun:, stuns:, turn: or turns: URL',
    ],
    ['{"iceServers":[{"urls":"stun:a","username":1}]}', "iceServers[0].username must be a string"],
    [
      '{"iceServers":[{"urls":"turn:a","username":"u"}]}',
      'iceServers[0] is a TURN server without "username" and "credential"',
    ],
  ];
  for (const [text, reason] of cases) {
    assert.throws(() => parseRtcConfiguration(text, "/tmp/rtc.json", 0), {
      name: "RangeError",
      message: `Cannot read RTC configuration from /tmp/rtc.json: ${reason}`,
    });
  }
});

Deno.test("iceServerList() takes Cloudflare's single server object as a list of one", () => {
  const server = { urls: ["turn:turn.cloudflare.com:3478"], username: "u", credential: "c" };
  assert.deepEqual(iceServerList(server, "Cloudflare"), [server]);
});

Deno.test("usernameExpiryMs() reads a coturn time-limited user name, nothing else", () => {
  assert.equal(usernameExpiryMs("1700000000:skerry-vm"), 1700000000_000);
  assert.equal(usernameExpiryMs("1700000000"), 1700000000_000);
  assert.equal(usernameExpiryMs("alice"), undefined);
  assert.equal(usernameExpiryMs("12:bob"), undefined);
  assert.equal(usernameExpiryMs(undefined), undefined);
});

Deno.test("grantExpiryMs() is the earliest of the lifetime and the user names' expiries", () => {
  const server = (username: string) => ({ urls: "turn:h", username, credential: "c" });
  assert.equal(grantExpiryMs({ config: { iceServers: [{ urls: "stun:h" }] } }), undefined);
  assert.equal(
    grantExpiryMs({
      config: { iceServers: [server("1700000500:a"), server("1700000100:b"), server("static")] },
      expiresAtMs: 1700000300_000,
    }),
    1700000100_000,
  );
});

import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { IceServerFeed } from "./ice_server_feed.ts";
import type { IceSource } from "./ice_sources.ts";
import type { IceGrant, RtcConfiguration } from "./rtc_configuration.ts";

const STATIC: IceSource = {
  name: "static",
  resolve: () => Promise.resolve({ config: { iceServers: [{ urls: "stun:fallback" }] } }),
};

/** A source whose answers the test scripts; counts calls. */
function scripted(name: string, answer: (now: number, call: number) => IceGrant) {
  let calls = 0;
  let failing = false;
  const source: IceSource & { calls(): number; fail(on: boolean): void } = {
    name,
    resolve: (now) => {
      calls++;
      return failing
        ? Promise.reject(new Error(`${name} is down`))
        : Promise.resolve(answer(now, calls));
    },
    calls: () => calls,
    fail: (on) => failing = on,
  };
  return source;
}

/** Time-limited credentials: user name `<expiry>:<call>`, valid `lifetimeS`. */
const hmac = (lifetimeS: number) => (now: number, call: number): IceGrant => ({
  config: {
    iceServers: [{
      urls: "turn:t",
      username: `${Math.floor(now / 1000) + lifetimeS}:${call}`,
      credential: `c${call}`,
    }],
  },
});

type Clock = ReturnType<typeof FakeTimers.install>;

function withClock(fn: (clock: Clock) => Promise<void>) {
  return async () => {
    const clock = FakeTimers.install({
      now: 1700000000_000,
      toFake: ["setTimeout", "clearTimeout", "Date"],
    });
    try {
      await fn(clock);
    } finally {
      clock.uninstall();
    }
  };
}

Deno.test(
  "IceServerFeed renews time-limited credentials at half their lifetime and tells subscribers",
  withClock(async (clock) => {
    const source = scripted("secret", hmac(10));
    const feed = new IceServerFeed([source, STATIC]);
    const seen: RtcConfiguration[] = [];
    feed.subscribe((config) => seen.push(config));
    await feed.start();
    assert.equal(feed.current.iceServers[0]!.username, "1700000010:1");
    assert.equal(feed.source, "secret");
    await clock.tickAsync(4999);
    assert.deepEqual(seen, []);
    await clock.tickAsync(1);
    assert.equal(feed.current.iceServers[0]!.username, "1700000015:2");
    assert.deepEqual(seen, [feed.current]);
    await clock.tickAsync(5000);
    assert.equal(source.calls(), 3);
    assert.equal(seen.length, 2);
    feed.close();
  }),
);

Deno.test(
  "IceServerFeed falls back while a source fails, asks it again after a minute, and switches back",
  withClock(async (clock) => {
    const rest = scripted("rest", () => ({ config: { iceServers: [{ urls: "stun:rest" }] } }));
    rest.fail(true);
    const feed = new IceServerFeed([rest, STATIC], { retryMs: 60_000 });
    const seen: string[] = [];
    feed.subscribe((config) => seen.push(String(config.iceServers[0]!.urls)));
    await feed.start();
    assert.equal(feed.source, "static");
    assert.deepEqual(feed.current.iceServers, [{ urls: "stun:fallback" }]);
    await clock.tickAsync(59_999);
    assert.equal(rest.calls(), 1);
    rest.fail(false);
    await clock.tickAsync(1);
    assert.equal(rest.calls(), 2);
    assert.equal(feed.source, "rest");
    assert.deepEqual(seen, ["stun:rest"]);
    feed.close();
  }),
);

Deno.test(
  "IceServerFeed asks a polled source again every poll period, and publishes only changes",
  withClock(async (clock) => {
    const rest: IceSource & { calls(): number } = Object.assign(
      scripted("rest", () => ({ config: { iceServers: [{ urls: "stun:same" }] } })),
      { pollMs: 60_000 },
    );
    const feed = new IceServerFeed([rest, STATIC]);
    let published = 0;
    feed.subscribe(() => published++);
    await feed.start();
    await clock.tickAsync(180_000);
    assert.equal(rest.calls(), 4);
    assert.equal(published, 0);
    feed.close();
  }),
);

Deno.test(
  "IceServerFeed keeps credentials that still work when their source fails at renewal",
  withClock(async (clock) => {
    const cloudflare = scripted("cloudflare", hmac(600));
    const feed = new IceServerFeed([cloudflare, STATIC], { retryMs: 60_000 });
    await feed.start();
    const first = feed.current;
    cloudflare.fail(true);
    await clock.tickAsync(300_000); // half-life: renewal fails
    assert.equal(feed.current, first);
    await clock.tickAsync(60_000); // asked again a minute later
    assert.equal(cloudflare.calls(), 3);
    cloudflare.fail(false);
    await clock.tickAsync(60_000);
    assert.equal(feed.current.iceServers[0]!.username, `${1700000000 + 420 + 600}:4`);
    feed.close();
  }),
);

Deno.test(
  "IceServerFeed re-reads a watched source when it reports a change",
  withClock(async (clock) => {
    let changed: (() => void) | undefined;
    let version = 1;
    let stopped = false;
    const file: IceSource = {
      name: "file",
      resolve: () => Promise.resolve({ config: { iceServers: [{ urls: `stun:v${version}` }] } }),
      watch(callback) {
        changed = callback;
        return () => stopped = true;
      },
    };
    const feed = new IceServerFeed([file, STATIC]);
    const seen: unknown[] = [];
    feed.subscribe((config) => seen.push(config.iceServers[0]!.urls));
    await feed.start();
    version = 2;
    changed!();
    await clock.tickAsync(0);
    assert.deepEqual(seen, ["stun:v2"]);
    feed.close();
    assert.equal(stopped, true);
  }),
);

import assert from "node:assert/strict";
import { limitKey, LoginLimiter } from "./login_limiter.ts";

function limiter(options: { maxAddresses?: number } = {}) {
  const clock = { now: 1_000_000 };
  const l = new LoginLimiter({
    maxFailures: 3,
    windowMs: 10_000,
    blockMs: 60_000,
    now: () => clock.now,
    ...options,
  });
  return { l, clock };
}

Deno.test("LoginLimiter blocks an address after maxFailures within the window, for blockMs", () => {
  const { l, clock } = limiter();
  assert.deepEqual(l.fail("10.0.0.1"), { failures: 1 });
  assert.deepEqual(l.fail("10.0.0.1"), { failures: 2 });
  assert.equal(l.retryAfterMs("10.0.0.1"), 0);
  assert.deepEqual(l.fail("10.0.0.1"), { failures: 0, blockedForMs: 60_000 });
  assert.equal(l.retryAfterMs("10.0.0.1"), 60_000);
  // Other addresses are not affected.
  assert.equal(l.retryAfterMs("10.0.0.2"), 0);
  clock.now += 59_999;
  assert.equal(l.retryAfterMs("10.0.0.1"), 1);
  clock.now += 1;
  assert.equal(l.retryAfterMs("10.0.0.1"), 0);
  // After the block the count starts again.
  assert.deepEqual(l.fail("10.0.0.1"), { failures: 1 });
});

Deno.test("LoginLimiter counts failures in a sliding window", () => {
  const { l, clock } = limiter();
  l.fail("10.0.0.1");
  clock.now += 6_000;
  l.fail("10.0.0.1");
  clock.now += 4_000; // the first failure has left the window
  assert.deepEqual(l.fail("10.0.0.1"), { failures: 2 });
  assert.equal(l.retryAfterMs("10.0.0.1"), 0);
  clock.now += 1_000;
  assert.deepEqual(l.fail("10.0.0.1"), { failures: 0, blockedForMs: 60_000 });
});

Deno.test("LoginLimiter counts an IPv6 /64 as one address, mapped IPv4 as IPv4", () => {
  const { l } = limiter();
  l.fail("2001:db8:1:2::1");
  l.fail("2001:db8:1:2:ffff:0:0:7");
  l.fail("2001:0db8:0001:0002:abcd::9");
  assert.ok(l.retryAfterMs("2001:db8:1:2::42") > 0);
  assert.equal(l.retryAfterMs("2001:db8:1:3::1"), 0);
  l.fail("::ffff:192.0.2.1");
  l.fail("192.0.2.1");
  l.fail("::FFFF:192.0.2.1");
  assert.ok(l.retryAfterMs("192.0.2.1") > 0);
});

Deno.test("LoginLimiter remembers at most maxAddresses, forgetting stale ones first", () => {
  const { l, clock } = limiter({ maxAddresses: 2 });
  l.fail("10.0.0.1");
  clock.now += 20_000; // 10.0.0.1's failure has left the window: stale
  l.fail("10.0.0.2");
  l.fail("10.0.0.3");
  assert.equal(l.size, 2);
  l.fail("10.0.0.4"); // nothing stale: the least recently failing one (10.0.0.2) goes
  assert.equal(l.size, 2);
  l.fail("10.0.0.3");
  l.fail("10.0.0.3");
  assert.ok(l.retryAfterMs("10.0.0.3") > 0, "10.0.0.3 was remembered");
  l.fail("10.0.0.2");
  l.fail("10.0.0.2");
  assert.equal(l.retryAfterMs("10.0.0.2"), 0, "10.0.0.2 was forgotten");
});

Deno.test("limitKey() keys IPv6 by /64 and leaves other text alone", () => {
  assert.equal(limitKey("192.0.2.1"), "192.0.2.1");
  assert.equal(limitKey("::ffff:192.0.2.1"), "192.0.2.1");
  assert.equal(limitKey("::1"), "0:0:0:0::/64");
  assert.equal(limitKey("fe80::1%eth0"), "fe80:0:0:0::/64");
  assert.equal(limitKey("2001:db8::"), "2001:db8:0:0::/64");
  assert.equal(limitKey("64:ff9b::192.0.2.1"), "64:ff9b:0:0::/64");
  assert.equal(limitKey("1:2:3:4:5:6:7:8"), "1:2:3:4::/64");
  assert.equal(limitKey("1:2:3:4:5:6:7:8:9"), "1:2:3:4:5:6:7:8:9");
  assert.equal(limitKey("1::2::3"), "1::2::3");
  assert.equal(limitKey("unknown"), "unknown");
});

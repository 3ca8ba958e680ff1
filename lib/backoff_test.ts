import assert from "node:assert/strict";
import { Backoff } from "./backoff.ts";

Deno.test("Backoff.next() doubles from 250 ms up to 8000 ms by default", () => {
  const backoff = new Backoff();
  const delays = Array.from({ length: 8 }, () => backoff.next());
  assert.deepEqual(delays, [250, 500, 1000, 2000, 4000, 8000, 8000, 8000]);
});

Deno.test("Backoff.next() stops doubling at a maximum that is not a power of two away", () => {
  const backoff = new Backoff({ initialMs: 100, maxMs: 700 });
  assert.deepEqual([backoff.next(), backoff.next(), backoff.next(), backoff.next()], [
    100,
    200,
    400,
    700,
  ]);
});

Deno.test("Backoff.next() starts over after an attempt that ran stableMs", () => {
  const backoff = new Backoff({ initialMs: 100, maxMs: 1000, stableMs: 5000 });
  assert.deepEqual([backoff.next(), backoff.next(), backoff.next(4999)], [100, 200, 400]);
  assert.equal(backoff.next(5000), 100);
  assert.equal(backoff.next(), 200);
});

Deno.test("Backoff.reset() makes the next delay initialMs again", () => {
  const backoff = new Backoff({ initialMs: 10, maxMs: 80 });
  backoff.next();
  backoff.next();
  backoff.reset();
  assert.equal(backoff.next(), 10);
});

Deno.test("Backoff.atMax says whether the last delay was the maximum", () => {
  const backoff = new Backoff({ initialMs: 100, maxMs: 400 });
  const seen: [number, boolean][] = [];
  for (let i = 0; i < 4; i++) seen.push([backoff.next(), backoff.atMax]);
  assert.deepEqual(seen, [[100, false], [200, false], [400, true], [400, true]]);
  backoff.reset();
  assert.equal(backoff.atMax, false);
  assert.equal(backoff.next(10_000), 100);
  assert.equal(backoff.atMax, false);
});

Deno.test("Backoff() rejects an initial delay of 0 or above the maximum", () => {
  assert.throws(() => new Backoff({ initialMs: 0 }), {
    name: "RangeError",
    message: "Cannot create Backoff: initialMs must be 1-8000, received 0",
  });
  assert.throws(() => new Backoff({ initialMs: 500, maxMs: 100 }), {
    message: "Cannot create Backoff: initialMs must be 1-100, received 500",
  });
});

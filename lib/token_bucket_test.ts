import assert from "node:assert/strict";
import { TokenBucket } from "./token_bucket.ts";

Deno.test("TokenBucket allows a burst of capacity, then ratePerSecond", () => {
  const bucket = new TokenBucket({ ratePerSecond: 10, capacity: 3 }, 1000);
  assert.deepEqual([1, 2, 3, 4].map(() => bucket.take(1000)), [true, true, true, false]);
  assert.equal(bucket.take(1099), false, "0.99 of a token after 99 ms");
  assert.equal(bucket.take(1100), true, "one token per 100 ms");
  assert.equal(bucket.take(1100), false);
  assert.equal(bucket.available(60_000), 3, "never more than capacity");
});

Deno.test("TokenBucket.take() of n takes all or nothing; takeUpTo() takes what is there", () => {
  const bucket = new TokenBucket({ ratePerSecond: 100, capacity: 10 }, 0);
  assert.equal(bucket.take(0, 11), false);
  assert.equal(bucket.available(0), 10, "a refused take takes nothing");
  assert.equal(bucket.take(0, 7), true);
  assert.equal(bucket.takeUpTo(0, 5), 3);
  assert.equal(bucket.takeUpTo(0, 5), 0);
  assert.equal(bucket.takeUpTo(50, 9), 5);
});

Deno.test("TokenBucket ignores a clock that steps back", () => {
  const bucket = new TokenBucket({ ratePerSecond: 1, capacity: 1 }, 5000);
  assert.equal(bucket.take(5000), true);
  assert.equal(bucket.take(0), false);
  assert.equal(bucket.take(5999), false, "time lost to the step back is not counted twice");
  assert.equal(bucket.take(6000), true);
});

Deno.test("TokenBucket with an infinite rate refills to capacity as soon as time passes", () => {
  const bucket = new TokenBucket({ ratePerSecond: Infinity, capacity: 2 }, 0);
  assert.deepEqual([bucket.take(0), bucket.take(0), bucket.take(0)], [true, true, false]);
  assert.equal(bucket.available(1), 2);
});

Deno.test("TokenBucket refuses a shape that cannot work", () => {
  assert.throws(
    () => new TokenBucket({ ratePerSecond: 1, capacity: 0 }, 0),
    /rate must be >= 0 and capacity >= 1, received 1 and 0/,
  );
  assert.throws(() => new TokenBucket({ ratePerSecond: NaN, capacity: 1 }, 0), RangeError);
});

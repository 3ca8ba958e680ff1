import assert from "node:assert/strict";
import { afterTokenFailure } from "./page_token.ts";

Deno.test("afterTokenFailure() stops on a refused login or page and retries the rest", () => {
  assert.deepEqual(afterTokenFailure({ status: 401, retryAfterMs: undefined }), {
    stop: "unauthorized",
  });
  assert.deepEqual(afterTokenFailure({ status: 403, retryAfterMs: undefined }), {
    stop: "forbidden",
  });
  assert.deepEqual(afterTokenFailure({ status: 429, retryAfterMs: 60_000 }), {
    retry: "login-blocked",
    waitMs: 60_000,
  });
  assert.deepEqual(afterTokenFailure({ status: 429, retryAfterMs: undefined }), {
    retry: "login-blocked",
  });
  assert.deepEqual(afterTokenFailure({ status: 502, retryAfterMs: undefined }), {
    retry: "unreachable",
  });
  assert.deepEqual(afterTokenFailure(undefined), { retry: "unreachable" });
});

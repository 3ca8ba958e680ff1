import assert from "node:assert/strict";
import { signallingProtocols, tokenFromProtocols } from "./page_token.ts";

Deno.test("tokenFromProtocols() finds the token among the offered subprotocols", () => {
  assert.deepEqual(signallingProtocols("abc.DEF_-1"), ["skerry", "skerry-token.abc.DEF_-1"]);
  assert.equal(tokenFromProtocols("skerry, skerry-token.abc.DEF_-1"), "abc.DEF_-1");
  assert.equal(tokenFromProtocols("skerry-token.x,skerry"), "x");
  assert.equal(tokenFromProtocols("skerry"), undefined);
  assert.equal(tokenFromProtocols(""), undefined);
  assert.equal(tokenFromProtocols(null), undefined);
});

import assert from "node:assert/strict";
import { checkOrigin, type OriginRequest, ownOrigin } from "./origin.ts";

const plain = (origin: string | undefined, host = "desk.example:8080"): OriginRequest => ({
  origin,
  host,
  forwardedProto: undefined,
  https: false,
});

Deno.test("ownOrigin() takes the scheme from TLS, else X-Forwarded-Proto, and the host from Host", () => {
  const base = { host: "Desk.Example:8443", forwardedProto: undefined };
  assert.equal(ownOrigin({ ...base, https: false }), "http://desk.example:8443");
  assert.equal(ownOrigin({ ...base, https: true }), "https://desk.example:8443");
  assert.equal(
    ownOrigin({ ...base, forwardedProto: "https", https: false }),
    "https://desk.example:8443",
  );
  assert.equal(
    ownOrigin({ ...base, forwardedProto: "HTTPS, http", https: false }),
    "https://desk.example:8443",
  );
  // TLS here wins over what a proxy claims; nonsense is ignored.
  assert.equal(
    ownOrigin({ ...base, forwardedProto: "http", https: true }),
    "https://desk.example:8443",
  );
  assert.equal(
    ownOrigin({ ...base, forwardedProto: "gopher", https: false }),
    "http://desk.example:8443",
  );
  // Default ports are dropped, as browsers do in Origin.
  assert.equal(
    ownOrigin({ host: "desk.example:443", forwardedProto: "https", https: false }),
    "https://desk.example",
  );
  assert.equal(
    ownOrigin({ host: "[::1]:8080", forwardedProto: undefined, https: false }),
    "http://[::1]:8080",
  );
  for (const host of [undefined, "", "evil.example/x", "a@desk.example", "desk example"]) {
    assert.equal(ownOrigin({ host, forwardedProto: undefined, https: false }), undefined, host);
  }
});

Deno.test("checkOrigin() accepts the page's own origin and listed ones only", () => {
  assert.equal(checkOrigin(plain("http://desk.example:8080"), []), "same");
  assert.equal(checkOrigin(plain("HTTP://DESK.example:8080"), []), "same");
  assert.equal(checkOrigin(plain("https://evil.example"), []), "refused");
  // Same host, other port or scheme: another origin.
  assert.equal(checkOrigin(plain("http://desk.example:8081"), []), "refused");
  assert.equal(checkOrigin(plain("https://desk.example:8080"), []), "refused");
  assert.equal(checkOrigin(plain("http://desk.example"), []), "refused");
  // Look-alikes.
  assert.equal(checkOrigin(plain("http://desk.example:8080.evil.example"), []), "refused");
  assert.equal(checkOrigin(plain("http://desk.example:8080/"), []), "refused");
  assert.equal(checkOrigin(plain("null"), []), "refused");
  assert.equal(checkOrigin(plain(""), []), "refused");
  assert.equal(checkOrigin(plain("file://"), []), "refused");
  // A reverse proxy on another host, listed.
  const proxy = ["https://gate.example"];
  assert.equal(checkOrigin(plain("https://gate.example"), proxy), "allowed");
  assert.equal(checkOrigin(plain("https://gate.example:443"), proxy), "allowed");
  assert.equal(checkOrigin(plain("http://gate.example"), proxy), "refused");
  assert.equal(checkOrigin(plain("https://evil.example"), proxy), "refused");
  // No Origin at all: not a browser.
  assert.equal(checkOrigin(plain(undefined), []), "absent");
  // A Host the check cannot use matches nothing but the list.
  assert.equal(checkOrigin(plain("http://desk.example:8080", "bad host"), []), "refused");
});

Deno.test("checkOrigin() behind a TLS proxy uses the forwarded scheme", () => {
  const request = { host: "desk.example", forwardedProto: "https", https: false };
  assert.equal(checkOrigin({ ...request, origin: "https://desk.example" }, []), "same");
  assert.equal(checkOrigin({ ...request, origin: "http://desk.example" }, []), "refused");
});

import assert from "node:assert/strict";
import { loginRefusedPage, wantsPage } from "./login_page.ts";

Deno.test("loginRefusedPage() says what failed and what to try", () => {
  const wrong = loginRefusedPage({ kind: "wrong" });
  assert.match(wrong, /<h1>Wrong user name or password<\/h1>/);
  assert.match(wrong, /Reload to sign in again/);
  assert.match(wrong, /data-reason="unauthorized"/);
  const blocked = loginRefusedPage({ kind: "blocked", retryAfterS: 240 });
  assert.match(blocked, /<h1>Too many failed logins<\/h1>/);
  assert.match(blocked, /try again in 240 s/);
});

Deno.test("wantsPage() is true for a browser's navigation only", () => {
  assert.equal(wantsPage("text/html,application/xhtml+xml,*/*;q=0.8"), true);
  assert.equal(wantsPage("*/*"), false);
  assert.equal(wantsPage(undefined), false);
});

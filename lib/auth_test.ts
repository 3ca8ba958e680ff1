import assert from "node:assert/strict";
import { GENERATED_PASSWORD_LENGTH, generatePassword, resolveAuth } from "./auth.ts";

Deno.test("resolveAuth() enforces the configured credentials", () => {
  assert.deepEqual(
    resolveAuth({
      enableBasicAuth: true,
      basicAuthUser: "ada",
      basicAuthPassword: "s3cret",
      basicAuthViewonlyPassword: undefined,
    }),
    { username: "ada", password: "s3cret", generated: false },
  );
});

Deno.test("resolveAuth() generates a password when none is configured, never a default one", () => {
  const config = {
    enableBasicAuth: true,
    basicAuthUser: "skerry",
    basicAuthPassword: undefined,
    basicAuthViewonlyPassword: undefined,
  };
  const a = resolveAuth(config)!;
  const b = resolveAuth(config)!;
  assert.equal(a.username, "skerry");
  assert.equal(a.generated, true);
  assert.equal(a.password.length, GENERATED_PASSWORD_LENGTH);
  assert.notEqual(a.password, b.password);
});

Deno.test("resolveAuth() turns auth off only when told to", () => {
  assert.equal(
    resolveAuth({
      enableBasicAuth: false,
      basicAuthUser: "x",
      basicAuthPassword: "y",
      basicAuthViewonlyPassword: "z",
    }),
    undefined,
  );
});

Deno.test("resolveAuth() adds the view-only password, beside a configured or generated one", () => {
  const base = { enableBasicAuth: true, basicAuthUser: "ada", basicAuthViewonlyPassword: "watch" };
  assert.deepEqual(resolveAuth({ ...base, basicAuthPassword: "s3cret" }), {
    username: "ada",
    password: "s3cret",
    generated: false,
    viewOnlyPassword: "watch",
  });
  const generated = resolveAuth({ ...base, basicAuthPassword: undefined })!;
  assert.equal(generated.generated, true);
  assert.equal(generated.viewOnlyPassword, "watch");
});

Deno.test("resolveAuth() refuses a view-only password equal to the full-control one", () => {
  assert.throws(
    () =>
      resolveAuth({
        enableBasicAuth: true,
        basicAuthUser: "ada",
        basicAuthPassword: "same",
        basicAuthViewonlyPassword: "same",
      }),
    {
      name: "RangeError",
      message:
        "Cannot use --basic-auth-viewonly-password: it is the full-control password; choose another",
    },
  );
});

Deno.test("generatePassword() uses letters and digits that cannot be confused", () => {
  const password = generatePassword(2000);
  assert.equal(password.length, 2000);
  assert.match(password, /^[A-HJ-NP-Za-km-z2-9]+$/);
  // Every one of the 57 characters shows up in 2000 draws.
  assert.equal(new Set(password).size, 57);
});

import assert from "node:assert/strict";
import { resolveTlsFiles, SNAKEOIL } from "./tls_files.ts";

const off = { enableHttps: false, httpsCert: undefined, httpsKey: undefined };
const on = { ...off, enableHttps: true };
const all = () => true;
const none = () => false;

Deno.test("resolveTlsFiles() serves plain HTTP without --enable-https", () => {
  assert.equal(resolveTlsFiles(off, all), undefined);
  assert.equal(resolveTlsFiles({ ...off, httpsCert: "/c.pem" }, all), undefined);
});

Deno.test("resolveTlsFiles() takes --https-cert and --https-key, the key defaulting to the cert file", () => {
  assert.deepEqual(resolveTlsFiles({ ...on, httpsCert: "/c.pem", httpsKey: "/k.pem" }, none), {
    cert: "/c.pem",
    key: "/k.pem",
  });
  assert.deepEqual(resolveTlsFiles({ ...on, httpsCert: "/both.pem" }, none), {
    cert: "/both.pem",
    key: "/both.pem",
  });
  assert.throws(
    () => resolveTlsFiles({ ...on, httpsKey: "/k.pem" }, all),
    new RangeError("--https-key needs --https-cert as well"),
  );
});

Deno.test("resolveTlsFiles() falls back to Debian's snake-oil pair only when readable", () => {
  assert.deepEqual(resolveTlsFiles(on, all), SNAKEOIL);
  assert.deepEqual(SNAKEOIL, {
    cert: "/etc/ssl/certs/ssl-cert-snakeoil.pem",
    key: "/etc/ssl/private/ssl-cert-snakeoil.key",
  });
  assert.throws(
    () => resolveTlsFiles(on, (path) => path === SNAKEOIL.cert),
    new RangeError(
      "--enable-https needs --https-cert and --https-key (Debian's /etc/ssl/private/ssl-cert-snakeoil.key is not readable here)",
    ),
  );
});

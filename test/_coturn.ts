/**
 * A real coturn (`turnserver`, Debian's `coturn` package) on loopback for
 * tests, started from a configuration file of its own in a temporary
 * directory (no daemon install, no secret on its command line), and a test
 * certificate authority made with openssl for TURN over TLS.
 *
 * @module
 */

import { pollUntil } from "../lib/poll.ts";
import { stopProcess } from "../lib/process.ts";
import { run } from "./_harness.ts";

/** How coturn authenticates. */
export type CoturnAuth =
  | { kind: "shared-secret"; secret: string }
  | { kind: "long-term"; username: string; password: string };

/** A running coturn. */
export interface Coturn {
  /** TURN over UDP and TCP. */
  port: number;
  /** TURN over TLS (0 without a certificate). */
  tlsPort: number;
  /** Everything it logged so far. */
  log: string[];
  stop(): Promise<void>;
}

/** A certificate for `localhost`/127.0.0.1 signed by a fresh test CA. */
export interface TestCertificate {
  certFile: string;
  keyFile: string;
  /** base64 SHA-256 of the certificate's public key, for `--ignore-certificate-errors-spki-list`. */
  spki: string;
}

/** Makes a CA and a server certificate for `localhost` and 127.0.0.1 in `dir` (openssl). */
export async function makeCertificate(dir: string): Promise<TestCertificate> {
  const ssl = (...args: string[]) => run("openssl", args);
  await ssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    `${dir}/ca.key`,
    "-out",
    `${dir}/ca.pem`,
    "-days",
    "2",
    "-subj",
    "/CN=Skerry Test CA",
  );
  await ssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    `${dir}/turn.key`,
    "-out",
    `${dir}/turn.csr`,
    "-subj",
    "/CN=localhost",
  );
  await Deno.writeTextFile(
    `${dir}/ext.cnf`,
    "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
  );
  await ssl(
    "x509",
    "-req",
    "-in",
    `${dir}/turn.csr`,
    "-CA",
    `${dir}/ca.pem`,
    "-CAkey",
    `${dir}/ca.key`,
    "-CAcreateserial",
    "-out",
    `${dir}/turn.pem`,
    "-days",
    "2",
    "-extfile",
    `${dir}/ext.cnf`,
  );
  const publicKey = await ssl("x509", "-in", `${dir}/turn.pem`, "-noout", "-pubkey");
  const der = publicKey.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const digest = await crypto.subtle.digest("SHA-256", Uint8Array.fromBase64(der));
  return {
    certFile: `${dir}/turn.pem`,
    keyFile: `${dir}/turn.key`,
    spki: new Uint8Array(digest).toBase64(),
  };
}

/** A TCP port nothing listens on now. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Options of {@linkcode startCoturn}. */
export interface StartCoturnOptions {
  auth: CoturnAuth;
  /** Directory for its configuration and pid file. */
  dir: string;
  /** Serve TURN over TLS with this certificate. */
  certificate?: TestCertificate;
  /** Range of its relay ports (tells two servers' relays apart). Default 49152-65535. */
  relayPorts?: [number, number];
}

/** Starts coturn on 127.0.0.1 and waits until it accepts TCP connections. */
export async function startCoturn(options: StartCoturnOptions): Promise<Coturn> {
  const { auth, dir, certificate } = options;
  const port = freePort();
  const tlsPort = certificate ? freePort() : 0;
  const name = auth.kind === "shared-secret" ? "secret" : "longterm";
  const lines = [
    "listening-ip=127.0.0.1",
    "relay-ip=127.0.0.1",
    `listening-port=${port}`,
    ...(options.relayPorts
      ? [`min-port=${options.relayPorts[0]}`, `max-port=${options.relayPorts[1]}`]
      : []),
    // Relays on loopback: the browser and the helper are both on 127.0.0.1.
    "allow-loopback-peers",
    "realm=skerry.test",
    "no-cli",
    "no-dtls",
    "no-multicast-peers",
    "log-file=stdout",
    "simple-log",
    `pidfile=${dir}/${name}.pid`,
    ...(auth.kind === "shared-secret"
      ? ["use-auth-secret", `static-auth-secret=${auth.secret}`]
      : ["lt-cred-mech", `user=${auth.username}:${auth.password}`]),
    ...(certificate
      ? [
        `tls-listening-port=${tlsPort}`,
        `cert=${certificate.certFile}`,
        `pkey=${certificate.keyFile}`,
      ]
      : ["no-tls"]),
  ];
  const config = `${dir}/${name}.conf`;
  await Deno.writeTextFile(config, lines.join("\n") + "\n");
  const child = new Deno.Command("turnserver", {
    args: ["-c", config],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const log: string[] = [];
  const decoder = new TextDecoder();
  const reading = Promise.all([child.stdout, child.stderr].map(async (stream) => {
    for await (const chunk of stream) log.push(...decoder.decode(chunk).split("\n"));
  }));
  let exited = false;
  child.status.then(() => exited = true);
  const accepts = (p: number) =>
    Deno.connect({ hostname: "127.0.0.1", port: p }).then((c) => {
      c.close();
      return true;
    }, () => {
      if (exited) throw new Error(`turnserver exited: ${log.slice(-5).join(" | ")}`);
      return false;
    });
  await pollUntil(async () => await accepts(port) && (!tlsPort || await accepts(tlsPort)), {
    what: "coturn to listen",
    timeoutMs: 10_000,
  });
  return {
    port,
    tlsPort,
    log,
    async stop() {
      await stopProcess(child, { graceMs: 2000 });
      await reading;
    },
  };
}

/**
 * Which certificate and key `--enable-https` serves: `--https-cert` and
 * `--https-key` (the key may sit in the certificate file), else Debian's
 * snake-oil pair when this process can read it (selkies-gstreamer's default;
 * the `ssl-cert` package makes it, readable by root and the `ssl-cert`
 * group), else start-up stops with one line.
 *
 * @module
 */

import type { Config } from "./config.ts";

/** Paths of a PEM certificate chain and its private key. */
export interface TlsFiles {
  cert: string;
  key: string;
}

/** A certificate chain and its key, in PEM, as `Deno.listenTls` takes them. */
export interface TlsPair {
  cert: string;
  key: string;
}

/** Debian's self-signed pair (package `ssl-cert`). */
export const SNAKEOIL: TlsFiles = {
  cert: "/etc/ssl/certs/ssl-cert-snakeoil.pem",
  key: "/etc/ssl/private/ssl-cert-snakeoil.key",
};

/** Returns the files to serve, undefined without `--enable-https`; throws a one-line error. */
export function resolveTlsFiles(
  config: Pick<Config, "enableHttps" | "httpsCert" | "httpsKey">,
  readable: (path: string) => boolean = isReadable,
): TlsFiles | undefined {
  if (!config.enableHttps) return undefined;
  if (config.httpsCert !== undefined) {
    return { cert: config.httpsCert, key: config.httpsKey ?? config.httpsCert };
  }
  if (config.httpsKey !== undefined) {
    throw new RangeError("--https-key needs --https-cert as well");
  }
  if (readable(SNAKEOIL.cert) && readable(SNAKEOIL.key)) return SNAKEOIL;
  throw new RangeError(
    `--enable-https needs --https-cert and --https-key (Debian's ${SNAKEOIL.key} is not readable here)`,
  );
}

/** Reads both files; the error names the file that could not be read. */
export async function readTlsPair(files: TlsFiles): Promise<TlsPair> {
  const read = async (path: string, flag: string) => {
    try {
      return await Deno.readTextFile(path);
    } catch (error) {
      throw new Error(`Cannot read ${flag} ${path}: ${(error as Error).message}`);
    }
  };
  const [cert, key] = await Promise.all([
    read(files.cert, "--https-cert"),
    read(files.key, "--https-key"),
  ]);
  return { cert, key };
}

function isReadable(path: string): boolean {
  try {
    Deno.openSync(path, { read: true }).close();
    return true;
  } catch {
    return false;
  }
}

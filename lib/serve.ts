/**
 * Listens: `Deno.serve` for plain HTTP; with `--enable-https`, a TLS front
 * (lib/tls_front.ts) on the public port forwarding to `Deno.serve` on a
 * loopback port, with the certificate reloaded when its files change.
 *
 * The handler always sees the real client address as `info.remoteAddr`. The
 * loopback server answers only connections the TLS front made, so a local
 * user cannot reach Skerry around TLS through it.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { TlsFront } from "./tls_front.ts";
import { readTlsPair, type TlsFiles, type TlsPair } from "./tls_files.ts";
import { watchFiles } from "./watch_files.ts";

const log = getLogger(["skerry", "tls"]);

/** Options of {@linkcode listen}. */
export interface ListenOptions {
  hostname: string;
  /** 0: any free port. */
  port: number;
  /** Serve HTTPS with these files (reloaded when they change). */
  tls?: TlsFiles;
  /** How long file changes must settle before a reload, in ms. Default 500. */
  reloadDebounceMs?: number;
  /** Told after each attempt to load changed certificate files: no error means reloaded. */
  onReload?(error?: Error): void;
}

/** A listening server. */
export interface Server {
  /** The public port. */
  readonly port: number;
  /** With TLS: the plain loopback port behind the TLS front (it answers strangers 403). */
  readonly loopbackPort?: number;
  /** Stops listening and closes every connection. */
  shutdown(): Promise<void>;
}

/** Starts serving `handler`; throws a one-line error when it cannot (address in use, bad pair). */
export async function listen(
  handler: Deno.ServeHandler<Deno.NetAddr>,
  options: ListenOptions,
): Promise<Server> {
  if (!options.tls) {
    // onListen replaces Deno.serve's default banner.
    const server = Deno.serve(
      { hostname: options.hostname, port: options.port, onListen() {} },
      handler,
    );
    return { port: server.addr.port, shutdown: () => server.shutdown() };
  }
  const files = options.tls;
  let pair = await readTlsPair(files);
  checkPair(pair, files);

  // Loopback address:port of each forwarded connection -> the client behind it.
  const clients = new Map<string, Deno.NetAddr>();
  const inner = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request, info) => {
    const client = clients.get(`${info.remoteAddr.hostname}:${info.remoteAddr.port}`);
    if (!client) return new Response("Forbidden", { status: 403 });
    return handler(request, { ...info, remoteAddr: client });
  });
  let front: TlsFront;
  try {
    front = await TlsFront.listen(pair, {
      hostname: options.hostname,
      port: options.port,
      target: inner.addr,
      onForward: (key, client) => client ? clients.set(key, client) : clients.delete(key),
    });
  } catch (error) {
    await inner.shutdown();
    throw error;
  }

  const watch = watchFiles([files.cert, files.key], async () => {
    let next: TlsPair;
    try {
      next = await readTlsPair(files);
      if (next.cert === pair.cert && next.key === pair.key) return;
      // setSecureContext() would take a key that does not match and fail every handshake.
      checkPair(next, files);
      front.reload(next);
    } catch (error) {
      log.warn("Keeping the current TLS certificate: {reason}", {
        reason: (error as Error).message,
      });
      options.onReload?.(error as Error);
      return;
    }
    pair = next;
    log.info("Reloaded the TLS certificate from {cert}", { cert: files.cert });
    options.onReload?.();
  }, {
    debounceMs: options.reloadDebounceMs ?? 500,
    onWatchError: (path) =>
      log.warn("Cannot watch {path}; checking the certificate once a minute instead", { path }),
  });

  return {
    port: front.port,
    loopbackPort: inner.addr.port,
    async shutdown() {
      watch.close();
      await front.close();
      await inner.shutdown();
    },
  };
}

/** Throws a one-line error naming the files when the pair cannot be served. */
function checkPair(pair: TlsPair, files: TlsFiles): void {
  try {
    Deno.listenTls({ hostname: "127.0.0.1", port: 0, ...pair }).close();
  } catch (error) {
    throw new Error(
      `Cannot serve HTTPS with --https-cert ${files.cert} and --https-key ${files.key}: ${
        (error as Error).message
      }`,
    );
  }
}

/**
 * The TLS end of `--enable-https`: a TLS server on the public port that
 * decrypts each connection and forwards its bytes to the HTTP server on a
 * loopback port, so the certificate can be replaced while everyone stays
 * connected.
 *
 * Why not `Deno.serve({ cert, key })`: Deno 2.9 cannot swap the certificate
 * of a running server, and `server.shutdown()` also closes every upgraded
 * WebSocket (each viewer would lose its stream on a renewal). Why
 * `node:tls` rather than `Deno.listenTls`: its `setSecureContext()` swaps the
 * certificate without closing the listening socket (no moment where
 * connections are refused), and its sockets take `setNoDelay()` (Deno's TLS
 * sockets keep Nagle's algorithm on, which holds the tail of each response
 * for the client's delayed ACK: 46-52 ms per 45 KB GET on loopback, against
 * 4-5 ms here and 0.5-1 ms over plain HTTP).
 *
 * @module
 */

import { connect, type Socket } from "node:net";
import { createServer, type Server, type TLSSocket } from "node:tls";

/** Options of {@linkcode TlsFront.listen}. */
export interface TlsFrontOptions {
  /** Public address. */
  hostname: string;
  /** Public port (0: any free one). */
  port: number;
  /** The plain HTTP server that receives the decrypted bytes. */
  target: { hostname: string; port: number };
  /**
   * Told which client each forwarded connection carries: `key` is the local
   * `address:port` of the connection to `target` (what the HTTP server sees as
   * its peer); `client` is undefined when the connection has ended.
   */
  onForward(key: string, client: Deno.NetAddr | undefined): void;
  /** How long a client may take to finish the TLS handshake, in ms. Default 10000. */
  handshakeTimeoutMs?: number;
}

/** A certificate chain and its key, in PEM. */
export interface PemPair {
  cert: string;
  key: string;
}

/** A TLS server forwarding to a plain HTTP server, with a replaceable certificate. */
export class TlsFront {
  readonly #server: Server;
  /** Open connections, both the clients' and ours to the target. */
  readonly #sockets: Set<Socket>;
  readonly #port: number;

  private constructor(server: Server, port: number, sockets: Set<Socket>) {
    this.#server = server;
    this.#port = port;
    this.#sockets = sockets;
  }

  /** Listens with `pair`; rejects with `Deno.errors.AddrInUse` when the port is taken. */
  static async listen(pair: PemPair, options: TlsFrontOptions): Promise<TlsFront> {
    const sockets = new Set<Socket>();
    const server = createServer({
      ...pair,
      // The forwarded bytes go to a plain HTTP/1.1 server.
      ALPNProtocols: ["http/1.1"],
      handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
    }, (socket) => forward(socket, options, sockets));
    // A failed handshake (a scanner, a client that distrusts the certificate) concerns nobody.
    server.on("tlsClientError", (_error, socket) => socket.destroy());
    const port = await new Promise<number>((resolve, reject) => {
      server.once("error", (error: Error & { code?: string }) => {
        reject(error.code === "EADDRINUSE" ? new Deno.errors.AddrInUse(error.message) : error);
      });
      server.listen(options.port, options.hostname, () => {
        resolve((server.address() as { port: number }).port);
      });
    });
    return new TlsFront(server, port, sockets);
  }

  /** The public port. */
  get port(): number {
    return this.#port;
  }

  /** Serves `pair` to new connections from now on; open connections keep theirs. */
  reload(pair: PemPair): void {
    this.#server.setSecureContext(pair);
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }
}

/** Pipes one decrypted connection to the target, both ways, until either side ends. */
function forward(socket: TLSSocket, options: TlsFrontOptions, sockets: Set<Socket>): void {
  // Signalling messages are small: send each at once.
  socket.setNoDelay(true);
  const upstream = connect({ host: options.target.hostname, port: options.target.port });
  upstream.setNoDelay(true);
  sockets.add(socket);
  sockets.add(upstream);
  let key: string | undefined;
  // Registered before any byte can flow, so the server knows the client before the request.
  upstream.once("connect", () => {
    key = `${upstream.localAddress}:${upstream.localPort}`;
    options.onForward(key, {
      transport: "tcp",
      hostname: socket.remoteAddress ?? "unknown",
      port: socket.remotePort ?? 0,
    });
  });
  socket.pipe(upstream);
  upstream.pipe(socket);
  const end = () => {
    socket.destroy();
    upstream.destroy();
    sockets.delete(socket);
    sockets.delete(upstream);
    if (key !== undefined) options.onForward(key, undefined);
    key = undefined;
  };
  for (const s of [socket, upstream]) {
    s.on("error", end);
    s.on("close", end);
  }
}

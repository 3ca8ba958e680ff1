/**
 * The TLS end of `--enable-https`: a TLS listener on the public port that
 * decrypts each connection and forwards its bytes to the HTTP server on a
 * loopback port, so the certificate can be replaced without dropping anyone.
 *
 * Why not `Deno.serve({ cert, key })`: Deno 2.9 cannot swap the certificate
 * of a running server, and `server.shutdown()` also closes every upgraded
 * WebSocket (each viewer would lose its stream on a renewal). Here a reload
 * checks the new pair on a throwaway listener, closes the old listener (open
 * connections carry on with the old certificate), and listens again on the
 * same port: connection attempts in those few milliseconds are refused.
 *
 * @module
 */

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

/** A TLS listener forwarding to a plain HTTP server, with a replaceable certificate. */
export class TlsFront {
  readonly #options: TlsFrontOptions;
  readonly #connections = new Set<Deno.Conn>();
  #listener: Deno.TlsListener;
  /** Listeners closed on purpose (reload, close): their accept loops end. */
  readonly #retired = new WeakSet<Deno.TlsListener>();
  #accepting: Promise<void>;
  #port: number;
  #closed = false;

  private constructor(options: TlsFrontOptions, listener: Deno.TlsListener) {
    this.#options = options;
    this.#listener = listener;
    this.#port = listener.addr.port;
    this.#accepting = this.#accept(listener);
  }

  /** Listens with `pair`; throws as `Deno.listenTls` does (bad pair, address in use). */
  static listen(pair: { cert: string; key: string }, options: TlsFrontOptions): TlsFront {
    return new TlsFront(options, listenTls(options.hostname, options.port, pair));
  }

  /** The public port. */
  get port(): number {
    return this.#port;
  }

  /**
   * Serves `pair` to new connections from now on. Throws (and keeps the old
   * certificate) when the pair is unusable, e.g. a key that does not match.
   */
  async reload(pair: { cert: string; key: string }): Promise<void> {
    if (this.#closed) return;
    // A bad pair must not take the port down: try it on a throwaway listener first.
    listenTls("127.0.0.1", 0, pair).close();
    this.#retire(this.#listener);
    await this.#accepting;
    // The old socket is released once its pending accept has unwound: retry briefly.
    for (let attempt = 0;; attempt++) {
      try {
        this.#listener = listenTls(this.#options.hostname, this.#port, pair);
        break;
      } catch (error) {
        if (!(error instanceof Deno.errors.AddrInUse) || attempt >= 200) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    this.#accepting = this.#accept(this.#listener);
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#retire(this.#listener);
    await this.#accepting;
    for (const conn of this.#connections) closeQuietly(conn);
  }

  #retire(listener: Deno.TlsListener): void {
    this.#retired.add(listener);
    closeQuietly(listener);
  }

  async #accept(listener: Deno.TlsListener): Promise<void> {
    for (;;) {
      let conn: Deno.TlsConn;
      try {
        conn = await listener.accept();
      } catch {
        // Closed (a reload or close()), or out of file descriptors: wait and go on.
        if (this.#retired.has(listener)) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      void this.#forward(conn);
    }
  }

  async #forward(conn: Deno.TlsConn): Promise<void> {
    this.#connections.add(conn);
    let upstream: Deno.TcpConn | undefined;
    let key: string | undefined;
    const timer = setTimeout(() => closeQuietly(conn), this.#options.handshakeTimeoutMs ?? 10_000);
    try {
      await conn.handshake();
      clearTimeout(timer);
      upstream = await Deno.connect(this.#options.target);
      this.#connections.add(upstream);
      key = `${upstream.localAddr.hostname}:${upstream.localAddr.port}`;
      this.#options.onForward(key, conn.remoteAddr);
      // Either side ending ends both: HTTP/1.1 and WebSocket never half-close.
      await Promise.race([pump(conn, upstream), pump(upstream, conn)]);
    } catch {
      // a failed handshake, a reset: nothing to tell anyone
    } finally {
      clearTimeout(timer);
      if (key !== undefined) this.#options.onForward(key, undefined);
      for (const c of [conn, upstream]) {
        if (!c) continue;
        closeQuietly(c);
        this.#connections.delete(c);
      }
    }
  }
}

/** HTTP/1.1 only: the forwarded bytes go to a plain HTTP/1.1 server. */
function listenTls(hostname: string, port: number, pair: { cert: string; key: string }) {
  return Deno.listenTls({ hostname, port, ...pair, alpnProtocols: ["http/1.1"] });
}

/** Copies `from` to `to` until `from` ends; each write waits for the last (backpressure). */
async function pump(from: Deno.Conn, to: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(64 * 1024);
  for (;;) {
    const n = await from.read(buffer);
    if (n === null) return;
    for (let offset = 0; offset < n;) offset += await to.write(buffer.subarray(offset, n));
  }
}

function closeQuietly(conn: { close(): void }): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}

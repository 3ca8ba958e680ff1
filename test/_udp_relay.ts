/**
 * An impaired network path of the tests' own, in user space (this kernel has
 * no `tc netem`): a UDP relay between the browser and the helper that drops,
 * delays and rate-limits packets, like a real bottleneck link would.
 *
 * The relay has two sockets on 127.0.0.1: `browserPort` pretends to be the
 * helper to the browser, `helperPort` pretends to be the browser to the
 * helper. {@linkcode relayInitScript} rewrites the ICE candidates in the
 * page (the helper's host candidate becomes `browserPort`, the browser's
 * becomes `helperPort`; TCP and other candidates are dropped), so that the
 * only path ICE can find goes through the relay. Every packet of the session
 * crosses it: STUN, DTLS, SRTP, SRTCP and SCTP, so RTX, RTCP reports and
 * transport-wide feedback all see the impairment.
 *
 * A direction's link is: random loss, then a bottleneck of `rateKbps` whose
 * queue holds at most `queueMs` of packets (drop-tail, as a router's), then
 * a fixed `delayMs`. Order is kept.
 *
 * @module
 */

import dgram from "node:dgram";

/** How one direction of the path is impaired. */
export interface Impairment {
  /** Probability that a packet is dropped, 0-1. Default 0. */
  loss?: number;
  /** One-way delay added to every packet, in ms. Default 0. */
  delayMs?: number;
  /** Bottleneck rate in kbit/s; unset: no limit. */
  rateKbps?: number;
  /** Most queueing delay at the bottleneck before packets are dropped, in ms. Default 100. */
  queueMs?: number;
}

/** Counters of one direction. */
export interface LinkCounters {
  forwarded: number;
  /** Dropped by random loss. */
  lost: number;
  /** Dropped because the bottleneck's queue was full. */
  overflowed: number;
  bytes: number;
}

interface Link {
  impairment: Impairment;
  /** When the bottleneck is free again (performance.now() ms). */
  busyUntil: number;
  counters: LinkCounters;
}

type Address = { port: number; address: string };

/** The relay; see the module documentation. */
export class UdpRelay {
  /** The port the browser sends to (it believes it is the helper's). */
  readonly browserPort: number;
  /** The port the helper sends to (it believes it is the browser's). */
  readonly helperPort: number;
  readonly #browserSide: dgram.Socket;
  readonly #helperSide: dgram.Socket;
  #browser: Address | undefined;
  #helper: Address | undefined;
  readonly #down: Link = newLink();
  readonly #up: Link = newLink();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #closed = false;

  private constructor(browserSide: dgram.Socket, helperSide: dgram.Socket) {
    this.#browserSide = browserSide;
    this.#helperSide = helperSide;
    this.browserPort = browserSide.address().port;
    this.helperPort = helperSide.address().port;
    browserSide.on("message", (data, from) => {
      this.#browser = { port: from.port, address: from.address };
      if (this.#helper) this.#pass(this.#up, data, this.#helperSide, this.#helper);
    });
    helperSide.on("message", (data, from) => {
      this.#helper = { port: from.port, address: from.address };
      if (this.#browser) this.#pass(this.#down, data, this.#browserSide, this.#browser);
    });
  }

  /** Opens the two sockets on free ports of 127.0.0.1. */
  static async start(): Promise<UdpRelay> {
    const bind = async () => {
      const socket = dgram.createSocket("udp4");
      await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
      return socket;
    };
    return new UdpRelay(await bind(), await bind());
  }

  /** Sets the impairment of each direction (`down`: helper to browser). Unset: none. */
  impair(impairment: { down?: Impairment; up?: Impairment }): void {
    this.#down.impairment = impairment.down ?? {};
    this.#up.impairment = impairment.up ?? {};
  }

  /** Copies of the counters of each direction. */
  counters(): { down: LinkCounters; up: LinkCounters } {
    return { down: { ...this.#down.counters }, up: { ...this.#up.counters } };
  }

  /** Whether packets have crossed both ways (the page's ICE went through the relay). */
  get carrying(): boolean {
    return this.#down.counters.forwarded > 0 && this.#up.counters.forwarded > 0;
  }

  /** Closes both sockets and drops what is still in flight. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#browserSide.close();
    this.#helperSide.close();
  }

  #pass(link: Link, data: Uint8Array, out: dgram.Socket, to: Address): void {
    const { loss = 0, delayMs = 0, rateKbps, queueMs = 100 } = link.impairment;
    if (loss > 0 && Math.random() < loss) {
      link.counters.lost++;
      return;
    }
    const now = performance.now();
    let departs = now;
    if (rateKbps !== undefined) {
      const start = Math.max(now, link.busyUntil);
      if (start - now > queueMs) {
        link.counters.overflowed++;
        return;
      }
      departs = start + (data.length * 8) / rateKbps; // kbit/s = bit/ms
      link.busyUntil = departs;
    }
    link.counters.forwarded++;
    link.counters.bytes += data.length;
    const send = () => {
      if (!this.#closed) out.send(data, to.port, to.address);
    };
    const wait = departs - now + delayMs;
    if (wait < 0.5) return send();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      send();
    }, wait);
    this.#timers.add(timer);
  }
}

function newLink(): Link {
  return {
    impairment: {},
    busyUntil: 0,
    counters: { forwarded: 0, lost: 0, overflowed: 0, bytes: 0 },
  };
}

/**
 * A page init script (for `context.addInitScript`) that routes ICE through
 * `relay`: the helper's UDP host candidates on 127.0.0.1 are rewritten to
 * `browserPort`, the browser's own to `helperPort`; every other candidate
 * (TCP, IPv6, other addresses) is dropped so no path bypasses the relay.
 */
export function relayInitScript(
  relay: Pick<UdpRelay, "browserPort" | "helperPort">,
): { script: (ports: [number, number]) => void; arg: [number, number] } {
  return {
    arg: [relay.browserPort, relay.helperPort],
    script: ([browserPort, helperPort]) => {
      const udpHost = /^(candidate:\S+ \d+ udp \d+ 127\.0\.0\.1 )(\d+)( typ host.*)$/i;
      const proto = RTCPeerConnection.prototype;
      const add = proto.addIceCandidate as (
        this: RTCPeerConnection,
        candidate?: RTCIceCandidateInit,
      ) => Promise<void>;
      const rewrite = (text: string, port: number) => {
        const match = udpHost.exec(text);
        return match ? `${match[1]}${port}${match[3]}` : null;
      };
      proto.addIceCandidate = function (
        this: RTCPeerConnection,
        candidate?: RTCIceCandidateInit | null,
      ) {
        const text = candidate?.candidate ?? "";
        if (text === "") return add.call(this, candidate ?? undefined);
        const rewritten = rewrite(text, browserPort);
        if (rewritten === null) return Promise.resolve();
        return add.call(this, { ...candidate, candidate: rewritten });
      } as typeof proto.addIceCandidate;
      const slot = Object.getOwnPropertyDescriptor(proto, "onicecandidate")!;
      Object.defineProperty(proto, "onicecandidate", {
        ...slot,
        set(this: RTCPeerConnection, fn: ((e: RTCPeerConnectionIceEvent) => void) | null) {
          slot.set!.call(
            this,
            fn === null ? null : (event: RTCPeerConnectionIceEvent) => {
              const c = event.candidate;
              if (!c?.candidate) return fn(event);
              const rewritten = rewrite(c.candidate, helperPort);
              if (rewritten === null) return;
              fn({
                candidate: { candidate: rewritten, sdpMLineIndex: c.sdpMLineIndex ?? 0 },
              } as unknown as RTCPeerConnectionIceEvent);
            },
          );
        },
      });
    },
  };
}

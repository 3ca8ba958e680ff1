/**
 * MediaSession against the real helper process and real GStreamer; the
 * pipeline is a test source so no X display or browser is needed. The
 * browser side of a viewer is a recorder of the messages it would get.
 */

import assert from "node:assert/strict";
import { HelperProcess } from "./helper_process.ts";
import { MediaSession, type Viewer } from "./session.ts";
import type { ServerMessage } from "./protocol/signalling.ts";
import { TEST_START as START } from "../test/fixtures.ts";
import type { ToHelper } from "./protocol/helper.ts";

class RecordingViewer implements Viewer {
  messages: ServerMessage[] = [];
  data: [string, Uint8Array][] = [];
  #waiters: (() => void)[] = [];
  constructor(readonly id: string) {}
  send(message: ServerMessage): void {
    this.messages.push(message);
    for (const w of this.#waiters.splice(0)) w();
  }
  onData(channel: string, data: Uint8Array): void {
    this.data.push([channel, data]);
  }
  /** Resolves with the `n`th (1-based) message matching `type`. */
  async next<T extends ServerMessage["type"]>(
    type: T,
    n = 1,
    timeoutMs = 15_000,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hits = this.messages.filter((m) => m.type === type);
      if (hits.length >= n) return hits[n - 1] as Extract<ServerMessage, { type: T }>;
      if (Date.now() > deadline) {
        throw new Error(`no ${type} #${n}: ${JSON.stringify(this.messages.map((m) => m.type))}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

function spawnTracked(pids: number[]) {
  return (onMessage: Parameters<typeof HelperProcess.spawn>[0]["onMessage"]) => {
    const helper = HelperProcess.spawn({ onMessage });
    pids.push(helper.pid);
    return helper;
  };
}

Deno.test("MediaSession gives a joining viewer a starting status and an SDP offer", async () => {
  const pids: number[] = [];
  const session = new MediaSession({ start: START, spawn: spawnTracked(pids) });
  try {
    const viewer = new RecordingViewer("v1");
    session.join(viewer);
    assert.deepEqual(viewer.messages[0], { type: "status", state: "starting" });
    const offer = await viewer.next("offer");
    assert.match(offer.sdp, /^v=0\r\n/);
    assert.match(offer.sdp, /m=video \d+ UDP\/TLS\/RTP\/SAVPF 96/);
    assert.match(offer.sdp, /a=rtpmap:96 H264\/90000/);
    assert.match(offer.sdp, /m=application \d+ UDP\/DTLS\/SCTP webrtc-datachannel/);
    const ice = await viewer.next("ice");
    assert.match(ice.candidate, /^candidate:\d+ 1 (UDP|TCP) \d+ 127\.0\.0\.1 \d+ typ host/);
    assert.equal(session.viewerCount, 1);
    assert.equal(session.streaming, true);
    assert.equal(pids.length, 1, "the standby helper is the one that streams");
  } finally {
    await session.close();
  }
});

Deno.test("MediaSession restarts a killed helper and sends every viewer a new offer", async () => {
  const pids: number[] = [];
  const session = new MediaSession({
    start: START,
    spawn: spawnTracked(pids),
    backoff: { initialMs: 100 },
  });
  try {
    const a = new RecordingViewer("a");
    const b = new RecordingViewer("b");
    session.join(a);
    session.join(b);
    await a.next("offer");
    await b.next("offer");
    const first = session.helperPid!;
    Deno.kill(first, "SIGKILL");
    const restarting = await a.next("status", 3);
    assert.deepEqual(restarting, {
      type: "status",
      state: "restarting",
      retryInMs: 100,
      message: "helper exited with signal SIGKILL",
    });
    const offerA = await a.next("offer", 2);
    const offerB = await b.next("offer", 2);
    assert.match(offerA.sdp, /m=video/);
    assert.match(offerB.sdp, /m=video/);
    assert.notEqual(session.helperPid, first);
    assert.equal(session.stats.crashes, 1);
  } finally {
    await session.close();
  }
});

Deno.test("MediaSession stops the helper when the last viewer leaves and keeps a standby", async () => {
  const pids: number[] = [];
  const session = new MediaSession({ start: START, spawn: spawnTracked(pids) });
  try {
    const viewer = new RecordingViewer("v");
    session.join(viewer);
    await viewer.next("offer");
    const streaming = session.helperPid!;
    session.leave("v");
    // The streaming helper exits and a fresh standby takes its place.
    const deadline = Date.now() + 10_000;
    while (session.helperPid === streaming || session.helperPid === undefined) {
      assert.ok(Date.now() < deadline, "no new standby helper");
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(session.streaming, false);
    assert.equal(session.stats.crashes, 0);
    assert.equal(pids.length, 2);
    assert.throws(() => Deno.kill(streaming, "SIGCONT"), Deno.errors.NotFound);
  } finally {
    await session.close();
  }
});

Deno.test("MediaSession forwards a viewer's answer only once it has sent that viewer an offer", async () => {
  const sent: ToHelper[] = [];
  const session = new MediaSession({
    start: START,
    spawn: (onMessage) => {
      const helper = HelperProcess.spawn({ onMessage });
      const send = helper.send.bind(helper);
      helper.send = (m) => {
        sent.push(m);
        return send(m);
      };
      return helper;
    },
  });
  const relayed = () => sent.filter((m) => m.type === "answer" || m.type === "ice");
  try {
    const viewer = new RecordingViewer("v");
    session.join(viewer);
    // The helper runs, but no offer has reached the viewer yet: stale answers go nowhere.
    session.answer("v", "v=0 stale");
    session.ice("v", "candidate:1 1 UDP 1 127.0.0.1 1 typ host", 0);
    session.answer("nobody", "v=0");
    assert.deepEqual(relayed(), []);
    await viewer.next("offer");
    session.answer("v", "v=0 fresh");
    session.answer("nobody", "v=0");
    assert.deepEqual(relayed(), [{ type: "answer", peer: "v", sdp: "v=0 fresh" }]);
  } finally {
    await session.close();
  }
});

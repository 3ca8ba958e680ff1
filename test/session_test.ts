/**
 * MediaSession against the real helper process and real GStreamer; the
 * pipeline is a test source, so no X display or browser is needed. The
 * browser side of a viewer records the messages it would get.
 * lib/session_test.ts covers the supervision logic with a fake helper.
 */

import assert from "node:assert/strict";
import { HelperProcess } from "../lib/helper_process.ts";
import { pollUntil } from "../lib/poll.ts";
import type { ServerMessage } from "../lib/protocol/signalling.ts";
import { MediaSession, type Viewer } from "../lib/session.ts";
import type { SpawnHelper } from "../lib/helper_link.ts";
import { TEST_START as START } from "./fixtures.ts";

class RecordingViewer implements Viewer {
  messages: ServerMessage[] = [];
  constructor(readonly id: string) {}
  send(message: ServerMessage): void {
    this.messages.push(message);
  }
  onData(): void {}
  /** Resolves with the `n`th (1-based) message of type `type`. */
  next<T extends ServerMessage["type"]>(
    type: T,
    n = 1,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    return pollUntil(
      () => this.messages.filter((m) => m.type === type)[n - 1],
      { what: `${type} #${n} (got ${this.messages.map((m) => m.type)})`, timeoutMs: 15_000 },
    ) as Promise<Extract<ServerMessage, { type: T }>>;
  }
}

function spawnTracked(pids: number[]): SpawnHelper {
  return (onMessage) => {
    const helper = HelperProcess.spawn({ onMessage });
    pids.push(helper.pid);
    return helper;
  };
}

Deno.test("MediaSession on the real helper gives a joining viewer an SDP offer from GStreamer", async () => {
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
    assert.equal(session.streaming, true);
    assert.equal(pids.length, 1, "the standby helper is the one that streams");
  } finally {
    await session.close();
  }
});

Deno.test("MediaSession restarts a helper killed with SIGKILL and sends every viewer a new offer", async () => {
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
    assert.deepEqual(await a.next("status", 3), {
      type: "status",
      state: "restarting",
      retryInMs: 100,
      message: "helper exited with signal SIGKILL",
    });
    assert.match((await a.next("offer", 2)).sdp, /m=video/);
    assert.match((await b.next("offer", 2)).sdp, /m=video/);
    assert.notEqual(session.helperPid, first);
    assert.equal(session.stats.crashes, 1);
  } finally {
    await session.close();
  }
});

Deno.test("MediaSession ends the helper process when the last viewer leaves and keeps a standby", async () => {
  const pids: number[] = [];
  const session = new MediaSession({ start: START, spawn: spawnTracked(pids) });
  try {
    const viewer = new RecordingViewer("v");
    session.join(viewer);
    await viewer.next("offer");
    const streaming = session.helperPid!;
    session.leave("v");
    await pollUntil(() => session.helperPid !== streaming && session.helperPid !== undefined, {
      what: "a new standby helper",
    });
    assert.equal(session.streaming, false);
    assert.equal(session.stats.crashes, 0);
    assert.equal(pids.length, 2);
    assert.throws(() => Deno.kill(streaming, "SIGCONT"), Deno.errors.NotFound);
  } finally {
    await session.close();
  }
});

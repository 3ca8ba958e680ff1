/**
 * MediaSession's supervision logic against a recording fake helper and fake
 * time: no process, no GStreamer. test/session_test.ts runs it against the
 * real helper.
 */

import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import type { HelperExitStatus, HelperLink } from "./helper_link.ts";
import type { FromHelper, HelperStart, ToHelper } from "./protocol/helper.ts";
import { DEFAULT_MAX_VIEWERS, type ServerMessage } from "./protocol/signalling.ts";
import { MediaSession, type MediaSessionOptions, type Viewer } from "./session.ts";
import type { RtcConfiguration } from "./turn/rtc_configuration.ts";

const START: HelperStart = {
  type: "start",
  pipeline: "videotestsrc ! tee name=t",
  branch: "queue ! webrtcbin name=w",
  tee: "t",
  webrtcbin: "w",
  encoder: "e",
  iceAddresses: [],
  channels: ["input"],
};

/** A helper that records what it is sent; the test plays its messages and its exit. */
class FakeHelper implements HelperLink {
  static #pids = 100;
  readonly pid = FakeHelper.#pids++;
  readonly sent: ToHelper[] = [];
  /** The grace period of every `stop()` call. */
  readonly stops: (number | undefined)[] = [];
  readonly #exit = Promise.withResolvers<HelperExitStatus>();
  readonly exited = this.#exit.promise;
  #gone = false;
  constructor(readonly emit: (message: FromHelper) => void) {}
  send(message: ToHelper): boolean {
    if (this.#gone) return false;
    this.sent.push(message);
    return true;
  }
  stop(graceMs?: number): Promise<HelperExitStatus> {
    this.stops.push(graceMs);
    this.send({ type: "stop" });
    return this.exited;
  }
  kill(): void {
    this.exit({ code: 137, signal: "SIGKILL" });
  }
  exit(status: HelperExitStatus = { code: 0, signal: null }): void {
    this.#gone = true;
    this.#exit.resolve(status);
  }
  types(): string[] {
    return this.sent.map((m) => "peer" in m ? `${m.type} ${m.peer}` : m.type);
  }
}

class RecordingViewer implements Viewer {
  readonly messages: ServerMessage[] = [];
  readonly data: [string, number[]][] = [];
  constructor(readonly id: string) {}
  send(message: ServerMessage): void {
    this.messages.push(message);
  }
  onData(channel: string, data: Uint8Array): void {
    this.data.push([channel, [...data]]);
  }
  /** Takes the messages received so far. */
  take(): ServerMessage[] {
    return this.messages.splice(0);
  }
}

/** A session on fake helpers and fake time. */
function rig(options: Partial<MediaSessionOptions> = {}) {
  const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  const helpers: FakeHelper[] = [];
  const session = new MediaSession({
    start: START,
    spawn: (onMessage) => {
      const helper = new FakeHelper(onMessage);
      helpers.push(helper);
      return helper;
    },
    ...options,
  });
  const last = () => helpers[helpers.length - 1]!;
  /** Lets promise callbacks (a helper's exit) run, and fake time pass. */
  const tick = (ms = 0) => clock.tickAsync(ms);
  return {
    session,
    helpers,
    last,
    tick,
    /** The current helper starts its pipeline and offers to each of `peers`. */
    stream(...peers: string[]) {
      last().emit({ type: "ready", pid: last().pid });
      for (const peer of peers) last().emit({ type: "offer", peer, sdp: `v=0 ${peer}` });
    },
    async [Symbol.asyncDispose]() {
      const closed = session.close();
      helpers.at(-1)?.exit();
      await tick();
      await closed;
      clock.uninstall();
    },
  };
}

const restarting = (retryInMs: number, how: string): ServerMessage => ({
  type: "status",
  state: "restarting",
  retryInMs,
  message: `helper exited with ${how}`,
});

Deno.test("MediaSession sends start to the standby helper when the first viewer joins", async () => {
  await using r = rig();
  assert.equal(r.helpers.length, 1, "a standby is spawned at once");
  assert.deepEqual(r.last().sent, []);
  const viewer = new RecordingViewer("v1");
  r.session.join(viewer);
  assert.deepEqual(viewer.take(), [{ type: "status", state: "starting" }]);
  assert.deepEqual(r.last().sent, [START]);
  r.last().emit({ type: "ready", pid: r.last().pid });
  assert.deepEqual(r.last().types(), ["start", "peer-add v1"]);
  assert.equal(r.session.streaming, true);
  r.last().emit({ type: "offer", peer: "v1", sdp: "v=0 x" });
  r.last().emit({ type: "ice", peer: "v1", candidate: "candidate:1", sdpMLineIndex: 0 });
  r.last().emit({ type: "data", peer: "v1", channel: "input", data: "AQI=" });
  assert.deepEqual(viewer.take(), [
    { type: "offer", sdp: "v=0 x" },
    { type: "status", state: "streaming" },
    { type: "ice", candidate: "candidate:1", sdpMLineIndex: 0 },
  ]);
  assert.deepEqual(viewer.data, [["input", [1, 2]]]);
  assert.equal(r.helpers.length, 1);
});

Deno.test("MediaSession adds later viewers to the running helper: one capture for all", async () => {
  await using r = rig();
  r.session.join(new RecordingViewer("a"));
  r.stream("a");
  r.session.join(new RecordingViewer("b"));
  r.session.join(new RecordingViewer("c"));
  assert.deepEqual(r.last().types(), ["start", "peer-add a", "peer-add b", "peer-add c"]);
  assert.equal(r.helpers.length, 1);
  assert.equal(r.session.viewerCount, 3);
  r.session.leave("b");
  r.session.leave("b");
  r.session.leave("nobody");
  assert.deepEqual(r.last().types().slice(4), ["peer-remove b"]);
});

Deno.test("MediaSession forwards a viewer's answer and candidates only once it has sent that viewer an offer", async () => {
  await using r = rig();
  r.session.join(new RecordingViewer("v"));
  r.last().emit({ type: "ready", pid: 1 });
  const relayed = () => r.last().sent.filter((m) => m.type === "answer" || m.type === "ice");
  r.session.answer("v", "v=0 stale");
  r.session.ice("v", "candidate:1", 0);
  r.session.answer("nobody", "v=0");
  assert.deepEqual(relayed(), []);
  r.last().emit({ type: "offer", peer: "v", sdp: "v=0" });
  r.session.answer("v", "v=0 fresh");
  r.session.ice("v", "", 0);
  r.session.answer("nobody", "v=0");
  assert.deepEqual(relayed(), [
    { type: "answer", peer: "v", sdp: "v=0 fresh" },
    { type: "ice", peer: "v", candidate: "", sdpMLineIndex: 0 },
  ]);
});

Deno.test("MediaSession stops the helper when the last viewer leaves and spawns a new standby", async () => {
  await using r = rig({ stopGraceMs: 1234 });
  const viewer = new RecordingViewer("v");
  r.session.join(viewer);
  r.stream("v");
  const streaming = r.last();
  r.session.leave("v");
  assert.deepEqual(streaming.types().slice(-2), ["peer-remove v", "stop"]);
  assert.deepEqual(streaming.stops, [1234]);
  assert.equal(r.helpers.length, 1, "no new helper before the old one exits");
  streaming.exit();
  await r.tick();
  assert.equal(r.helpers.length, 2);
  assert.deepEqual(r.last().sent, [], "the new helper waits as a standby");
  assert.equal(r.session.streaming, false);
  assert.equal(r.session.stats.crashes, 0);
});

Deno.test("MediaSession starts a new helper at once for a viewer who joined while the old one stopped", async () => {
  await using r = rig();
  r.session.join(new RecordingViewer("a"));
  r.stream("a");
  r.session.leave("a");
  const late = new RecordingViewer("b");
  r.session.join(late);
  r.last().exit();
  await r.tick();
  assert.equal(r.helpers.length, 2);
  assert.deepEqual(r.last().sent, [START]);
  assert.deepEqual(late.take(), [{ type: "status", state: "starting" }]);
  r.stream("b");
  assert.deepEqual(r.last().types(), ["start", "peer-add b"]);
});

Deno.test("MediaSession restarts a crashed helper after the backoff delay and re-adds every viewer", async () => {
  await using r = rig({ backoff: { initialMs: 100 } });
  const a = new RecordingViewer("a");
  const b = new RecordingViewer("b");
  r.session.join(a);
  r.session.join(b);
  r.stream("a", "b");
  a.take();
  b.take();
  r.last().kill();
  await r.tick();
  assert.deepEqual(a.take(), [restarting(100, "signal SIGKILL")]);
  assert.deepEqual(b.take(), [restarting(100, "signal SIGKILL")]);
  assert.equal(r.session.stats.crashes, 1);
  await r.tick(99);
  assert.equal(r.helpers.length, 1);
  await r.tick(1);
  assert.equal(r.helpers.length, 2);
  assert.deepEqual(a.take(), [{ type: "status", state: "starting" }]);
  r.stream("a", "b");
  assert.deepEqual(r.last().types(), ["start", "peer-add a", "peer-add b"]);
  assert.deepEqual(b.take(), [
    { type: "status", state: "starting" },
    { type: "offer", sdp: "v=0 b" },
    { type: "status", state: "streaming" },
  ]);
});

Deno.test("MediaSession doubles the delay while the helper keeps failing and says failed at the maximum", async () => {
  await using r = rig({ backoff: { initialMs: 100, maxMs: 400, stableMs: 5000 } });
  const viewer = new RecordingViewer("v");
  r.session.join(viewer);
  viewer.take();
  const told: ServerMessage[] = [];
  for (let i = 0; i < 4; i++) {
    r.last().emit({ type: "error", message: "Cannot open X display :9", fatal: true });
    r.last().exit({ code: 3, signal: null });
    await r.tick();
    told.push(...viewer.take().filter((m) => m.type === "status"));
    await r.tick(400);
    viewer.take();
  }
  assert.deepEqual(told, [
    restarting(100, "code 3"),
    restarting(200, "code 3"),
    {
      type: "status",
      state: "failed",
      retryInMs: 400,
      message:
        "The server cannot capture the screen; it keeps retrying, and the administrator can find the cause in the server log.",
    },
    {
      type: "status",
      state: "failed",
      retryInMs: 400,
      message:
        "The server cannot capture the screen; it keeps retrying, and the administrator can find the cause in the server log.",
    },
  ]);
  assert.equal(r.helpers.length, 5);
  assert.equal(r.session.stats.crashes, 4);
});

Deno.test("MediaSession starts the delays over after a helper that streamed for stableMs", async () => {
  await using r = rig({ backoff: { initialMs: 100, maxMs: 1000, stableMs: 5000 } });
  const viewer = new RecordingViewer("v");
  r.session.join(viewer);
  const delays: number[] = [];
  const crashAfter = async (ms: number) => {
    r.stream("v");
    await r.tick(ms);
    r.last().exit({ code: 1, signal: null });
    await r.tick();
    const status = viewer.take().find((m) => m.type === "status" && m.state === "restarting");
    delays.push((status as { retryInMs: number }).retryInMs);
    await r.tick(1000);
  };
  await crashAfter(10);
  await crashAfter(4999);
  await crashAfter(5000);
  await crashAfter(0);
  assert.deepEqual(delays, [100, 200, 100, 200]);
});

Deno.test("MediaSession tells a viewer who joins during a restart how long is left", async () => {
  await using r = rig({ backoff: { initialMs: 1000 } });
  r.session.join(new RecordingViewer("a"));
  r.stream("a");
  r.last().exit({ code: 0, signal: "SIGSEGV" });
  await r.tick(300);
  const late = new RecordingViewer("b");
  r.session.join(late);
  assert.deepEqual(late.take(), [restarting(700, "signal SIGSEGV")]);
  await r.tick(700);
  assert.deepEqual(late.take(), [{ type: "status", state: "starting" }]);
  assert.deepEqual(r.last().sent, [START]);
});

Deno.test("MediaSession spawns a standby when a restart is due and nobody watches any more", async () => {
  await using r = rig({ backoff: { initialMs: 100 } });
  r.session.join(new RecordingViewer("a"));
  r.stream("a");
  r.last().kill();
  await r.tick();
  r.session.leave("a");
  await r.tick(100);
  assert.equal(r.helpers.length, 2);
  assert.deepEqual(r.last().sent, []);
});

Deno.test("MediaSession relays a helper error to the viewer it names, or to every viewer", async () => {
  await using r = rig();
  const a = new RecordingViewer("a");
  const b = new RecordingViewer("b");
  r.session.join(a);
  r.session.join(b);
  a.take();
  b.take();
  r.last().emit({ type: "error", peer: "b", message: "Cannot set answer", fatal: false });
  r.last().emit({ type: "error", message: "Encoder stalled", fatal: false });
  // In the user's words: the helper's own text stays in the log.
  const stalled = {
    type: "error",
    code: "media",
    message:
      "The video stream for this tab failed; reload the page to try again (the administrator can find the cause in the server log).",
  };
  assert.deepEqual(a.take(), [stalled]);
  assert.deepEqual(b.take(), [
    {
      type: "error",
      code: "media",
      message:
        "Your browser and the server could not agree on the video stream; reload the page, or try another browser.",
    },
    stalled,
  ]);
});

Deno.test("MediaSession ignores a replaced helper and anything after close()", async () => {
  await using r = rig({ backoff: { initialMs: 100 } });
  const viewer = new RecordingViewer("v");
  r.session.join(viewer);
  const old = r.last();
  old.kill();
  await r.tick(100);
  viewer.take();
  old.emit({ type: "offer", peer: "v", sdp: "v=0 old" });
  assert.deepEqual(viewer.messages, []);
  const closed = r.session.close();
  assert.deepEqual(r.last().stops, [undefined]);
  r.last().exit();
  await closed;
  r.session.join(new RecordingViewer("late"));
  await r.tick(10_000);
  assert.equal(r.helpers.length, 2);
  assert.equal(r.session.viewerCount, 0);
});

Deno.test("MediaSession without standby spawns nothing until someone joins", async () => {
  await using r = rig({ standby: false });
  assert.equal(r.helpers.length, 0);
  r.session.join(new RecordingViewer("v"));
  assert.equal(r.helpers.length, 1);
  assert.deepEqual(r.last().sent, [START]);
});

/** STUN/TURN servers the test renews by hand. */
class FakeIceServers {
  current: RtcConfiguration = {
    iceServers: [{ urls: "turn:t:3478?transport=udp", username: "1:u", credential: "c/1" }],
  };
  readonly listeners = new Set<(config: RtcConfiguration) => void>();
  subscribe(listener: (config: RtcConfiguration) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  renew(credential: string) {
    this.current = { iceServers: [{ ...this.current.iceServers[0]!, credential }] };
    for (const listener of this.listeners) listener(this.current);
  }
}

Deno.test("MediaSession gives helpers the TURN servers in webrtcbin's form, and renewed ones", async () => {
  const iceServers = new FakeIceServers();
  {
    await using r = rig({ iceServers });
    iceServers.renew("c/2"); // a standby hears nothing: its start carries the servers
    assert.deepEqual(r.last().sent, []);
    r.session.join(new RecordingViewer("v1"));
    assert.deepEqual(r.last().sent, [{
      ...START,
      stunServer: "",
      turnServers: ["turn://1%3Au:c%2F2@t:3478?transport=udp"],
    }]);
    r.stream("v1");
    iceServers.renew("c/3");
    assert.deepEqual(r.last().sent.at(-1), {
      type: "ice-servers",
      stunServer: "",
      turnServers: ["turn://1%3Au:c%2F3@t:3478?transport=udp"],
    });
  }
  assert.equal(iceServers.listeners.size, 0, "close() unsubscribes");
});

Deno.test("MediaSession asks for an ICE restart only for a viewer offered to, and passes the offer on", async () => {
  await using r = rig();
  const viewer = new RecordingViewer("v1");
  r.session.join(viewer);
  r.session.iceRestart("v1"); // nothing offered yet: nothing to restart
  r.stream("v1");
  r.session.iceRestart("v1");
  r.session.iceRestart("nobody");
  assert.deepEqual(r.last().types(), ["start", "peer-add v1", "ice-restart v1"]);
  viewer.take();
  r.last().emit({ type: "offer", peer: "v1", sdp: "v=0 restart", iceRestart: true });
  assert.deepEqual(viewer.take(), [
    { type: "offer", sdp: "v=0 restart", iceRestart: true },
    { type: "status", state: "streaming" },
  ]);
});

Deno.test("MediaSession reports viewers and the helper's statistics of present viewers to its monitor", async () => {
  const seen: string[] = [];
  await using r = rig({
    monitor: {
      viewerJoined: (peer) => seen.push(`joined ${peer}`),
      viewerLeft: (peer) => seen.push(`left ${peer}`),
      peerStats: (peer, stats) => seen.push(`stats ${peer} ${stats.packetsSent}`),
    },
  });
  r.session.join(new RecordingViewer("a"));
  r.stream("a");
  const stats = {
    packetsSent: 7,
    bytesSent: 700,
    packetsLost: 0,
    nackCount: 0,
    pliCount: 0,
    firCount: 0,
  };
  r.last().emit({ type: "stats", peer: "a", stats });
  r.last().emit({ type: "stats", peer: "ghost", stats });
  r.session.leave("a");
  r.last().emit({ type: "stats", peer: "a", stats });
  assert.deepEqual(seen, ["joined a", "stats a 7", "left a"]);
});

Deno.test("MediaSession refuses a viewer over maxViewers and admits one again when a seat frees", async () => {
  await using r = rig({ maxViewers: 2 });
  const [a, b, c] = ["v1", "v2", "v3"].map((id) => new RecordingViewer(id));
  assert.equal(r.session.join(a!), true);
  assert.equal(r.session.full, false);
  assert.equal(r.session.join(b!), true);
  assert.equal(r.session.full, true);
  assert.equal(r.session.join(c!), false);
  assert.deepEqual(c!.take(), [], "a refused viewer is sent nothing");
  assert.equal(r.session.viewerCount, 2);
  r.stream("v1", "v2");
  assert.deepEqual(r.last().types(), ["start", "peer-add v1", "peer-add v2"]);
  r.session.leave("v1");
  assert.equal(r.session.join(c!), true);
  assert.deepEqual(r.last().types().slice(3), ["peer-remove v1", "peer-add v3"]);
});

Deno.test("MediaSession admits DEFAULT_MAX_VIEWERS viewers by default", async () => {
  await using r = rig();
  for (let i = 0; i < DEFAULT_MAX_VIEWERS; i++) {
    assert.equal(r.session.join(new RecordingViewer(`v${i}`)), true);
  }
  assert.equal(r.session.join(new RecordingViewer("one-too-many")), false);
});

Deno.test("MediaSession.showPointer() reaches the running helper and every restarted one", async () => {
  await using r = rig();
  const viewer = new RecordingViewer("v1");
  r.session.showPointer(true);
  r.session.join(viewer);
  // Not before the pipeline runs: the helper would have nothing to set.
  assert.deepEqual(r.last().types(), ["start"]);
  r.stream("v1");
  assert.deepEqual(r.last().sent.filter((m) => m.type === "show-pointer"), [
    { type: "show-pointer", visible: true },
  ]);
  r.session.showPointer(false);
  assert.deepEqual(r.last().sent.at(-1), { type: "show-pointer", visible: false });
  r.session.showPointer(true);
  // The helper dies: the next one draws the pointer too once it runs.
  r.last().kill();
  await r.tick(300);
  r.stream("v1");
  assert.ok(r.last().sent.some((m) => m.type === "show-pointer" && m.visible));
});

/**
 * MediaSession with per-viewer codecs (`encoders`): the choice at join, the
 * encode tiers it asks the helper for, live switches, restarts. A recording
 * fake helper and fake time; test/codecs_test.ts runs the real thing.
 */

import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import type { HelperExitStatus, HelperLink } from "./helper_link.ts";
import type { DecodableCodec } from "./protocol/codecs.ts";
import type { FromHelper, HelperStart, ToHelper } from "./protocol/helper.ts";
import type { ServerMessage } from "./protocol/signalling.ts";
import { MediaSession, type Viewer } from "./session.ts";

const START: HelperStart = {
  type: "start",
  pipeline: "videotestsrc ! tee name=capture",
  branch: "queue ! webrtcbin name=w",
  tee: "capture",
  webrtcbin: "w",
  encoder: "e",
  iceAddresses: [],
  channels: ["input"],
};
const CHROMIUM: DecodableCodec[] = [
  { mimeType: "video/VP8" },
  { mimeType: "video/H264", sdpFmtpLine: "packetization-mode=1;profile-level-id=42e01f" },
];
const FIREFOX: DecodableCodec[] = [{ mimeType: "video/VP8" }];

class FakeHelper implements HelperLink {
  static #pids = 500;
  readonly pid = FakeHelper.#pids++;
  readonly sent: ToHelper[] = [];
  readonly #exit = Promise.withResolvers<HelperExitStatus>();
  readonly exited = this.#exit.promise;
  constructor(readonly emit: (message: FromHelper) => void) {}
  send(message: ToHelper): boolean {
    this.sent.push(message);
    return true;
  }
  stop(): Promise<HelperExitStatus> {
    this.exit();
    return this.exited;
  }
  kill(): void {
    this.exit({ code: 137, signal: "SIGKILL" });
  }
  exit(status: HelperExitStatus = { code: 0, signal: null }): void {
    this.#exit.resolve(status);
  }
  /** Takes what was sent so far, shortened: "tier-add vp8enc", "peer-add p vp8enc". */
  take(): string[] {
    return this.sent.splice(0).map((m) => {
      if (m.type === "tier-add" || m.type === "tier-remove") return `${m.type} ${m.tier}`;
      if (m.type === "peer-add") return `peer-add ${m.peer} ${m.tier ?? "-"}`;
      return "peer" in m ? `${m.type} ${m.peer}` : m.type;
    });
  }
}

class RecordingViewer implements Viewer {
  readonly messages: ServerMessage[] = [];
  constructor(readonly id: string, readonly codecs: readonly DecodableCodec[]) {}
  send(message: ServerMessage): void {
    this.messages.push(message);
  }
  onData(): void {}
  take(): ServerMessage[] {
    return this.messages.splice(0);
  }
}

function rig() {
  const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  const helpers: FakeHelper[] = [];
  const session = new MediaSession({
    start: START,
    backoff: { initialMs: 100 },
    spawn: (onMessage) => {
      const helper = new FakeHelper(onMessage);
      helpers.push(helper);
      return helper;
    },
    encoders: {
      offered: ["x264enc", "vp8enc"],
      tier: (encoder) => ({
        type: "tier-add",
        tier: encoder,
        pipeline: "p",
        tee: "t",
        encoder: "e",
      }),
    },
  });
  const last = () => helpers[helpers.length - 1]!;
  return {
    session,
    helpers,
    last,
    tick: (ms = 0) => clock.tickAsync(ms),
    async [Symbol.asyncDispose]() {
      const closed = session.close();
      await clock.tickAsync(0);
      await closed;
      clock.uninstall();
    },
  };
}

Deno.test("MediaSession gives each viewer a codec its browser decodes, one tier per codec", async () => {
  await using r = rig();
  const chromium = new RecordingViewer("c", CHROMIUM);
  const firefox = new RecordingViewer("f", FIREFOX);
  r.session.join(chromium);
  r.session.join(firefox);
  assert.deepEqual(chromium.take(), [
    { type: "encoder", encoder: "x264enc", encoders: ["x264enc", "vp8enc"] },
    { type: "status", state: "starting" },
  ]);
  assert.deepEqual(firefox.take(), [
    { type: "encoder", encoder: "vp8enc", encoders: ["vp8enc"] },
    { type: "status", state: "starting" },
  ]);
  assert.deepEqual(r.last().take(), ["start"]);
  r.last().emit({ type: "ready", pid: r.last().pid });
  assert.deepEqual(r.last().take(), [
    "tier-add x264enc",
    "peer-add c x264enc",
    "tier-add vp8enc",
    "peer-add f vp8enc",
  ]);
  r.session.leave("f");
  assert.deepEqual(r.last().take(), ["peer-remove f", "tier-remove vp8enc"]);
});

Deno.test("MediaSession tells a browser that decodes nothing offered why, and starts nothing", async () => {
  await using r = rig();
  const viewer = new RecordingViewer("n", [{ mimeType: "video/AV1" }]);
  assert.equal(r.session.join(viewer), true);
  assert.deepEqual(viewer.take(), [{
    type: "error",
    code: "no-codec",
    message:
      "Your browser cannot decode any video format this server offers (H.264, VP8); try Chrome.",
  }]);
  assert.equal(r.session.viewerCount, 0);
  assert.deepEqual(r.last().take(), []);
  r.session.leave("n");
});

Deno.test("MediaSession switches a viewer's encoder once its offer is answered", async () => {
  await using r = rig();
  const viewer = new RecordingViewer("c", CHROMIUM);
  r.session.join(viewer);
  r.last().emit({ type: "ready", pid: r.last().pid });
  r.last().emit({ type: "offer", peer: "c", sdp: "v=0 h264" });
  r.last().take();
  viewer.take();
  r.session.setEncoder("c", "vp8enc");
  assert.deepEqual(viewer.take(), [
    { type: "encoder", encoder: "vp8enc", encoders: ["x264enc", "vp8enc"] },
  ]);
  assert.deepEqual(r.last().take(), [], "waits for the answer to the H.264 offer");
  r.session.answer("c", "v=0 answer");
  assert.deepEqual(r.last().take(), [
    "answer c",
    "peer-remove c",
    "tier-remove x264enc",
    "tier-add vp8enc",
    "peer-add c vp8enc",
  ]);
  // Until the new branch offers, an answer would reach nobody.
  r.session.answer("c", "v=0 late");
  assert.deepEqual(r.last().take(), []);
  r.last().emit({ type: "offer", peer: "c", sdp: "v=0 vp8" });
  assert.deepEqual(viewer.take(), [
    { type: "offer", sdp: "v=0 vp8" },
    { type: "status", state: "streaming" },
  ]);
});

Deno.test("MediaSession builds the tiers again on a new helper after a crash", async () => {
  await using r = rig();
  r.session.join(new RecordingViewer("f", FIREFOX));
  r.last().emit({ type: "ready", pid: r.last().pid });
  assert.deepEqual(r.last().take(), ["start", "tier-add vp8enc", "peer-add f vp8enc"]);
  r.last().kill();
  await r.tick(100);
  r.last().emit({ type: "ready", pid: r.last().pid });
  assert.deepEqual(r.last().take(), ["start", "tier-add vp8enc", "peer-add f vp8enc"]);
});

Deno.test("MediaSession words a helper error for the user, naming the viewer's codec", async () => {
  await using r = rig();
  const viewer = new RecordingViewer("f", FIREFOX);
  r.session.join(viewer);
  viewer.take();
  r.last().emit({
    type: "error",
    peer: "f",
    fatal: false,
    message: "Cannot set answer: application/x-gst-promise, error=(GError)NULL;",
  });
  assert.deepEqual(viewer.take(), [{
    type: "error",
    code: "media",
    message:
      "Your browser and the server could not agree on the video stream (VP8); reload the page, or try another browser.",
  }]);
});

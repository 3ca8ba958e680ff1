/**
 * Live settings through MediaSession, against a recording fake helper and
 * fake time: what viewers are told, what the helper gets and when.
 */

import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import type { HelperExitStatus, HelperLink } from "./helper_link.ts";
import type { FromHelper, HelperStart, ToHelper } from "./protocol/helper.ts";
import type { LiveSettings, LiveSettingsChange } from "./protocol/live_settings.ts";
import type { ServerMessage } from "./protocol/signalling.ts";
import { MediaSession, type Viewer } from "./session.ts";
import { SETTINGS_INTERVAL_MS } from "./session_settings.ts";

const TUNING = {
  videoBitrate: 8000,
  framerate: 60,
  audio: true,
  keyframeDistance: -1,
  congestionControl: true,
  fecPercent: 0,
};

const START: HelperStart = {
  type: "start",
  pipeline: "videotestsrc ! tee name=t",
  branch: "queue ! webrtcbin name=w",
  tee: "t",
  webrtcbin: "w",
  encoder: "e",
  iceAddresses: [],
  channels: ["input"],
  tuning: TUNING,
};

class FakeHelper implements HelperLink {
  readonly pid = 1;
  readonly sent: ToHelper[] = [];
  readonly #exit = Promise.withResolvers<HelperExitStatus>();
  readonly exited = this.#exit.promise;
  constructor(readonly emit: (message: FromHelper) => void) {}
  send(message: ToHelper): boolean {
    this.sent.push(message);
    return true;
  }
  stop(): Promise<HelperExitStatus> {
    return this.exited;
  }
  kill(): void {
    this.exit({ code: 137, signal: "SIGKILL" });
  }
  exit(status: HelperExitStatus = { code: 0, signal: null }): void {
    this.#exit.resolve(status);
  }
  settings(): ToHelper[] {
    return this.sent.filter((m) => m.type === "settings");
  }
}

class RecordingViewer implements Viewer {
  readonly messages: ServerMessage[] = [];
  constructor(readonly id: string) {}
  send(message: ServerMessage): void {
    this.messages.push(message);
  }
  onData(): void {}
  settings(): ServerMessage[] {
    return this.messages.filter((m) => m.type === "settings");
  }
}

function rig() {
  const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  const helpers: FakeHelper[] = [];
  const remembered: [LiveSettings, LiveSettingsChange][] = [];
  const session = new MediaSession({
    start: START,
    spawn: (onMessage) => {
      const helper = new FakeHelper(onMessage);
      helpers.push(helper);
      return helper;
    },
    settings: {
      initial: { videoBitrate: 8000, framerate: 60, audio: true },
      congestionControl: true,
      onChange: (settings, change) => remembered.push([settings, change]),
    },
  });
  return {
    session,
    helpers,
    remembered,
    last: () => helpers.at(-1)!,
    tick: (ms = 0) => clock.tickAsync(ms),
    async [Symbol.asyncDispose]() {
      const closed = session.close();
      helpers.at(-1)?.exit();
      await clock.tickAsync(0);
      await closed;
      clock.uninstall();
    },
  };
}

const settings = (s: LiveSettings): ServerMessage => ({
  type: "settings",
  ...s,
  congestionControl: true,
});

Deno.test("MediaSession tells a joining viewer the settings, and every viewer a change", async () => {
  await using r = rig();
  const a = new RecordingViewer("a");
  const b = new RecordingViewer("b");
  r.session.join(a);
  r.session.join(b);
  assert.deepEqual(a.settings(), [settings({ videoBitrate: 8000, framerate: 60, audio: true })]);
  r.last().emit({ type: "ready", pid: 1 });
  r.session.settings("a", { videoBitrate: 2500, framerate: 60 });
  const now = settings({ videoBitrate: 2500, framerate: 60, audio: true });
  assert.deepEqual(a.settings().at(-1), now);
  assert.deepEqual(b.settings().at(-1), now);
  assert.deepEqual(r.last().settings(), [{ type: "settings", videoBitrate: 2500 }]);
  assert.deepEqual(r.remembered, [[
    { videoBitrate: 2500, framerate: 60, audio: true },
    { videoBitrate: 2500 },
  ]]);
});

Deno.test("MediaSession merges changes within 200 ms into one message to the helper", async () => {
  await using r = rig();
  r.session.join(new RecordingViewer("a"));
  r.last().emit({ type: "ready", pid: 1 });
  r.session.settings("a", { framerate: 30 });
  r.session.settings("a", { framerate: 24 });
  r.session.settings("a", { videoBitrate: 900 });
  assert.deepEqual(r.last().settings(), [{ type: "settings", framerate: 30 }]);
  await r.tick(SETTINGS_INTERVAL_MS - 1);
  assert.equal(r.last().settings().length, 1);
  await r.tick(1);
  assert.deepEqual(r.last().settings(), [
    { type: "settings", framerate: 30 },
    { type: "settings", framerate: 24, videoBitrate: 900 },
  ]);
  await r.tick(SETTINGS_INTERVAL_MS * 3);
  assert.equal(r.last().settings().length, 2, "nothing more to send");
});

Deno.test("MediaSession answers a change to the same values with the settings, to that viewer only", async () => {
  await using r = rig();
  const a = new RecordingViewer("a");
  const b = new RecordingViewer("b");
  r.session.join(a);
  r.session.join(b);
  r.last().emit({ type: "ready", pid: 1 });
  r.session.settings("a", { framerate: 60, audio: true });
  assert.equal(a.settings().length, 2);
  assert.equal(b.settings().length, 1);
  assert.deepEqual(r.last().settings(), []);
  assert.deepEqual(r.remembered, []);
  r.session.settings("nobody", { framerate: 5 });
  assert.deepEqual(r.last().settings(), []);
});

Deno.test("MediaSession holds a change for a starting helper until it is ready", async () => {
  await using r = rig();
  r.session.join(new RecordingViewer("a"));
  r.session.settings("a", { audio: false });
  assert.deepEqual(r.last().settings(), []);
  r.last().emit({ type: "ready", pid: 1 });
  assert.deepEqual(r.last().settings(), [{ type: "settings", audio: false }]);
});

Deno.test("MediaSession starts a new helper with the settings viewers chose", async () => {
  await using r = rig();
  r.session.join(new RecordingViewer("a"));
  r.last().emit({ type: "ready", pid: 1 });
  r.session.settings("a", { videoBitrate: 3000, framerate: 30 });
  r.last().kill();
  await r.tick(1000);
  const start = r.last().sent.find((m) => m.type === "start") as HelperStart;
  assert.deepEqual(start.tuning, { ...TUNING, videoBitrate: 3000, framerate: 30 });
  assert.equal(r.helpers.length, 2);
});

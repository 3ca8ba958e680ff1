import assert from "node:assert/strict";
import { createInputChannels } from "./channels.ts";
import { encodeInput, INPUT_CHANNEL_LABEL, Op } from "../protocol/input.ts";
import { RecordingSink } from "../../test/fixtures/recording_sink.ts";
import { Control } from "../roles/control.ts";
import { fakeTime } from "../../test/fixtures/fake_time.ts";

Deno.test("createInputChannels() drives the sink it is given from each viewer's input channel only", () => {
  const sink = new RecordingSink();
  const padsMade: string[] = [];
  const channels = createInputChannels(sink, {
    pads: (peer) => void padsMade.push(peer),
  });
  const alice = channels.forPeer("alice");
  const bob = channels.forPeer("bob");
  alice.data(INPUT_CHANNEL_LABEL, encodeInput({ op: Op.KeyDown, keysym: 0x61 }));
  alice.data("chat", encodeInput({ op: Op.KeyDown, keysym: 0x62 })); // another channel: ignored
  bob.data(INPUT_CHANNEL_LABEL, encodeInput({ op: Op.ButtonDown, button: 2 }));
  alice.close(); // alice leaves: what she holds is released, bob's button stays down
  assert.deepEqual(sink.calls, ["key 61 down", "button 2 down", "key 61 up"]);
  assert.deepEqual(padsMade, ["alice", "bob"]);
  assert.equal(sink.closed, false);
  channels.close();
  assert.deepEqual(sink.calls.slice(3), ["button 2 up"]);
  assert.equal(sink.closed, true);
});

Deno.test("createInputChannels().totals() counts accepted and rejected input of every viewer, gone ones too", () => {
  const channels = createInputChannels(new RecordingSink());
  const alice = channels.forPeer("alice");
  const bob = channels.forPeer("bob");
  alice.data(INPUT_CHANNEL_LABEL, encodeInput({ op: Op.KeyDown, keysym: 0x61 }));
  alice.data(INPUT_CHANNEL_LABEL, new Uint8Array([0xff]));
  bob.data(INPUT_CHANNEL_LABEL, encodeInput({ op: Op.ButtonDown, button: 1 }));
  alice.close();
  alice.close();
  assert.deepEqual(channels.totals(), { accepted: 2, rejected: 1, refused: 0 });
  channels.close();
});

Deno.test("createInputChannels() with a Control injects the controller's input only", () => {
  using time = fakeTime();
  const sink = new RecordingSink();
  const control = new Control();
  const channels = createInputChannels(sink, { control });
  for (const [peer, role] of [["p1", "full"], ["p2", "full"], ["p3", "view"]] as const) {
    control.join(peer, { role, notify: () => {} });
  }
  const [p1, p2, p3] = ["p1", "p2", "p3"].map((peer) => channels.forPeer(peer));
  const key = (keysym: number, down = true) =>
    encodeInput({ op: down ? Op.KeyDown : Op.KeyUp, keysym });
  p3!.data(INPUT_CHANNEL_LABEL, key(0x76)); // view-only: never, even with control free
  p1!.data(INPUT_CHANNEL_LABEL, key(0x61)); // free: p1 takes control by typing
  p2!.data(INPUT_CHANNEL_LABEL, key(0x62)); // p1 controls: dropped
  assert.deepEqual(sink.calls, ["key 61 down"]);
  time.tick(5000);
  // p2 takes control: p1's held "a" goes up before p2's first key.
  assert.equal(control.take("p2"), "taken");
  p2!.data(INPUT_CHANNEL_LABEL, key(0x63));
  p1!.data(INPUT_CHANNEL_LABEL, key(0x61, false)); // already released: dropped, nothing twice
  p1!.data(INPUT_CHANNEL_LABEL, key(0x64));
  assert.deepEqual(sink.calls, ["key 61 down", "key 61 up", "key 63 down"]);
  assert.deepEqual(channels.totals(), { accepted: 2, rejected: 0, refused: 4 });
  p3!.close();
  assert.deepEqual(channels.totals(), { accepted: 2, rejected: 0, refused: 4 });
  channels.close();
  assert.deepEqual(sink.calls.slice(3), ["key 63 up"]);
  // Closed: revokes reach no handler any more.
  control.take("p1");
});

import assert from "node:assert/strict";
import { createInputChannels } from "./channels.ts";
import { encodeInput, INPUT_CHANNEL_LABEL, Op } from "../protocol/input.ts";
import { RecordingSink } from "../../test/fixtures/recording_sink.ts";

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
  assert.deepEqual(channels.totals(), { accepted: 2, rejected: 1 });
  channels.close();
});

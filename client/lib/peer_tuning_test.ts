import assert from "node:assert/strict";
import { fakeTime } from "../../test/fixtures/fake_time.ts";
import { watchIceRoute } from "./peer_tuning.ts";

class FakePeer extends EventTarget {
  iceConnectionState: RTCIceConnectionState = "new";
  iceGatheringState: RTCIceGatheringState = "new";
  candidate(text: string | null) {
    this.dispatchEvent(
      Object.assign(new Event("icecandidate"), { candidate: { candidate: text } }),
    );
  }
  gathered() {
    this.iceGatheringState = "complete";
    this.dispatchEvent(new Event("icegatheringstatechange"));
  }
}

Deno.test("watchIceRoute() reports at once when gathering ends with no candidate at all", () => {
  const pc = new FakePeer();
  let reports = 0;
  const stop = watchIceRoute(pc, { timeoutMs: 20_000, onNoRoute: () => reports++ });
  pc.candidate("");
  pc.gathered();
  assert.equal(reports, 1);
  stop();
});

Deno.test("watchIceRoute() reports a connection that is not up in time, once, and not a quick one", () => {
  using time = fakeTime();
  const slow = new FakePeer();
  const quick = new FakePeer();
  let reports = 0;
  const stopSlow = watchIceRoute(slow, { timeoutMs: 20_000, onNoRoute: () => reports++ });
  const stopQuick = watchIceRoute(quick, { timeoutMs: 20_000, onNoRoute: () => reports += 10 });
  slow.candidate("candidate:1 1 udp 1 127.0.0.1 5000 typ host");
  slow.gathered();
  quick.iceConnectionState = "connected";
  time.tick(19_999);
  assert.equal(reports, 0);
  time.tick(1);
  assert.equal(reports, 1);
  slow.gathered();
  assert.equal(reports, 1);
  stopSlow();
  stopQuick();
});

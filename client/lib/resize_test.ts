import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import type { DesktopClientMessage } from "../../lib/protocol/desktop.ts";
import { REPORT_INTERVAL_MS, SizeReporter } from "./resize.ts";

Deno.test("SizeReporter sends the first size at once, then the newest every 150 ms at most", async () => {
  const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  try {
    const sent: DesktopClientMessage[] = [];
    const reporter = new SizeReporter((m) => sent.push(m));
    reporter.report({ width: 1280.4, height: 719.6, dpr: 1 });
    assert.deepEqual(sent, [{ type: "resize", width: 1280, height: 720, dpr: 1 }]);
    // A drag: a change every 16 ms for 300 ms.
    for (let i = 1; i <= 18; i++) {
      clock.tick(16);
      reporter.report({ width: 1280 + i, height: 720, dpr: 1 });
    }
    await clock.tickAsync(REPORT_INTERVAL_MS);
    assert.ok(sent.length <= 4, `${sent.length} reports`);
    assert.deepEqual(sent.at(-1), { type: "resize", width: 1298, height: 720, dpr: 1 });
    // The same size again is not sent; forced, it is.
    reporter.report({ width: 1298, height: 720, dpr: 1 });
    await clock.tickAsync(1000);
    const count = sent.length;
    reporter.report({ width: 1298, height: 720, dpr: 1 }, { force: true });
    assert.equal(sent.length, count + 1);
    reporter.stop();
  } finally {
    clock.uninstall();
  }
});

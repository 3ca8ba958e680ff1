/**
 * The helper's log reaches the server's log with its fields: a real helper
 * process (real GStreamer, test-pattern source) writes JSON records on
 * stderr, and HelperProcess turns them into LogTape records; GStreamer's own
 * stderr lines become warnings.
 */

import assert from "node:assert/strict";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import { HelperProcess } from "../lib/helper_process.ts";
import type { FromHelper } from "../lib/protocol/helper.ts";
import { TEST_START } from "./fixtures.ts";
import { waitFor } from "./_harness.ts";

Deno.test("HelperProcess logs the helper's records with their fields, and other stderr as warnings", async () => {
  const records: LogRecord[] = [];
  await configure({
    reset: true,
    sinks: { memory: (record) => records.push(record) },
    loggers: [
      { category: ["skerry", "helper"], lowestLevel: "debug", sinks: ["memory"] },
      { category: ["logtape", "meta"], lowestLevel: "error", sinks: [] },
    ],
  });
  const messages: FromHelper[] = [];
  // GST_DEBUG: GStreamer prints its own (non-JSON) lines on the same stderr.
  const helper = HelperProcess.spawn({
    onMessage: (m) => messages.push(m),
    env: { GST_DEBUG: "GST_INIT:4", GST_DEBUG_NO_COLOR: "1" },
  });
  try {
    helper.send({ ...TEST_START, iceAddresses: ["not-an-address"] });
    await waitFor("ready", () => messages.some((m) => m.type === "ready"));
    helper.send({ type: "peer-add", peer: "p1" });
    const refused = await waitFor(
      "the refused ICE address in the log",
      () => records.find((r) => r.properties.address === "not-an-address"),
    );
    assert.equal(refused.level, "warning");
    assert.deepEqual(refused.rawMessage, "Helper {pid}: Cannot add ICE address {address}");
    assert.deepEqual(refused.properties, {
      peer: "p1",
      address: "not-an-address",
      pid: helper.pid,
    });
    const gstreamer = records.find((r) => String(r.properties.text ?? "").includes("GST_INIT"));
    assert.ok(gstreamer, "no GStreamer line in the log");
    assert.equal(gstreamer.level, "warning");
    assert.equal(gstreamer.properties.pid, helper.pid);
  } finally {
    await helper.stop();
    await reset();
  }
});

import assert from "node:assert/strict";
import { formatHelperLog, parseHelperLog } from "./helper_log.ts";

Deno.test("formatHelperLog() writes one JSON object, fields first, that parseHelperLog() reads back", () => {
  const record = {
    level: "warning" as const,
    msg: "ICE for unknown peer {peer}",
    fields: { peer: "p1", mline: 0 },
  };
  const line = formatHelperLog(record);
  assert.equal(
    line,
    '{"peer":"p1","mline":0,"level":"warning","msg":"ICE for unknown peer {peer}"}',
  );
  assert.deepEqual(parseHelperLog(line), record);
});

Deno.test("formatHelperLog() never lets a field replace the level or the message", () => {
  const line = formatHelperLog({ level: "error", msg: "m", fields: { level: "debug", msg: "x" } });
  assert.deepEqual(parseHelperLog(line), { level: "error", msg: "m", fields: {} });
});

Deno.test("parseHelperLog() returns null for GStreamer output and malformed records", () => {
  for (
    const line of [
      "",
      "(deno:123): GStreamer-WARNING **: 12:00:00.000: something",
      "0:00:01.2 12345 0x55 WARN webrtcbin gstwebrtcbin.c:100:_func: text",
      "{not json",
      "[1,2]",
      '{"level":"loud","msg":"x"}',
      '{"level":"info"}',
      '{"level":"info","msg":3}',
      `{"level":"info","msg":"${"x".repeat(9000)}"}`,
    ]
  ) {
    assert.equal(parseHelperLog(line), null, line.slice(0, 60));
  }
});

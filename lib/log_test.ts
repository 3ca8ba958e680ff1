import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { jsonLine } from "./log.ts";

/** A record as LogTape makes it for `log.info(template, properties)`. */
function record(
  message: unknown[],
  properties: Record<string, unknown>,
  overrides: Partial<LogRecord> = {},
): LogRecord {
  return {
    category: ["skerry", "session"],
    level: "info",
    message,
    rawMessage: "",
    timestamp: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
    properties,
    ...overrides,
  };
}

Deno.test("jsonLine() writes time, level, category, message and fields as one JSON line", () => {
  const line = jsonLine(
    record(["Helper ", 4242, " exited with ", "SIGTERM", ""], {
      pid: 4242,
      signal: "SIGTERM",
      restarts: 0,
    }),
  );
  assert.equal(
    line,
    '{"time":"2026-01-02T03:04:05.678Z","level":"info","category":"skerry.session",' +
      '"message":"Helper 4242 exited with SIGTERM",' +
      '"fields":{"pid":4242,"signal":"SIGTERM","restarts":0}}\n',
  );
});

Deno.test("jsonLine() keeps multi-line text on one line, errors by name and message, bigints as text", () => {
  const error = new RangeError("bad\nvalue");
  const line = jsonLine(
    record(['GStreamer said "', "a\nb", '": ', error, ""], { error, bytes: 2n ** 64n }, {
      level: "warning",
    }),
  );
  assert.equal(line.indexOf("\n"), line.length - 1);
  assert.deepEqual(JSON.parse(line), {
    time: "2026-01-02T03:04:05.678Z",
    level: "warning",
    category: "skerry.session",
    message: 'GStreamer said "a\nb": bad\nvalue',
    fields: { error: { name: "RangeError", message: "bad\nvalue" }, bytes: "18446744073709551616" },
  });
});

Deno.test("jsonLine() writes objects in the message as JSON and a cyclic field as text", () => {
  const cyclic: Record<string, unknown> = { name: "loop" };
  cyclic.self = cyclic;
  const line = jsonLine(record(["Viewer ", { id: "a1" }, " left"], { cyclic, id: "a1" }));
  assert.deepEqual(JSON.parse(line), {
    time: "2026-01-02T03:04:05.678Z",
    level: "info",
    category: "skerry.session",
    message: 'Viewer {"id":"a1"} left',
    fields: { cyclic: "[object Object]", id: "a1" },
  });
});

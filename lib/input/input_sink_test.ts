import assert from "node:assert/strict";
import { NullInputSink } from "./input_sink.ts";
import { InputHandler } from "./input_handler.ts";
import { encodeInput, Op } from "../protocol/input.ts";

Deno.test("NullInputSink takes everything a viewer sends and reports the size it was given", () => {
  const sink = new NullInputSink({ width: 1920, height: 1080 });
  const handler = new InputHandler(sink);
  handler.handle(encodeInput({ op: Op.KeyDown, keysym: 0x61 }));
  handler.handle(encodeInput({ op: Op.Move, x: 1, y: 1, width: 2, height: 2 }));
  handler.handle(encodeInput({ op: Op.Text, text: "view only" }));
  assert.deepEqual(
    [handler.stats.received, handler.stats.accepted, handler.stats.rejected],
    [3, 3, 0],
  );
  assert.deepEqual(sink.screenSize(), { width: 1920, height: 1080 });
  assert.deepEqual(new NullInputSink().screenSize(), { width: 1, height: 1 });
  handler.close();
  sink.close();
});

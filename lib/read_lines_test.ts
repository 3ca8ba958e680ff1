import assert from "node:assert/strict";
import { readLines } from "./read_lines.ts";

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const bytes = chunks.map((c) => new TextEncoder().encode(c));
  return ReadableStream.from(bytes);
}

async function collect(stream: ReadableStream<Uint8Array>, max?: number): Promise<string[]> {
  const out: string[] = [];
  for await (const line of readLines(stream, max)) out.push(line);
  return out;
}

Deno.test("readLines() joins lines split across chunks", async () => {
  assert.deepEqual(await collect(streamOf('{"a":', '1}\n{"b"', ":2}\n")), ['{"a":1}', '{"b":2}']);
});

Deno.test("readLines() yields a last line without a newline", async () => {
  assert.deepEqual(await collect(streamOf("one\ntwo")), ["one", "two"]);
});

Deno.test("readLines() keeps empty lines and multi-byte characters", async () => {
  const euro = new TextEncoder().encode("€\n\n");
  const stream = ReadableStream.from([euro.subarray(0, 1), euro.subarray(1)]);
  assert.deepEqual(await collect(stream), ["€", ""]);
});

Deno.test("readLines() cuts an endless line into maxLength pieces", async () => {
  assert.deepEqual(await collect(streamOf("abcdefg"), 3), ["abc", "def", "g"]);
});

import assert from "node:assert/strict";
import { CLIPBOARD_CHUNK_BYTES, ClipboardAssembler, clipboardChunks } from "./desktop.ts";
import { parseClientMessage, parseServerMessage } from "./signalling.ts";

Deno.test("parseClientMessage() reads resize, clipboard and pointer-lock", () => {
  assert.deepEqual(parseClientMessage('{"type":"resize","width":1280,"height":720,"dpr":2}'), {
    type: "resize",
    width: 1280,
    height: 720,
    dpr: 2,
  });
  assert.deepEqual(
    parseClientMessage(
      '{"type":"clipboard","mime":"text/plain","size":2,"offset":0,"data":"aGk="}',
    ),
    { type: "clipboard", mime: "text/plain", size: 2, offset: 0, data: "aGk=" },
  );
  assert.deepEqual(parseClientMessage('{"type":"pointer-lock","locked":true}'), {
    type: "pointer-lock",
    locked: true,
  });
});

Deno.test("parseClientMessage() names what is wrong with a desktop message", () => {
  const cases: [string, RegExp][] = [
    ['{"type":"resize","width":0,"height":720,"dpr":1}', /"width" must be an integer 1-16384/],
    ['{"type":"resize","width":10,"height":720,"dpr":99}', /"dpr" must be a number 0.25-8/],
    [
      '{"type":"clipboard","mime":"text/html","size":1,"offset":0,"data":""}',
      /"mime" must be one of text\/plain, image\/png/,
    ],
    [
      '{"type":"clipboard","mime":"text/plain","size":1,"offset":2,"data":""}',
      /"offset" must be an integer 0-1/,
    ],
    [
      '{"type":"clipboard","mime":"text/plain","size":1,"offset":0,"data":"%%%"}',
      /"data" must be base64/,
    ],
    ['{"type":"pointer-lock","locked":"yes"}', /"locked" must be a boolean/],
  ];
  for (const [text, error] of cases) assert.throws(() => parseClientMessage(text), error);
});

Deno.test("parseServerMessage() reads desktop, cursor and notice", () => {
  const desktop = {
    type: "desktop",
    resize: "fixed",
    hidpi: false,
    clipboard: "to-browser",
    clipboardMaxBytes: 1024,
    cursors: true,
  };
  assert.deepEqual(parseServerMessage(JSON.stringify(desktop)), desktop);
  const image = { png: "iVBO", width: 16, height: 24, hotX: 3, hotY: 4 };
  assert.deepEqual(parseServerMessage(JSON.stringify({ type: "cursor", serial: 9, image })), {
    type: "cursor",
    serial: 9,
    image,
  });
  assert.deepEqual(parseServerMessage('{"type":"cursor","serial":9}'), {
    type: "cursor",
    serial: 9,
  });
  assert.throws(
    () =>
      parseServerMessage(
        JSON.stringify({ type: "cursor", serial: 1, image: { ...image, width: 500 } }),
      ),
    /"width" must be an integer 1-128/,
  );
});

Deno.test("clipboardChunks() and ClipboardAssembler round-trip a copy", () => {
  const bytes = Uint8Array.from({ length: CLIPBOARD_CHUNK_BYTES * 2 + 5 }, (_, i) => i & 0xff);
  const chunks = clipboardChunks("image/png", bytes);
  assert.deepEqual(chunks.map((c) => c.offset), [
    0,
    CLIPBOARD_CHUNK_BYTES,
    CLIPBOARD_CHUNK_BYTES * 2,
  ]);
  // Every chunk fits a signalling frame.
  for (const c of chunks) assert.ok(JSON.stringify(c).length < 64 * 1024);
  const assembler = new ClipboardAssembler(1 << 20);
  assert.equal(assembler.push(chunks[0]!), undefined);
  assert.equal(assembler.push(chunks[1]!), undefined);
  assert.deepEqual(assembler.push(chunks[2]!), { mime: "image/png", bytes });
  // An empty copy is one chunk.
  assert.deepEqual(assembler.push(clipboardChunks("text/plain", new Uint8Array())[0]!), {
    mime: "text/plain",
    bytes: new Uint8Array(),
  });
});

Deno.test("ClipboardAssembler refuses a copy over its limit and drops chunks out of order", () => {
  const assembler = new ClipboardAssembler(10);
  const big = clipboardChunks("text/plain", new Uint8Array(11));
  assert.equal(assembler.push(big[0]!), "too-big");
  const chunks = clipboardChunks("text/plain", new Uint8Array(CLIPBOARD_CHUNK_BYTES + 1));
  const small = new ClipboardAssembler(1 << 20);
  assert.equal(small.push(chunks[1]!), "dropped");
  assert.equal(small.push(chunks[0]!), undefined);
  assert.deepEqual(small.push(chunks[1]!), {
    mime: "text/plain",
    bytes: new Uint8Array(CLIPBOARD_CHUNK_BYTES + 1),
  });
});

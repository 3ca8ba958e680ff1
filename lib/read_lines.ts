/**
 * Splits a byte stream into text lines.
 *
 * @module
 */

/**
 * Yields each `\n`-terminated line of `stream` as UTF-8 text, without the
 * terminator (a trailing `\r` is kept). A last line without `\n` is yielded at
 * the end. A line longer than `maxLength` characters is cut into pieces of
 * `maxLength`, so a peer that never sends `\n` cannot grow memory without bound.
 */
export async function* readLines(
  stream: ReadableStream<Uint8Array>,
  maxLength = 1 << 20,
): AsyncGenerator<string> {
  let pending = "";
  for await (
    const chunk of stream.pipeThrough(
      new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>,
    )
  ) {
    pending += chunk;
    let start = 0;
    let end: number;
    while ((end = pending.indexOf("\n", start)) !== -1) {
      yield pending.slice(start, end);
      start = end + 1;
    }
    pending = pending.slice(start);
    while (pending.length > maxLength) {
      yield pending.slice(0, maxLength);
      pending = pending.slice(maxLength);
    }
  }
  if (pending.length > 0) yield pending;
}

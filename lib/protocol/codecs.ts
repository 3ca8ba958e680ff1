/**
 * What a browser says it decodes, in its `hello` (docs/PROTOCOL.md,
 * "Codecs"): the video entries of `RTCRtpReceiver.getCapabilities("video")`,
 * less the repair formats (rtx, red, ulpfec, flexfec). Shared by the client,
 * which builds the list, and the server, which parses it.
 *
 * @module
 */

/** One codec the browser decodes, as `getCapabilities()` lists it. */
export interface DecodableCodec {
  /** E.g. `"video/H264"`, `"video/VP8"`. */
  mimeType: string;
  /** The format parameters, e.g. `"packetization-mode=1;profile-level-id=42e01f"`. */
  sdpFmtpLine?: string;
}

/** Most entries a `hello` may carry: Chromium lists 16 video codecs today. */
export const MAX_DECODABLE_CODECS = 64;
/** Longest `mimeType` accepted, in characters. */
const MAX_MIME = 64;
/** Longest `sdpFmtpLine` accepted, in characters. */
const MAX_FMTP = 512;

/** Formats that only repair or protect another codec's stream: not worth reporting. */
const REPAIR_FORMATS = /^video\/(rtx|red|ulpfec|flexfec(-\d+)?)$/i;

/**
 * The decodable video codecs out of `getCapabilities("video").codecs`: the
 * repair formats dropped, duplicates dropped, at most
 * {@linkcode MAX_DECODABLE_CODECS}.
 */
export function decodableCodecs(
  capabilities: readonly { mimeType: string; sdpFmtpLine?: string }[],
): DecodableCodec[] {
  const out: DecodableCodec[] = [];
  const seen = new Set<string>();
  for (const { mimeType, sdpFmtpLine } of capabilities) {
    if (REPAIR_FORMATS.test(mimeType) || mimeType.length > MAX_MIME) continue;
    const fmtp = sdpFmtpLine && sdpFmtpLine.length <= MAX_FMTP ? sdpFmtpLine : undefined;
    const key = `${mimeType} ${fmtp ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(fmtp === undefined ? { mimeType } : { mimeType, sdpFmtpLine: fmtp });
    if (out.length === MAX_DECODABLE_CODECS) break;
  }
  return out;
}

/** Parses a `codecs` field; throws `RangeError` saying what is wrong. */
export function parseDecodableCodecs(value: unknown, type = "hello"): DecodableCodec[] {
  const bad = (why: string) => new RangeError(`Cannot parse "${type}" message: "codecs" ${why}`);
  if (!Array.isArray(value)) throw bad("must be an array");
  if (value.length > MAX_DECODABLE_CODECS) {
    throw bad(`has more than ${MAX_DECODABLE_CODECS} entries`);
  }
  return value.map((entry) => {
    if (typeof entry !== "object" || entry === null) throw bad("must hold objects");
    const { mimeType, sdpFmtpLine } = entry as Record<string, unknown>;
    if (typeof mimeType !== "string" || mimeType.length > MAX_MIME) {
      throw bad(`entries need a "mimeType" of at most ${MAX_MIME} characters`);
    }
    if (sdpFmtpLine === undefined) return { mimeType };
    if (typeof sdpFmtpLine !== "string" || sdpFmtpLine.length > MAX_FMTP) {
      throw bad(`entries' "sdpFmtpLine" must be a string of at most ${MAX_FMTP} characters`);
    }
    return { mimeType, sdpFmtpLine };
  });
}

/**
 * What this browser decodes, reported in `hello` so the server picks a codec
 * it can play (docs/PROTOCOL.md, "Codecs"), and the words for a failure the
 * browser itself raises while setting up the stream.
 *
 * @module
 */

import { type DecodableCodec, decodableCodecs } from "../../lib/protocol/codecs.ts";
import { codecLabel, codecOf, type Encoder } from "../../lib/protocol/encoders.ts";

/** The `RTCRtpReceiver` static this module reads (absent in old browsers). */
interface ReceiverCapabilities {
  getCapabilities?(kind: string): { codecs: { mimeType: string; sdpFmtpLine?: string }[] } | null;
}

/**
 * The video codecs this browser decodes, from
 * `RTCRtpReceiver.getCapabilities("video")`; undefined when the browser
 * cannot say (the server then uses its configured encoder).
 */
export function browserCodecs(
  receiver: ReceiverCapabilities | undefined = globalThis.RTCRtpReceiver,
): DecodableCodec[] | undefined {
  try {
    const capabilities = receiver?.getCapabilities?.("video");
    return capabilities ? decodableCodecs(capabilities.codecs) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A sentence for an error the browser raised while answering the server's
 * offer (a `DOMException` from `setRemoteDescription`, say): the browser's
 * own text is for developers (it is logged to the console), not for users.
 */
export function streamErrorText(encoder: Encoder | undefined): string {
  const format = encoder ? ` (${codecLabel(codecOf(encoder))})` : "";
  return `Your browser could not start the video stream${format}; reload the page, or choose another format in the menu.`;
}

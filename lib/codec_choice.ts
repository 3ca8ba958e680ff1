/**
 * Which encoder a viewer gets: the first of the server's offered encoders
 * (the configured `--encoder`, then `--fallback-encoders` in order, each
 * available on this machine) whose codec the browser decodes, or a viewer's
 * explicit request. Pure: no I/O, decided from the browser's `hello`.
 *
 * @module
 */

import type { DecodableCodec } from "./protocol/codecs.ts";
import { codecLabel, codecOf, type Encoder, type VideoCodec } from "./protocol/encoders.ts";

/** The outcome of {@linkcode chooseEncoder}. */
export type EncoderChoice =
  | {
    /** The encoder the viewer gets. */
    encoder: Encoder;
    /** Why, for the log. */
    reason: string;
  }
  | {
    encoder: null;
    /** Why, for the log. */
    reason: string;
    /** What the user is told: a sentence without jargon. */
    message: string;
  };

/** What {@linkcode chooseEncoder} decides from. */
export interface ChoiceInput {
  /** What the browser decodes; undefined when it did not say (an older client). */
  decodable: readonly DecodableCodec[] | undefined;
  /** The server's encoders in order of preference, each available here. */
  offered: readonly Encoder[];
  /** An encoder the viewer asked for (`encoder` message). */
  requested?: Encoder;
  /**
   * Encoders available on this machine but not offered, to name one the
   * administrator could enable. Default none.
   */
  installed?: readonly Encoder[];
}

/** Splits an fmtp line (`a=1;b=2`) into its parameters, names in lower case. */
function fmtpParameters(line: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (line ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return out;
}

/**
 * Whether an H.264 `profile-level-id` (6 hex digits) names Constrained
 * Baseline, the profile every Skerry H.264 recipe produces. The rules are
 * RFC 6184's table as browsers apply it: profile_idc 0x42 with
 * constraint_set1, 0x4D with constraint_set0, or 0x58 with constraint_set0
 * and 1; the reserved low bits zero. (Browsers match H.264 by profile, so a
 * decoder listed only as High does not accept a Constrained Baseline offer.)
 */
export function isConstrainedBaseline(profileLevelId: string): boolean {
  if (!/^[0-9a-fA-F]{6}$/.test(profileLevelId)) return false;
  const idc = parseInt(profileLevelId.slice(0, 2), 16);
  const iop = parseInt(profileLevelId.slice(2, 4), 16);
  switch (idc) {
    case 0x42:
      return (iop & 0x4f) === 0x40;
    case 0x4d:
      return (iop & 0x8f) === 0x80;
    case 0x58:
      return (iop & 0xcf) === 0xc0;
    default:
      return false;
  }
}

/**
 * Whether the browser's list holds a decoder for what Skerry sends in
 * `codec`: H.264 Constrained Baseline in packetization mode 1 (fragmented
 * NAL units: rtph264pay splits frames over 1200-byte packets), VP9 and AV1
 * profile 0 (8-bit 4:2:0), any VP8.
 */
export function decodes(decodable: readonly DecodableCodec[], codec: VideoCodec): boolean {
  return decodable.some(({ mimeType, sdpFmtpLine }) => {
    if (mimeType.toLowerCase() !== `video/${codec.toLowerCase()}`) return false;
    const p = fmtpParameters(sdpFmtpLine);
    switch (codec) {
      case "H264":
        // RFC 6184 defaults: packetization-mode 0, profile-level-id 42000a (Baseline).
        return p.get("packetization-mode") === "1" &&
          isConstrainedBaseline(p.get("profile-level-id") ?? "42000a");
      case "VP9":
        return (p.get("profile-id") ?? "0") === "0";
      case "AV1":
        return (p.get("profile") ?? "0") === "0";
      case "VP8":
        return true;
    }
  });
}

/** The offered encoders the browser decodes, in order (all of them when it did not say). */
export function decodableEncoders(
  decodable: readonly DecodableCodec[] | undefined,
  offered: readonly Encoder[],
): Encoder[] {
  return offered.filter((e) => decodable === undefined || decodes(decodable, codecOf(e)));
}

/** "H.264, VP8": the distinct codecs of `encoders`, as people name them. */
function codecList(encoders: readonly Encoder[]): string {
  return [...new Set(encoders.map((e) => codecLabel(codecOf(e))))].join(", ");
}

/**
 * Picks a viewer's encoder: its request when offered and decodable, else the
 * first offered encoder its browser decodes. With none, says so in a
 * sentence for the user that names what the server offers and, when the
 * machine has an encoder the browser would decode, which one to enable.
 */
export function chooseEncoder(input: ChoiceInput): EncoderChoice {
  const { decodable, offered, requested } = input;
  const first = offered[0];
  if (first === undefined) {
    return {
      encoder: null,
      reason: "no encoder is offered",
      message:
        "This server has no video encoder available; ask the administrator to check its log.",
    };
  }
  const usable = decodableEncoders(decodable, offered);
  if (requested !== undefined && usable.includes(requested)) {
    return { encoder: requested, reason: `the viewer asked for ${requested}` };
  }
  const chosen = usable[0];
  if (chosen === undefined) {
    const hint = (input.installed ?? []).find((e) =>
      decodable !== undefined && decodes(decodable, codecOf(e))
    );
    return {
      encoder: null,
      reason: `the browser decodes none of ${codecList(offered)} (${offered.join(", ")})${
        hint ? `; ${hint} is installed but not offered (--fallback-encoders)` : ""
      }`,
      message: `Your browser cannot decode any video format this server offers (${
        codecList(offered)
      }); try Chrome${
        hint ? `, or ask the administrator to enable ${codecLabel(codecOf(hint))}` : ""
      }.`,
    };
  }
  const prefix = requested === undefined
    ? ""
    : `${requested} was asked for but is not ${
      offered.includes(requested) ? "decoded by the browser" : "offered"
    }; `;
  if (decodable === undefined) {
    return {
      encoder: chosen,
      reason: `${prefix}the browser did not say what it decodes: ${chosen}, the first offered`,
    };
  }
  if (chosen === first) {
    return {
      encoder: chosen,
      reason: `${prefix}the browser decodes ${
        codecLabel(codecOf(chosen))
      }: ${chosen}, the first offered`,
    };
  }
  const skipped = offered.slice(0, offered.indexOf(chosen));
  return {
    encoder: chosen,
    reason: `${prefix}the browser does not decode ${codecList(skipped)} (${
      skipped.join(", ")
    }): ${chosen} is the next offered`,
  };
}

/**
 * The video encoders Skerry can build a pipeline for, the codec each one
 * produces, and the order they are tried in. Pure data shared by the option
 * table (`--encoder`, `--fallback-encoders`), the pipeline recipes, the
 * server's codec choice and the client's encoder menu.
 *
 * @module
 */

/** The codec an encoder produces, as named in SDP (`a=rtpmap:96 VP8/90000`). */
export type VideoCodec = "H264" | "VP8" | "VP9" | "AV1";

/** The codec of every encoder, in the order `--help` lists them. */
const CODEC_OF = {
  x264enc: "H264",
  openh264enc: "H264",
  vp8enc: "VP8",
  vp9enc: "VP9",
  av1enc: "AV1",
  nvh264enc: "H264",
} as const satisfies Record<string, VideoCodec>;

/** One encoder element name (an `--encoder` value). */
export type Encoder = keyof typeof CODEC_OF;

/** Encoders Skerry can build a pipeline for (the `--encoder` values). */
export const ENCODERS = Object.keys(CODEC_OF) as readonly Encoder[];

/**
 * The encoders tried, in this order, for a browser that cannot decode the
 * configured one (`--fallback-encoders` default). Quality per CPU on a
 * 2-core machine at 1280x720 and 1920x1080 (`deno task bench`, table in
 * docs/CODECS.md): x264 gives the best picture for the least CPU; VP8 is
 * next and is decoded by every browser (Firefox without its OpenH264
 * download included); OpenH264 costs more CPU than x264 for a softer
 * picture; VP9 compresses better but costs about twice VP8's CPU. AV1 is
 * left out: GStreamer 1.22 has no AV1 RTP payloader, and where one exists
 * libaom is the costliest encoder (choose it with `--encoder=av1enc`).
 * nvh264enc needs an NVIDIA GPU and is never a fallback.
 */
export const DEFAULT_FALLBACK_ENCODERS: readonly Encoder[] = [
  "x264enc",
  "vp8enc",
  "openh264enc",
  "vp9enc",
];

/** How the codec of each encoder is named to people (menus, error messages). */
const CODEC_LABEL: Record<VideoCodec, string> = {
  H264: "H.264",
  VP8: "VP8",
  VP9: "VP9",
  AV1: "AV1",
};

/** The codec `encoder` produces. */
export function codecOf(encoder: Encoder): VideoCodec {
  return CODEC_OF[encoder];
}

/**
 * How the screen is read (the `--capture` values, the default first):
 * `damage`, the helper's own capture when X reports a change (helper/capture/);
 * `ximagesrc`, GStreamer's element, the whole screen every frame;
 * `ximagesrc-damage`, the same element with `use-damage=true` (it still
 * pushes every frame, reading only what changed since the last one).
 */
export const CAPTURE_MODES = ["damage", "ximagesrc", "ximagesrc-damage"] as const;

/** One capture mode. */
export type CaptureMode = typeof CAPTURE_MODES[number];
/** Whether `name` is an encoder Skerry knows. */
export function isEncoder(name: string): name is Encoder {
  return Object.hasOwn(CODEC_OF, name);
}

/** The codec's name for people: `"H.264"`, `"VP8"`. */
export function codecLabel(codec: VideoCodec): string {
  return CODEC_LABEL[codec];
}

/** An encoder's name for people, e.g. `"H.264 (x264)"`, `"VP9"`. */
export function encoderLabel(encoder: Encoder): string {
  const codec = codecLabel(codecOf(encoder));
  switch (encoder) {
    case "x264enc":
      return `${codec} (x264)`;
    case "openh264enc":
      return `${codec} (OpenH264)`;
    case "nvh264enc":
      return `${codec} (NVIDIA)`;
    default:
      return codec;
  }
}

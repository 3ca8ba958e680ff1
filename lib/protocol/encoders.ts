/**
 * The video encoders Skerry can build a pipeline for, and the codec each one
 * produces. Pure data shared by the option table (`--encoder`), the pipeline
 * recipes and, later, a client codec menu.
 *
 * @module
 */

/** The codec an encoder produces, as named in SDP. */
export type VideoCodec = "H264" | "VP8" | "VP9";

/** The codec of every encoder, in the order `--help` lists them. */
const CODEC_OF = {
  x264enc: "H264",
  openh264enc: "H264",
  vp8enc: "VP8",
  vp9enc: "VP9",
  nvh264enc: "H264",
} as const satisfies Record<string, VideoCodec>;

/** One encoder element name (an `--encoder` value). */
export type Encoder = keyof typeof CODEC_OF;

/** Encoders Skerry can build a pipeline for (the `--encoder` values). */
export const ENCODERS = Object.keys(CODEC_OF) as readonly Encoder[];

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

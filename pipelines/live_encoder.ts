/**
 * What changes in a running encode: the capture caps at a new frame rate and
 * each encoder's properties for a new bitrate (helper/encoder_control.ts
 * applies them). Pure.
 *
 * @module
 */

/** Frames-per-second independent VBV/buffer size: `mult` frames' worth, in ms. */
export function bufferMs(framerate: number, keyframeDistance: number): number {
  // One frame and a half with PLI-only keyframes, three frames with periodic
  // ones: enough room for a keyframe without letting the encoder queue latency.
  const frames = keyframeDistance < 0 ? 1.5 : 3;
  return Math.ceil((1000 / framerate) * frames);
}

/** The capture caps at `framerate` frames per second. */
export function captureCaps(framerate: number): string {
  return `video/x-raw,framerate=${framerate}/1`;
}

/**
 * The encoder properties for a live bitrate or frame-rate change, by the
 * encoder's factory name: the bitrate in the encoder's own unit, and the
 * buffer sizes that depend on the frame rate (so one and a half frames stay
 * one and a half frames). Property values are in GStreamer's text form.
 * Every property listed is applied by the encoder while it runs. Empty for
 * an unknown factory.
 */
export function liveEncoderSettings(
  factory: string,
  o: { bitrateKbps: number; framerate: number; keyframeDistance: number },
): Record<string, number> {
  const buffer = bufferMs(o.framerate, o.keyframeDistance);
  switch (factory) {
    case "x264enc":
      return { bitrate: o.bitrateKbps, "vbv-buf-capacity": buffer };
    case "openh264enc":
      return { bitrate: o.bitrateKbps * 1000 };
    case "vp8enc":
    case "vp9enc":
      return {
        "target-bitrate": o.bitrateKbps * 1000,
        "buffer-size": buffer,
        "buffer-initial-size": buffer,
        "buffer-optimal-size": buffer,
      };
    case "nvh264enc":
      return { bitrate: o.bitrateKbps };
    default:
      return {};
  }
}

/**
 * Which encoders the server offers, from the options and the GStreamer
 * elements this machine has: the configured `--encoder` first, then
 * `--fallback-encoders` in order, each only when all its elements exist.
 * Pure: the probe (`skerry helper --probe`) runs in cli.ts.
 *
 * @module
 */

import { type Encoder, ENCODERS } from "./protocol/encoders.ts";
import type { ElementReport } from "./protocol/helper.ts";

/** What the server offers, and what to tell the operator about it. */
export interface EncoderPlan {
  /** Encoders offered to browsers, in order of preference. */
  offered: Encoder[];
  /** Encoders available here but not offered (named to a browser that decodes none offered). */
  installed: Encoder[];
  /** One line each, for the log: a configured or listed encoder that cannot run here. */
  warnings: string[];
}

/** The options the plan is made from. */
export interface EncoderOptions {
  /** `--encoder`. */
  encoder: Encoder;
  /** `--fallback-encoders`, in order. */
  fallbackEncoders: readonly Encoder[];
}

/**
 * Plans the offered encoders. Throws an `Error` naming the missing elements
 * and their Debian packages when none can run.
 */
export function planEncoders(
  options: EncoderOptions,
  report: ElementReport,
  { required, packages }: {
    /** The elements an encoder's pipeline needs (pipelines/video.ts `requiredElements`). */
    required: (encoder: Encoder) => string[];
    /** The Debian package of each element, for the error. */
    packages: Readonly<Record<string, string>>;
  },
): EncoderPlan {
  const have = new Set(report.available);
  const missing = (e: Encoder) => required(e).filter((element) => !have.has(element));
  const candidates = [...new Set([options.encoder, ...options.fallbackEncoders])];
  const offered = candidates.filter((e) => missing(e).length === 0);
  const warnings: string[] = [];
  const first = offered[0];
  if (first === undefined) {
    const hints = missing(options.encoder).map((e) => `${e} (${packages[e] ?? "?"})`).join(", ");
    throw new Error(`GStreamer elements missing for --encoder=${options.encoder}: ${hints}`);
  }
  for (const e of candidates.filter((e) => !offered.includes(e))) {
    const absent = missing(e).join(", ");
    warnings.push(
      e === options.encoder
        ? `${e} is not usable here (missing ${absent}); falling back to ${first}`
        : `${e} is not usable here (missing ${absent}); it is not offered`,
    );
  }
  return {
    offered,
    installed: ENCODERS.filter((e) => !offered.includes(e) && missing(e).length === 0),
    warnings,
  };
}

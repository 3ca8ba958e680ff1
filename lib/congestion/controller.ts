/**
 * A congestion controller for one viewer: fed a few times a second with what
 * the network did (loss, delay trend, receive rate, round-trip time), it
 * gives the video bitrate that viewer's path can carry and, under heavy loss,
 * a lower frame rate. Pure: no clock, no timer, no I/O; time comes with each
 * sample, so tests drive it with synthetic reports.
 *
 * GStreamer 1.22 has no `rtpgccbwe`, so this follows Google Congestion
 * Control's shape (draft-ietf-rmcat-gcc) with what webrtcbin 1.22 reports:
 *
 * - **Delay-based part.** Transport-wide feedback gives, per packet, how much
 *   later it arrived than its predecessor compared with how much later it was
 *   sent (delta of deltas). Their sum over time is how fast a queue on the
 *   path grows: {@linkcode CongestionSample.delayTrendMsPerS}. A queue that
 *   keeps growing means the path is over its capacity *before* it loses
 *   anything. One 300 ms window's figure is noisy (it is the difference of two
 *   packets' jitter over 0.3 s), so it is smoothed, and only a trend that
 *   stays over 40 ms/s for half a second counts.
 * - **Loss-based part.** Over 10 % loss: over capacity; 2-10 %: hold; under
 *   2 %: room to grow (GCC's thresholds). Loss is counted in packets over a
 *   half-life of half a second and judged only over 20 packets or more: at
 *   15 frames a second one lost packet in a 300 ms window is already 10 %.
 * - **AIMD on the result.** Overuse cuts the target to 85 % of what the
 *   viewer actually received (the path's measured capacity), at most once per
 *   round trip plus the feedback window, so a cut shows in the reports before
 *   the next. Otherwise the target grows: 8 % a second while far from the last
 *   capacity seen, then additively near it (one packet per round trip plus
 *   100 ms, at least 40 kbit/s a second), so it probes gently where it failed.
 *   It never grows past 1.5 times what the stream really uses (a still
 *   desktop sends little; its target must not climb blind), nor past the
 *   ceiling (`--video-bitrate`, or the viewer's live choice).
 * - **Frame rate.** Heavy loss (over 15 % for a second) halves the frame rate
 *   (down to a quarter, at least 5 fps, one step per 2 s): fewer, better
 *   frames at the same bitrate, and fewer frames for each loss to break. Five
 *   clean seconds step it back up.
 *
 * @module
 */

/** What the network did since the previous sample. Unknown fields are left out. */
export interface CongestionSample {
  /** When, in ms on any monotonic clock. */
  at: number;
  /** Share of packets lost on the path (before retransmission), 0-1. */
  loss?: number;
  /** How many packets {@linkcode loss} covers; unknown: taken as plenty. */
  lossPackets?: number;
  /** Growth of the path's queueing delay, in ms per second (negative: a queue drains). */
  delayTrendMsPerS?: number;
  /** What the viewer received, in bits per second. */
  receiveBps?: number;
  /** What was sent to the viewer, in bits per second. */
  sendBps?: number;
  /** Round-trip time, in ms. */
  rttMs?: number;
}

/** Limits of {@linkcode CongestionController}. */
export interface ControllerLimits {
  /** The ceiling, in bits per second. */
  maxBps: number;
  /** The frame rate without heavy loss, in frames per second. */
  maxFramerate: number;
}

/** Options of {@linkcode CongestionController}. */
export interface ControllerOptions extends ControllerLimits {
  /** The floor, in bits per second. Default {@linkcode MIN_BPS} (or `maxBps` if lower). */
  minBps?: number;
  /** The first target, in bits per second. Default `maxBps`: a LAN needs no slow start. */
  startBps?: number;
}

/** What the network looks like, from the last samples. */
export type Signal = "overuse" | "hold" | "normal" | "unknown";

/** The controller's output. */
export interface ControllerState {
  /** The bitrate this viewer's path can carry now, in bits per second. */
  targetBps: number;
  /** The frame rate for this viewer, in frames per second. */
  framerate: number;
  /** How the last sample was read. */
  signal: Signal;
}

/** Lowest target, in bits per second: below this a desktop is unreadable at any frame rate. */
export const MIN_BPS = 150_000;
/** Loss above which the path is over capacity (GCC). */
export const LOSS_HIGH = 0.1;
/** Loss below which the target may grow (GCC). */
export const LOSS_LOW = 0.02;
/** Loss that, sustained, lowers the frame rate. */
export const LOSS_HEAVY = 0.15;
/**
 * Queue growth that means overuse, in ms per second (smoothed). Loopback and
 * LAN jitter averages out below it; a link 10 % over its capacity grows its
 * queue by about 100 ms a second.
 */
export const OVERUSE_TREND_MS_PER_S = 40;
/** How long the smoothed trend must stay over the threshold, in ms (a noisy window is not a queue). */
const OVERUSE_MS = 500;
/** Weight of a new trend figure in the smoothed trend. */
const TREND_WEIGHT = 0.5;
/** Half-life of the loss count, in ms. */
const LOSS_HALF_LIFE_MS = 500;
/** Fewest packets a loss figure is judged on. */
const MIN_LOSS_PACKETS = 20;
/** Packets assumed behind a loss figure that does not say (a receiver report covers a second). */
const DEFAULT_LOSS_PACKETS = 50;
/** The cut: to this share of what was received. */
const BETA = 0.85;
/** Feedback window of the delay and loss figures (webrtcbin's TWCC window), in ms. */
const FEEDBACK_WINDOW_MS = 300;
/** Multiplicative growth per second far from the last capacity seen. */
const GROWTH_PER_S = 1.08;
/** Least additive growth near the last capacity, in bits per second each second. */
const MIN_ADDITIVE_BPS_PER_S = 40_000;
/** Bits of one video packet (1200-byte MTU), the unit of additive growth. */
const PACKET_BITS = 1200 * 8;
/** How far above the last capacity growth stays additive. */
const NEAR_CAPACITY = 1.2;
/** Growth stops at this multiple of what the stream really uses. */
const APP_LIMIT = 1.5;
/** Longest time one sample may account for, in ms (a gap in reports must not grow the target in one jump). */
const MAX_STEP_MS = 1000;
/** Heavy loss must last this long before the frame rate drops, in ms. */
const HEAVY_LOSS_MS = 1000;
/** Least time between two frame-rate drops, in ms (each restarts the encoder: a keyframe). */
const STEP_DOWN_MS = 2000;
/** Clean time before the frame rate steps back up, in ms. */
const CLEAN_MS = 5000;
/** Fewest frames per second the controller asks for. */
const MIN_FRAMERATE = 5;
/** Frame-rate steps, as shares of the full rate. */
const FRAMERATE_STEPS = [1, 0.5, 0.25] as const;

/** One viewer's congestion controller; see the module documentation. */
export class CongestionController {
  #limits: ControllerLimits;
  readonly #minBps: number;
  #target: number;
  /** Receive rate at the last overuse: the path's capacity as last seen, bits/s. */
  #capacity: number | undefined;
  #lastAt: number | undefined;
  #lastCutAt = -Infinity;
  /** Packets lost and counted, decayed by {@linkcode LOSS_HALF_LIFE_MS}. */
  #lost = 0;
  #counted = 0;
  /** The smoothed delay trend, ms/s. */
  #trend: number | undefined;
  /** Since when the smoothed trend is over the threshold. */
  #overuseSince: number | undefined;
  #step = 0;
  #heavySince: number | undefined;
  #cleanSince: number | undefined;
  #lastStepAt = -Infinity;
  #signal: Signal = "unknown";

  constructor(options: ControllerOptions) {
    this.#limits = { maxBps: options.maxBps, maxFramerate: options.maxFramerate };
    this.#minBps = Math.min(options.minBps ?? MIN_BPS, options.maxBps);
    this.#target = clamp(options.startBps ?? options.maxBps, this.#minBps, options.maxBps);
  }

  /** The current output. */
  get state(): ControllerState {
    return { targetBps: this.#target, framerate: this.#framerate(), signal: this.#signal };
  }

  /**
   * New limits (a viewer chose a bitrate or frame rate live). A new ceiling
   * becomes the target at once, up or down: the viewer asked for that
   * bitrate, and if the path cannot carry it the next reports say so.
   */
  setLimits(limits: ControllerLimits): void {
    const bitrateChanged = limits.maxBps !== this.#limits.maxBps;
    this.#limits = { ...limits };
    if (bitrateChanged) {
      this.#target = clamp(limits.maxBps, Math.min(this.#minBps, limits.maxBps), limits.maxBps);
      this.#capacity = undefined;
    }
  }

  /** Takes one sample and returns the new output. */
  update(sample: CongestionSample): ControllerState {
    const dt = this.#lastAt === undefined ? 0 : clamp(sample.at - this.#lastAt, 0, MAX_STEP_MS);
    this.#lastAt = sample.at;
    const loss = this.#countLoss(sample, dt);
    const trend = this.#smoothTrend(sample);
    this.#signal = this.#read(sample.at, loss, trend);
    switch (this.#signal) {
      case "overuse":
        this.#cut(sample, loss);
        break;
      case "normal":
        this.#grow(sample, dt);
        break;
      case "hold":
      case "unknown":
        break;
    }
    this.#adaptFramerate(sample.at, loss);
    return this.state;
  }

  /** The loss over the last packets, when this sample brought a figure and enough packets back it. */
  #countLoss(sample: CongestionSample, dt: number): number | undefined {
    if (sample.loss === undefined) return undefined;
    const packets = sample.lossPackets ?? DEFAULT_LOSS_PACKETS;
    const decay = 0.5 ** (dt / LOSS_HALF_LIFE_MS);
    this.#lost = this.#lost * decay + sample.loss * packets;
    this.#counted = this.#counted * decay + packets;
    return this.#counted >= MIN_LOSS_PACKETS ? this.#lost / this.#counted : undefined;
  }

  #smoothTrend(sample: CongestionSample): number | undefined {
    const figure = sample.delayTrendMsPerS;
    if (figure === undefined) return undefined;
    this.#trend = this.#trend === undefined
      ? figure
      : this.#trend + TREND_WEIGHT * (figure - this.#trend);
    if (this.#trend > OVERUSE_TREND_MS_PER_S) this.#overuseSince ??= sample.at;
    else this.#overuseSince = undefined;
    return this.#trend;
  }

  #read(at: number, loss: number | undefined, trend: number | undefined): Signal {
    const queueGrows = this.#overuseSince !== undefined && at - this.#overuseSince >= OVERUSE_MS;
    if ((loss !== undefined && loss > LOSS_HIGH) || queueGrows) return "overuse";
    if (loss === undefined && trend === undefined) return "unknown";
    // Loss between the thresholds, a queue that may be growing or one draining: wait and see.
    if (loss !== undefined && loss >= LOSS_LOW) return "hold";
    if (trend !== undefined && Math.abs(trend) > OVERUSE_TREND_MS_PER_S) return "hold";
    return "normal";
  }

  #cut(sample: CongestionSample, loss: number | undefined): void {
    // One cut per reaction time: the reports after a cut still describe the rate before it.
    const reactionMs = (sample.rttMs ?? 100) + FEEDBACK_WINDOW_MS;
    if (sample.at - this.#lastCutAt < reactionMs) return;
    this.#lastCutAt = sample.at;
    // What comes next is judged afresh.
    this.#lost = this.#counted = 0;
    this.#overuseSince = undefined;
    const received = sample.receiveBps ??
      (sample.sendBps !== undefined ? sample.sendBps * (1 - (loss ?? 0)) : undefined);
    const next = received !== undefined
      ? Math.min(this.#target, BETA * received)
      // Nothing measured: GCC's loss-based cut, half the loss.
      : this.#target * (1 - 0.5 * (loss ?? 0.2));
    this.#capacity = received ?? next;
    this.#target = clamp(next, this.#minBps, this.#limits.maxBps);
  }

  #grow(sample: CongestionSample, dt: number): void {
    if (dt <= 0) return;
    let next: number;
    if (this.#capacity !== undefined && this.#target < NEAR_CAPACITY * this.#capacity) {
      // GCC: one packet per response time (a round trip plus 100 ms).
      const responseMs = (sample.rttMs ?? 100) + 100;
      const perSecond = Math.max(MIN_ADDITIVE_BPS_PER_S, PACKET_BITS * (1000 / responseMs));
      next = this.#target + (perSecond * dt) / 1000;
    } else {
      next = this.#target * GROWTH_PER_S ** (dt / 1000);
    }
    const used = Math.max(sample.receiveBps ?? 0, sample.sendBps ?? 0);
    // Application-limited: a stream using little gives no evidence the path takes more.
    const limit = Math.max(this.#target, APP_LIMIT * used);
    this.#target = clamp(Math.min(next, limit), this.#minBps, this.#limits.maxBps);
    // Well past the old capacity without trouble: the path has changed; forget it.
    if (this.#capacity !== undefined && this.#target > 2 * this.#capacity) {
      this.#capacity = undefined;
    }
  }

  #adaptFramerate(at: number, loss: number | undefined): void {
    if (loss === undefined) return;
    if (loss > LOSS_HEAVY) {
      this.#heavySince ??= at;
      this.#cleanSince = undefined;
    } else {
      this.#heavySince = undefined;
      if (loss < LOSS_LOW) this.#cleanSince ??= at;
      else this.#cleanSince = undefined;
    }
    const last = FRAMERATE_STEPS.length - 1;
    if (
      this.#heavySince !== undefined && at - this.#heavySince >= HEAVY_LOSS_MS &&
      this.#step < last && at - this.#lastStepAt >= STEP_DOWN_MS
    ) {
      this.#step++;
      this.#lastStepAt = at;
      this.#heavySince = at;
    } else if (
      this.#cleanSince !== undefined && at - this.#cleanSince >= CLEAN_MS && this.#step > 0 &&
      at - this.#lastStepAt >= CLEAN_MS
    ) {
      this.#step--;
      this.#lastStepAt = at;
      this.#cleanSince = at;
    }
  }

  #framerate(): number {
    const full = this.#limits.maxFramerate;
    const scaled = Math.round(full * FRAMERATE_STEPS[this.#step]!);
    return Math.min(full, Math.max(MIN_FRAMERATE, scaled));
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/**
 * GStreamer pipeline descriptions for sound: the desktop's audio going to
 * every viewer, and one viewer's microphone coming back.
 *
 * The desktop's sound is one shared chain, `pulsesrc ! opusenc ! rtpopuspay !
 * tee`, added to the session's pipeline beside the video (same clock, so the
 * RTP timestamps of both share one timeline); each viewer gets a small
 * `queue` into the same webrtcbin as its video, a second m-line in the same
 * bundle. The microphone is a recvonly audio m-line whose stream is decoded
 * into a PulseAudio sink whose monitor desktop apps record from. Every knob
 * that trades latency or compatibility says why next to it.
 *
 * @module
 */

import type { HelperAudio, HelperMicrophone } from "../lib/protocol/helper.ts";

/** Name of the bin holding the shared audio chain in the session's pipeline. */
export const AUDIO_BIN = "audio";
/** Name of the tee every viewer's audio branch links to. */
export const AUDIO_TEE = "audiotee";
/** Name of the Opus encoder, for live changes. */
export const AUDIO_ENCODER = "audioenc";
/** Name of the `pulsesrc`. */
export const AUDIO_SOURCE = "audiosrc";
/** Name of the queue in a viewer's audio branch. */
const AUDIO_SEND_QUEUE = "audiosendqueue";
/** Name of the `identity` in the microphone branch whose buffer count is packets received. */
export const MICROPHONE_COUNTER = "miccount";
/** Name of the `volume` in the microphone branch: muted while another viewer holds the microphone. */
export const MICROPHONE_VOLUME = "micvolume";

/**
 * RTP payload type of the desktop's Opus: 111, what Chromium and Firefox use
 * for Opus, so the browser's answer needs no remapping.
 */
export const AUDIO_PAYLOAD_TYPE = 111;
/**
 * RTP payload type of the microphone's Opus. Distinct from
 * {@linkcode AUDIO_PAYLOAD_TYPE}: webrtcbin 1.22 tells the m-lines of one
 * bundle apart by payload type when a packet's SSRC is new.
 */
export const MICROPHONE_PAYLOAD_TYPE = 109;
/** Opus always runs at 48 kHz on the wire (RFC 7587). */
const OPUS_RATE = 48000;
/** RTP MTU, as for video: room for SRTP, TURN and VPN headers on a 1500-byte path. */
const RTP_MTU = 1200;

/**
 * Opus frame duration, in ms. 10 ms rather than Opus' usual 20: each packet
 * leaves 10 ms sooner (the encoder waits for a whole frame) for about 8 kbit/s
 * more RTP/UDP/SRTP header overhead (100 packets/s instead of 50). While the
 * browser lip-syncs with the video the video's delay dominates and both sizes
 * measure within noise (`deno task bench:audio`); `--audio-frame-ms` changes it.
 */
export const OPUS_FRAME_MS = 10;

/** Frame sizes opusenc takes, in ms. */
const OPUS_FRAME_SIZES = [2.5, 5, 10, 20, 40, 60] as const;

/** What the desktop audio chain is built from. */
export interface AudioPipelineOptions {
  /** Opus bitrate, in bit/s (6000-510000). */
  bitrate: number;
  /** Channels sent: 1 or 2; more are mixed down to 2 (browsers play stereo Opus at most). */
  channels: number;
  /** Expected packet loss, in percent; above 0 turns on Opus in-band FEC. */
  packetLossPercent: number;
  /** Opus frame duration, in ms. Default {@linkcode OPUS_FRAME_MS}. */
  frameMs?: number;
  /** PulseAudio source to capture. Default `@DEFAULT_MONITOR@`: the default sink's monitor. */
  device?: string;
}

/** Validates numbers; throws `RangeError` with the option name and value. */
function check(o: AudioPipelineOptions): void {
  const rules: [string, number, number, number][] = [
    ["bitrate", o.bitrate, 6000, 510_000],
    ["channels", o.channels, 1, 8],
    ["packetLossPercent", o.packetLossPercent, 0, 100],
  ];
  for (const [name, value, min, max] of rules) {
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new RangeError(
        `Cannot build audio pipeline: ${name} must be ${min}-${max}, received ${value}`,
      );
    }
  }
  if (o.frameMs !== undefined && !(OPUS_FRAME_SIZES as readonly number[]).includes(o.frameMs)) {
    throw new RangeError(
      `Cannot build audio pipeline: frameMs must be one of ${
        OPUS_FRAME_SIZES.join(", ")
      }, received ${o.frameMs}`,
    );
  }
  if (o.device !== undefined && !/^[@A-Za-z0-9._:-]+$/.test(o.device)) {
    throw new RangeError(`Cannot build audio pipeline: invalid device name "${o.device}"`);
  }
}

/** The channel count actually sent: browsers decode at most stereo Opus. */
export function sentChannels(channels: number): 1 | 2 {
  return channels <= 1 ? 1 : 2;
}

/**
 * The shared audio chain, from the PulseAudio capture to the tee that
 * viewers' audio branches link to (parsed into its own bin, so that a sound
 * server that goes away costs the sound only, never the picture).
 */
export function audioPipeline(options: AudioPipelineOptions): string {
  check(options);
  const channels = sentChannels(options.channels);
  const frameMs = options.frameMs ?? OPUS_FRAME_MS;
  const fec = options.packetLossPercent > 0;
  const frameUs = Math.round(frameMs * 1000);
  return [
    [
      `pulsesrc name=${AUDIO_SOURCE} device=${options.device ?? "@DEFAULT_MONITOR@"}`,
      // client-name: how the stream shows in pavucontrol and `pactl list source-outputs`.
      "client-name=Skerry",
      // provide-clock=false: the pipeline keeps the system clock, which the video also runs on,
      // so audio and video timestamps (and the RTCP sender reports) share one timeline.
      "provide-clock=false",
      // latency-time: PulseAudio hands over one Opus frame at a time (a longer fragment
      // would wait before the encoder could start). buffer-time: room for 20 of them, so a
      // streaming thread held up to 200 ms on a loaded machine drops nothing (4 frames
      // dropped samples at a load of 30 on two cores); it adds no delay, the ring is read
      // as soon as each fragment is in.
      `latency-time=${frameUs} buffer-time=${frameUs * 20}`,
    ].join(" "),
    // PulseAudio converts to Opus' own rate and the channel count sent: no resampler here.
    `audio/x-raw,format=S16LE,layout=interleaved,rate=${OPUS_RATE},channels=${channels}`,
    [
      `opusenc name=${AUDIO_ENCODER}`,
      // restricted-lowdelay: CELT only, 2.5 ms algorithmic delay instead of 6.5 ms. In-band
      // FEC lives in SILK, so with expected loss the encoder runs in its generic mode.
      `audio-type=${fec ? "generic" : "restricted-lowdelay"}`,
      `frame-size=${frameMs}`,
      // Constrained VBR: full quality on music, far fewer bytes when the desktop is silent
      // (most of the time), and no frame larger than its share of the bitrate.
      `bitrate=${Math.round(options.bitrate)} bitrate-type=constrained-vbr`,
      fec
        ? `inband-fec=true packet-loss-percentage=${Math.round(options.packetLossPercent)}`
        : "inband-fec=false",
    ].join(" "),
    // pt 111: the browsers' own number for Opus.
    `rtpopuspay mtu=${RTP_MTU} pt=${AUDIO_PAYLOAD_TYPE}`,
    audioRtpCaps(channels),
    // allow-not-linked: capture keeps running between viewers.
    `tee name=${AUDIO_TEE} allow-not-linked=true`,
  ].join(" ! ");
}

/**
 * The RTP caps webrtcbin offers for the desktop's Opus. The fields other
 * than the RTP ones become the `a=fmtp` line.
 */
export function audioRtpCaps(channels: 1 | 2): string {
  return [
    `application/x-rtp,media=audio,clock-rate=${OPUS_RATE},encoding-name=OPUS`,
    `payload=${AUDIO_PAYLOAD_TYPE}`,
    // encoding-params=2: Opus is always "opus/48000/2" in SDP, mono or not (RFC 7587).
    "encoding-params=(string)2",
    // sprop-stereo: what we send; stereo: what we would like to receive.
    `sprop-stereo=(string)${channels === 2 ? 1 : 0}`,
    `stereo=(string)${channels === 2 ? 1 : 0}`,
    // useinbandfec=1: the browser may use FEC data if present.
    "useinbandfec=(string)1",
  ].join(",");
}

/**
 * A viewer's audio branch, between the audio tee and its webrtcbin: its
 * ghost `sink` takes the tee pad, its ghost `src` feeds a webrtcbin sink pad.
 */
export function audioBranch(): string {
  return [
    // errorignore: a viewer whose webrtcbin fails must not stop the audio of the others.
    "errorignore ignore-error=true ignore-notnegotiated=true ignore-eos=true",
    // Leaky: a slow viewer loses its own audio packets; 60 ms: past that a packet arrives
    // after the browser has already concealed its gap.
    `queue name=${AUDIO_SEND_QUEUE} max-size-buffers=0 max-size-bytes=0 max-size-time=60000000 leaky=downstream`,
  ].join(" ! ");
}

/** The caps of the microphone's recvonly transceiver (what webrtcbin offers to receive). */
export function microphoneCaps(): string {
  return [
    `application/x-rtp,media=audio,clock-rate=${OPUS_RATE},encoding-name=OPUS`,
    `payload=${MICROPHONE_PAYLOAD_TYPE}`,
    "encoding-params=(string)2",
    // minptime=10: the browser may send 10 ms frames; useinbandfec=1: it may add FEC.
    "minptime=(string)10,useinbandfec=(string)1",
  ].join(",");
}

/**
 * One viewer's microphone branch: from its webrtcbin's received Opus to the
 * PulseAudio sink `sink` whose monitor is the "Skerry microphone" source.
 */
export function microphoneBranch(sink: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(sink)) {
    throw new RangeError(`Cannot build microphone branch: invalid sink name "${sink}"`);
  }
  return [
    // A leaky queue decouples the network thread from PulseAudio's and bounds the delay
    // (60 ms) when the browser's clock runs faster than the sound card's.
    "queue max-size-buffers=0 max-size-bytes=0 max-size-time=60000000 leaky=downstream",
    "rtpopusdepay",
    // Counts packets, so the helper sees when a viewer stops sending (a passthrough).
    `identity name=${MICROPHONE_COUNTER} silent=true`,
    // plc: a lost packet is concealed instead of leaving a click.
    "opusdec plc=true",
    "audioconvert",
    "audioresample",
    `volume name=${MICROPHONE_VOLUME} mute=true`,
    [
      `pulsesink device=${sink} client-name=Skerry-microphone`,
      // sync=false: play each packet on arrival (webrtcbin runs with latency 0, so every
      // buffer would count as late); async=false: a sink added to a running pipeline must
      // not wait for preroll; provide-clock=false: the pipeline keeps the system clock.
      "sync=false async=false provide-clock=false",
      // 10 ms fragments, 40 ms at most queued in PulseAudio.
      "latency-time=10000 buffer-time=40000",
    ].join(" "),
  ].join(" ! ");
}

/** GStreamer elements the desktop audio chain and its branches need. */
export const AUDIO_ELEMENTS = ["pulsesrc", "opusenc", "rtpopuspay", "errorignore", "queue"];
/** GStreamer elements the microphone branch needs. */
export const MICROPHONE_ELEMENTS = [
  "rtpopusdepay",
  "identity",
  "opusdec",
  "audioconvert",
  "audioresample",
  "volume",
  "pulsesink",
];

/** The `audio` part of the helper's `start` message. */
export function audioSpec(options: AudioPipelineOptions): HelperAudio {
  return {
    pipeline: audioPipeline(options),
    bin: AUDIO_BIN,
    tee: AUDIO_TEE,
    branch: audioBranch(),
  };
}

/** The `microphone` part of the helper's `start` message, playing into PulseAudio's `sink`. */
export function microphoneSpec(sink: string): HelperMicrophone {
  return {
    branch: microphoneBranch(sink),
    caps: microphoneCaps(),
    counter: MICROPHONE_COUNTER,
    volume: MICROPHONE_VOLUME,
  };
}

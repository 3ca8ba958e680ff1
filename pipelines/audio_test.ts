import assert from "node:assert/strict";
import {
  audioBranch,
  audioPipeline,
  audioRtpCaps,
  audioSpec,
  microphoneBranch,
  microphoneCaps,
  microphoneSpec,
  sentChannels,
} from "./audio.ts";

const BASE = { bitrate: 128000, channels: 2, packetLossPercent: 0 };

Deno.test("audioPipeline() composes the low-delay Opus chain from the default monitor", () => {
  assert.equal(
    audioPipeline(BASE),
    [
      "pulsesrc name=audiosrc device=@DEFAULT_MONITOR@ client-name=Skerry provide-clock=false " +
      "latency-time=10000 buffer-time=200000",
      "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=2",
      "opusenc name=audioenc audio-type=restricted-lowdelay frame-size=10 bitrate=128000 " +
      "bitrate-type=constrained-vbr inband-fec=false",
      "rtpopuspay mtu=1200 pt=111",
      "application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload=111," +
      "encoding-params=(string)2,sprop-stereo=(string)1,stereo=(string)1,useinbandfec=(string)1",
      "tee name=audiotee allow-not-linked=true",
    ].join(" ! "),
  );
});

Deno.test("audioPipeline() turns expected loss into in-band FEC in Opus' generic mode", () => {
  const p = audioPipeline({ ...BASE, packetLossPercent: 12.4 });
  assert.match(p, / audio-type=generic /);
  assert.match(p, / inband-fec=true packet-loss-percentage=12 /);
});

Deno.test("audioPipeline() sends mono for 1 channel and stereo for more", () => {
  assert.match(audioPipeline({ ...BASE, channels: 1 }), /channels=1 ! /);
  assert.match(
    audioPipeline({ ...BASE, channels: 1 }),
    /sprop-stereo=\(string\)0,stereo=\(string\)0/,
  );
  assert.match(audioPipeline({ ...BASE, channels: 6 }), /channels=2 ! /);
  assert.deepEqual([1, 2, 5, 8].map(sentChannels), [1, 2, 2, 2]);
});

Deno.test("audioPipeline() takes a 20 ms frame and another device", () => {
  const p = audioPipeline({ ...BASE, frameMs: 20, device: "alsa_output.pci.monitor" });
  assert.match(p, /device=alsa_output\.pci\.monitor /);
  assert.match(p, / latency-time=20000 buffer-time=400000 /);
  assert.match(p, / frame-size=20 /);
});

Deno.test("audioPipeline() refuses numbers out of range and odd device names", () => {
  assert.throws(
    () => audioPipeline({ ...BASE, bitrate: 1000 }),
    new RangeError("Cannot build audio pipeline: bitrate must be 6000-510000, received 1000"),
  );
  assert.throws(() => audioPipeline({ ...BASE, channels: 0 }), /channels must be 1-8/);
  assert.throws(() => audioPipeline({ ...BASE, packetLossPercent: 101 }), /0-100/);
  assert.throws(() => audioPipeline({ ...BASE, frameMs: 15 }), /frameMs must be one of/);
  assert.throws(() => audioPipeline({ ...BASE, device: "a ! fakesink" }), /invalid device name/);
});

Deno.test("audioRtpCaps() states mono or stereo in the fmtp fields", () => {
  assert.match(audioRtpCaps(1), /sprop-stereo=\(string\)0,stereo=\(string\)0/);
  assert.match(audioRtpCaps(2), /encoding-params=\(string\)2,sprop-stereo=\(string\)1/);
});

Deno.test("audioBranch() is a leaky 60 ms queue behind an errorignore", () => {
  assert.equal(
    audioBranch(),
    "errorignore ignore-error=true ignore-notnegotiated=true ignore-eos=true ! " +
      "queue name=audiosendqueue max-size-buffers=0 max-size-bytes=0 max-size-time=60000000 leaky=downstream",
  );
});

Deno.test("microphoneBranch() decodes into the given PulseAudio sink, muted, without sync", () => {
  const b = microphoneBranch("skerry_microphone_sink");
  assert.match(
    b,
    /^queue .* leaky=downstream ! rtpopusdepay ! identity name=miccount silent=true ! /,
  );
  assert.match(b, / ! volume name=micvolume mute=true ! pulsesink device=skerry_microphone_sink /);
  assert.match(b, / sync=false async=false provide-clock=false /);
  assert.throws(() => microphoneBranch("x y"), /invalid sink name "x y"/);
});

Deno.test("microphoneCaps() offers Opus on its own payload type", () => {
  assert.equal(
    microphoneCaps(),
    "application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload=109," +
      "encoding-params=(string)2,minptime=(string)10,useinbandfec=(string)1",
  );
});

Deno.test("audioSpec() and microphoneSpec() name the parts the helper looks up", () => {
  const audio = audioSpec(BASE);
  assert.equal(audio.bin, "audio");
  assert.equal(audio.tee, "audiotee");
  assert.equal(audio.branch, audioBranch());
  assert.match(audio.pipeline, / ! tee name=audiotee /);
  const mic = microphoneSpec("s");
  assert.deepEqual(
    { counter: mic.counter, volume: mic.volume, caps: mic.caps },
    { counter: "miccount", volume: "micvolume", caps: microphoneCaps() },
  );
});

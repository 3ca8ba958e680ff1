import assert from "node:assert/strict";
import type { AudioReport } from "./protocol/helper.ts";
import { resolveSound, type SoundConfig } from "./sound.ts";

const CONFIG: SoundConfig = {
  enableAudio: true,
  audioBitrate: 96000,
  audioChannels: 2,
  audioPacketlossPercent: 0,
  enableMicrophone: false,
};

const ALL: AudioReport = { available: ["pulsesrc"], missing: [], reachable: true };

function recorder(report: AudioReport = ALL) {
  const calls: { elements: string[]; env: Record<string, string> }[] = [];
  const pactl: string[][] = [];
  let next = 20;
  return {
    calls,
    pactl,
    options: {
      probe: (elements: string[], env: Record<string, string>) => {
        calls.push({ elements, env });
        return Promise.resolve(report);
      },
      pactl: (args: string[]) => {
        pactl.push(args);
        return Promise.resolve(args[0] === "load-module" ? `${next++}\n` : "");
      },
    },
  };
}

Deno.test("resolveSound() asks nothing when sound and microphone are off", async () => {
  const r = recorder();
  const setup = await resolveSound(
    { ...CONFIG, enableAudio: false },
    r.options,
  );
  assert.deepEqual(setup.start, {});
  assert.equal(r.calls.length, 0);
});

Deno.test("resolveSound() streams Opus when PulseAudio answers, with the embedded server's address", async () => {
  const r = recorder();
  const setup = await resolveSound(CONFIG, { ...r.options, pulseServer: "unix:/tmp/x/native" });
  assert.deepEqual(r.calls[0]!.env, { PULSE_SERVER: "unix:/tmp/x/native" });
  assert.ok(r.calls[0]!.elements.includes("opusenc"));
  assert.ok(!r.calls[0]!.elements.includes("opusdec"));
  assert.match(setup.start.audio!.pipeline, / bitrate=96000 /);
  assert.match(setup.start.audio!.pipeline, / frame-size=10 /);
  assert.equal(setup.start.microphone, undefined);
});

Deno.test("resolveSound() takes the Opus frame duration from --audio-frame-ms", async () => {
  const setup = await resolveSound({ ...CONFIG, audioFrameMs: 20 }, recorder().options);
  assert.match(setup.start.audio!.pipeline, / frame-size=20 /);
  assert.match(setup.start.audio!.pipeline, / latency-time=20000 buffer-time=400000 /);
});

Deno.test("resolveSound() is video only when PulseAudio is unreachable or elements are missing", async () => {
  const unreachable = await resolveSound(
    CONFIG,
    recorder({ ...ALL, reachable: false, reason: "Connection refused" }).options,
  );
  assert.deepEqual(unreachable.start, {});
  const missing = await resolveSound(
    CONFIG,
    recorder({ available: [], missing: ["pulsesrc"], reachable: false }).options,
  );
  assert.deepEqual(missing.start, {});
  const failing = await resolveSound(CONFIG, {
    probe: () => Promise.reject(new Error("no helper")),
  });
  assert.deepEqual(failing.start, {});
});

Deno.test("resolveSound() adds the microphone source to the user's PulseAudio and removes it on close", async () => {
  const r = recorder();
  const setup = await resolveSound({ ...CONFIG, enableMicrophone: true }, r.options);
  assert.ok(r.calls[0]!.elements.includes("pulsesink"));
  assert.match(setup.start.microphone!.branch, /pulsesink device=skerry_microphone_sink /);
  assert.deepEqual(r.pactl.map((a) => a.slice(0, 2)), [
    ["load-module", "module-null-sink"],
    ["load-module", "module-remap-source"],
  ]);
  await setup.close();
  assert.deepEqual(r.pactl.slice(2), [["unload-module", "21"], ["unload-module", "20"]]);
});

Deno.test("resolveSound() leaves the embedded PulseAudio's microphone source alone", async () => {
  const r = recorder();
  const setup = await resolveSound(
    { ...CONFIG, enableAudio: false, enableMicrophone: true },
    { ...r.options, pulseServer: "unix:/tmp/x/native" },
  );
  assert.equal(setup.start.audio, undefined);
  assert.ok(setup.start.microphone);
  assert.deepEqual(r.pactl, []);
});

Deno.test("resolveSound() keeps the sound but not the microphone when pactl fails", async () => {
  const r = recorder();
  const setup = await resolveSound({ ...CONFIG, enableMicrophone: true }, {
    probe: r.options.probe,
    pactl: (args) =>
      args[1] === "module-remap-source"
        ? Promise.reject(new Error("Module initialization failed"))
        : r.options.pactl(args),
  });
  assert.ok(setup.start.audio);
  assert.equal(setup.start.microphone, undefined);
  // The sink already loaded was taken out again.
  assert.deepEqual(r.pactl.at(-1), ["unload-module", "20"]);
});

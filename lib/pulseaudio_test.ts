import assert from "node:assert/strict";
import { pulseArgs, pulseScript } from "./pulseaudio.ts";

Deno.test("pulseScript() makes the null sink the default and opens the socket last", () => {
  assert.equal(
    pulseScript("/tmp/p/native", { microphone: false }),
    [
      "load-module module-null-sink sink_name=skerry rate=48000 sink_properties=device.description=Skerry",
      "set-default-sink skerry",
      "load-module module-native-protocol-unix socket=/tmp/p/native auth-anonymous=1 auth-cookie-enabled=0",
      "",
    ].join("\n"),
  );
});

Deno.test("pulseScript() adds the microphone sink and its remapped source, the default source", () => {
  const lines = pulseScript("/tmp/p/native", { microphone: true }).split("\n");
  assert.equal(
    lines[1],
    "load-module module-null-sink sink_name=skerry_microphone_sink rate=48000 channels=1 " +
      `sink_properties="device.description='Skerry microphone (viewer)'"`,
  );
  assert.equal(
    lines[2],
    "load-module module-remap-source master=skerry_microphone_sink.monitor " +
      `source_name=skerry_microphone source_properties="device.description='Skerry microphone'"`,
  );
  assert.equal(lines[3], "set-default-source skerry_microphone");
  assert.equal(lines[4], "set-default-sink skerry");
});

Deno.test("pulseArgs() runs only the script, in the foreground, closed to clients' changes", () => {
  const args = pulseArgs("/tmp/p/skerry.pa");
  assert.ok(args.includes("-n"));
  assert.ok(args.includes("--file=/tmp/p/skerry.pa"));
  for (const flag of ["--daemonize=no", "--disallow-exit", "--disallow-module-loading"]) {
    assert.ok(args.includes(flag), flag);
  }
  assert.ok(args.includes("--exit-idle-time=-1"));
});

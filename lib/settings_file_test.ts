import assert from "node:assert/strict";
import { parseCommandLine } from "./config.ts";
import { SettingsFile } from "./settings_file.ts";

Deno.test("SettingsFile.remember() writes selkies names, keeps other keys, and start-up reads them back", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/settings.json`;
    await Deno.writeTextFile(path, JSON.stringify({ encoder: "vp8enc", theme: "dark" }));
    const file = new SettingsFile(path);
    await file.remember({ videoBitrate: 2500, framerate: 30 });
    await file.remember({ framerate: 24, enableAudio: false });
    assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), {
      encoder: "vp8enc",
      theme: "dark",
      video_bitrate: 2500,
      framerate: 24,
    });
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["settings.json"]);
    const run = parseCommandLine(
      [`--json-config=${path}`, "--framerate=60"],
      () => undefined,
      (p) => Deno.readTextFileSync(p),
    );
    assert.equal(run.kind, "run");
    if (run.kind === "run") {
      assert.equal(run.config.framerate, 24);
      assert.equal(run.config.videoBitrate, 2500);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SettingsFile.remember() creates a missing file and survives a directory it cannot write", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await new SettingsFile(`${dir}/new.json`).remember({ videoBitrate: 900 });
    assert.deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/new.json`)), {
      video_bitrate: 900,
    });
    // A missing directory: logged, not thrown, and the next write still works.
    const broken = new SettingsFile(`${dir}/missing/x.json`);
    await broken.remember({ videoBitrate: 900 });
    await broken.remember({ framerate: 30 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

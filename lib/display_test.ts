import assert from "node:assert/strict";
import { modeline, xorgDummyConfig } from "./display.ts";

Deno.test("modeline() gives reduced-blanking timings xrandr accepts", () => {
  assert.deepEqual(modeline(1280, 720), [
    "1280x720",
    "64.02",
    "1280",
    "1328",
    "1360",
    "1440",
    "720",
    "723",
    "728",
    "741",
    "+hsync",
    "-vsync",
  ]);
  assert.equal(modeline(1920, 1080)[0], "1920x1080");
});

Deno.test("xorgDummyConfig() puts the start mode first and room to grow", () => {
  const config = xorgDummyConfig(1024, 768);
  assert.match(config, /Driver "dummy"/);
  assert.match(config, /Modeline "1024x768" /);
  assert.match(config, /Modes "1024x768"/);
  assert.match(config, /Virtual 7680 4320/);
});

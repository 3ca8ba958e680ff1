/**
 * The damage capture's own libx264 encode (`--x264-mb-info`,
 * helper/encode/), on the real Xvfb, server, helper and Chromium: the steps
 * of test/capture_test.ts (a still screen sends almost nothing, a painted
 * rectangle arrives with its colour and a second change too, a late joiner
 * gets the whole picture, a dragged window leaves no stale region, the
 * pointer under pointer lock) with only the changed macroblocks analysed.
 * (Run alone, this file runs capture_test.ts's own test too: it imports it.)
 */

import { captureTest } from "./capture_test.ts";

Deno.test(
  captureTest(
    "the libx264 encode with per-macroblock damage streams a correct picture",
    ["--capture=damage", "--x264-mb-info"],
    "libx264: encoding 640x480",
  ),
);

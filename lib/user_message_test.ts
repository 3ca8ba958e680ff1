import assert from "node:assert/strict";
import { userMessage } from "./user_message.ts";

Deno.test("userMessage() turns GStreamer's answer failure into a sentence naming the format", () => {
  assert.equal(
    userMessage("Cannot set answer: application/x-gst-promise, error=(GError)NULL;", {
      encoder: "x264enc",
    }),
    "Your browser and the server could not agree on the video stream (H.264); reload the page, or try another browser.",
  );
  assert.equal(
    userMessage("Cannot set answer: x"),
    "Your browser and the server could not agree on the video stream; reload the page, or try another browser.",
  );
});

Deno.test("userMessage() words tier, set-up and unknown failures without helper text", () => {
  assert.equal(
    userMessage('Cannot build encode tier av1enc: no element "rtpav1pay"', { encoder: "av1enc" }),
    "The server cannot encode video (AV1) right now; choose another format in the menu, or reload the page.",
  );
  assert.equal(
    userMessage("Cannot create channel input"),
    "The server could not set up the video for this tab; reload the page to try again.",
  );
  const other = userMessage("Internal data stream error.", { encoder: "vp8enc" });
  assert.equal(
    other,
    "The video stream for this tab failed (VP8); reload the page to try again (the administrator can find the cause in the server log).",
  );
});

Deno.test("userMessage() says what a fatal failure means for everyone", () => {
  assert.equal(
    userMessage("Could not open X display for reading", { fatal: true }),
    "The server cannot capture the screen; it keeps retrying, and the administrator can find the cause in the server log.",
  );
  assert.equal(
    userMessage("helper exited with code 3", { fatal: true }),
    "The server's video keeps failing; it keeps retrying, and the administrator can find the cause in the server log.",
  );
});

Deno.test("userMessage() never lets a GStreamer structure through", () => {
  for (
    const text of [
      "Cannot set answer: application/x-gst-promise, error=(GError)NULL;",
      "Cannot create offer: application/x-gst-promise",
      "whatever (GError)NULL;",
    ]
  ) {
    for (const context of [{}, { fatal: true }, { encoder: "vp9enc" as const }]) {
      assert.doesNotMatch(userMessage(text, context), /gst|GError|application\//i);
    }
  }
});

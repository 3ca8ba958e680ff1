import assert from "node:assert/strict";
import { topLevelChild } from "./pipeline.ts";

Deno.test("topLevelChild() names the branch an element path lies in", () => {
  assert.equal(
    topLevelChild("/GstPipeline:pipeline0/GstBin:peer-p_1/GstWebRTCBin:webrtc/GstNiceSrc:nicesrc0"),
    "peer-p_1",
  );
  assert.equal(topLevelChild("/GstPipeline:pipeline0/GstBin:peer-a-b"), "peer-a-b");
  assert.equal(topLevelChild("/GstPipeline:pipeline0/GstXImageSrc:ximagesrc0"), "ximagesrc0");
  assert.equal(topLevelChild("/GstPipeline:pipeline0"), null);
  assert.equal(topLevelChild("?"), null);
});

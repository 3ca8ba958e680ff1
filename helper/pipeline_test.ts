import assert from "node:assert/strict";
import { owningBranch } from "./pipeline.ts";

Deno.test("owningBranch() names the innermost watched branch an element path lies in", () => {
  const branches = new Set(["peer-p_1", "peer-a-b", "tier-vp8enc", "peer-p2"]);
  assert.equal(
    owningBranch(
      "/GstPipeline:pipeline0/GstBin:peer-p_1/GstWebRTCBin:webrtc/GstNiceSrc:nicesrc0",
      branches,
    ),
    "peer-p_1",
  );
  assert.equal(owningBranch("/GstPipeline:pipeline0/GstBin:peer-a-b", branches), "peer-a-b");
  assert.equal(
    owningBranch("/GstPipeline:pipeline0/GstBin:tier-vp8enc/GstBin:peer-p2/GstQueue:q", branches),
    "peer-p2",
  );
  assert.equal(
    owningBranch("/GstPipeline:pipeline0/GstBin:tier-vp8enc/GstVP8Enc:videoenc", branches),
    "tier-vp8enc",
  );
  assert.equal(owningBranch("/GstPipeline:pipeline0/GstXImageSrc:ximagesrc0", branches), null);
  assert.equal(owningBranch("/GstPipeline:pipeline0", branches), null);
  assert.equal(owningBranch("?", branches), null);
});

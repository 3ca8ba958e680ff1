/**
 * Viewer churn against the real helper: real Xvfb, real GStreamer in the real
 * `skerry helper` process, real headless Chromium for a steady viewer and for
 * the answers of a churning one. 500 times in a row a viewer is added and
 * removed, the removals racing set-up, the offer, an answer or an ICE
 * candidate in flight; the helper must survive all of it while the steady
 * viewer keeps decoding frames.
 */

import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { startXvfb } from "../lib/display.ts";
import {
  PEER_WEBRTCBIN,
  peerBranch,
  VIDEO_ENCODER,
  VIDEO_TEE,
  videoPipeline,
} from "../pipelines/video.ts";
import { INPUT_CHANNEL_LABEL } from "../lib/protocol/input.ts";
import { about, HelperRig } from "./_helper_rig.ts";
import { launchBrowser, waitFor } from "./_harness.ts";

const CYCLES = 500;
/** Longest time the steady viewer may go without a new decoded frame, in ms. */
const MAX_GAP_MS = 2000;
/** How often the steady viewer's frame count is read, in ms. */
const SAMPLE_MS = 100;

const PAGE = "<!doctype html><title>stress</title><video autoplay muted playsinline></video>";

/** Threads and open files of `pid`, from /proc. */
function usage(pid: number): { threads: number; fds: number } {
  return {
    threads: [...Deno.readDirSync(`/proc/${pid}/task`)].length,
    fds: [...Deno.readDirSync(`/proc/${pid}/fd`)].length,
  };
}

/** Answers `sdp` in the page on a fresh RTCPeerConnection, closed right after. */
function answerOnce(page: Page, sdp: string): Promise<string> {
  return page.evaluate(async (offer) => {
    const pc = new RTCPeerConnection();
    try {
      await pc.setRemoteDescription({ type: "offer", sdp: offer });
      return (await pc.createAnswer()).sdp!;
    } finally {
      pc.close();
    }
  }, sdp);
}

/** Connects the page as a viewer that stays: answer, ICE both ways, until frames decode. */
async function connectSteady(helper: HelperRig, page: Page): Promise<string[]> {
  await helper.send({ type: "peer-add", peer: "steady" });
  const offer = await helper.next(about("offer", "steady"));
  // Answer after gathering, so the answer carries Chromium's candidates.
  const answer = await page.evaluate(async (sdp) => {
    const w = window as unknown as { steady: RTCPeerConnection; candidates: string[] };
    const pc = w.steady = new RTCPeerConnection();
    w.candidates = [];
    pc.onicecandidate = (e) => e.candidate?.candidate && w.candidates.push(e.candidate.candidate);
    pc.ontrack = (e) => {
      document.querySelector("video")!.srcObject = e.streams[0] ?? new MediaStream([e.track]);
    };
    await pc.setRemoteDescription({ type: "offer", sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    const complete = new Promise<void>((resolve) => {
      pc.onicegatheringstatechange = () => pc.iceGatheringState === "complete" && resolve();
    });
    if (pc.iceGatheringState !== "complete") await complete;
    return pc.localDescription!.sdp;
  }, offer.sdp);
  await helper.send({ type: "answer", peer: "steady", sdp: answer });
  let forwarded = 0;
  await waitFor("steady viewer decoding", async () => {
    const ice = helper.messages.filter(about("ice", "steady"));
    for (const c of ice.slice(forwarded)) {
      await page.evaluate((candidate) => {
        const w = window as unknown as { steady: RTCPeerConnection };
        return w.steady.addIceCandidate(candidate);
      }, { candidate: c.candidate, sdpMLineIndex: c.sdpMLineIndex });
    }
    forwarded = ice.length;
    return (await framesDecoded(page)) > 0;
  });
  return await page.evaluate(() => (window as unknown as { candidates: string[] }).candidates);
}

/** The steady connection's inbound video counters. */
function inboundVideo(
  page: Page,
): Promise<{ framesDecoded: number; packetsLost: number; pliCount: number }> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { steady: RTCPeerConnection }).steady;
    const out = { framesDecoded: 0, packetsLost: 0, pliCount: 0 };
    (await pc.getStats()).forEach((s: Record<string, unknown>) => {
      if (s.type === "inbound-rtp" && s.kind === "video") {
        out.framesDecoded = s.framesDecoded as number;
        out.packetsLost = s.packetsLost as number;
        out.pliCount = s.pliCount as number;
      }
    });
    return out;
  });
}

async function framesDecoded(page: Page): Promise<number> {
  return (await inboundVideo(page)).framesDecoded;
}

/**
 * Samples the steady viewer's decoded-frame count in the page itself, every
 * {@linkcode SAMPLE_MS}, until stopped. The stall is the longest time the
 * count did not grow; the sampling lag (the longest time between two samples)
 * tells a stalled stream from a page that could not run its timer.
 */
async function watchFrames(page: Page) {
  await page.evaluate((everyMs) => {
    const w = window as unknown as {
      steady: RTCPeerConnection;
      samples: [number, number][];
      sampler: ReturnType<typeof setInterval>;
    };
    w.samples = [];
    w.sampler = setInterval(async () => {
      let frames = 0;
      (await w.steady.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === "inbound-rtp" && s.kind === "video") frames = s.framesDecoded as number;
      });
      w.samples.push([performance.now(), frames]);
    }, everyMs);
  }, SAMPLE_MS);
  return {
    async stop() {
      const samples = await page.evaluate(() => {
        const w = window as unknown as {
          samples: [number, number][];
          sampler: ReturnType<typeof setInterval>;
        };
        clearInterval(w.sampler);
        return w.samples;
      });
      let stallMs = 0;
      let lagMs = 0;
      let [grewAt, frames] = samples[0] ?? [0, 0];
      for (let i = 1; i < samples.length; i++) {
        const [t, n] = samples[i]!;
        lagMs = Math.max(lagMs, t - samples[i - 1]![0]);
        stallMs = Math.max(stallMs, t - grewAt);
        if (n > frames) [grewAt, frames] = [t, n];
      }
      return {
        stallMs: Math.round(stallMs),
        lagMs: Math.round(lagMs),
        frames,
        samples: samples.length,
      };
    },
  };
}

Deno.test("the helper survives 500 viewer add/remove cycles while a steady viewer keeps decoding", async () => {
  const display = await startXvfb({ width: 320, height: 240 });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response(PAGE, { headers: { "content-type": "text/html" } }),
  );
  const url = `http://127.0.0.1:${server.addr.port}/`;
  const browser = await launchBrowser(url);
  const helper = new HelperRig(display.env);
  let watch: Awaited<ReturnType<typeof watchFrames>> | undefined;
  try {
    await helper.send({
      type: "start",
      pipeline: videoPipeline({
        display: display.name,
        encoder: "x264enc",
        framerate: 30,
        bitrateKbps: 1000,
        keyframeDistance: -1,
        showPointer: true,
        // The helper's own capture needs the start message's capture spec; this test reads X.
        capture: "ximagesrc",
        threads: 1,
      }),
      // A wider send queue than production's 100 ms: on this loaded 2-core machine a
      // sending thread is at times starved for over 100 ms, churn or not (packets are
      // lost idle and under churn alike), and without NACK Chromium waits ~3 s before it
      // asks for a keyframe. This test is about churn stalling the pipeline, not that.
      branch: peerBranch().replace("max-size-time=100000000", "max-size-time=1000000000"),
      tee: VIDEO_TEE,
      webrtcbin: PEER_WEBRTCBIN,
      encoder: VIDEO_ENCODER,
      iceAddresses: ["127.0.0.1"],
      channels: [INPUT_CHANNEL_LABEL],
    });
    await helper.next((m) => m.type === "ready");
    const steady = await browser.open(url);
    const churn = await browser.open(url);
    const candidates = await connectSteady(helper, steady);
    assert.ok(candidates.length > 0, "Chromium gathered no candidate");
    const before = usage(helper.pid);

    watch = await watchFrames(steady);
    const started = performance.now();
    const kinds = [0, 0, 0, 0];
    for (let i = 0; i < CYCLES; i++) {
      const peer = `churn${i}`;
      const from = helper.messages.length;
      const kind = i % 4;
      kinds[kind]!++;
      await helper.send({ type: "peer-add", peer });
      if (kind === 0) {
        // Removed while its branch is being built.
        await helper.send({ type: "peer-remove", peer });
        continue;
      }
      const offer = await helper.next(about("offer", peer), { from });
      if (kind === 1) {
        // Removed while the offer is being set locally and candidates gathered.
        await helper.send({ type: "peer-remove", peer });
        continue;
      }
      const answer = await answerOnce(churn, offer.sdp);
      await helper.send({ type: "answer", peer, sdp: answer });
      if (kind === 3) {
        // An ICE candidate in flight as well (a real one, of the steady connection).
        await helper.send({ type: "ice", peer, candidate: candidates[0]!, sdpMLineIndex: 0 });
      }
      // Removed while the answer (and candidate) are being applied.
      await helper.send({ type: "peer-remove", peer });
    }
    const churnMs = performance.now() - started;
    // Let the last removals finish, then see the steady viewer still decoding.
    const settled = await waitFor("the helper back to its threads", () => {
      const now = usage(helper.pid);
      return now.threads <= before.threads + 4 ? now : null;
    }, 20_000);
    const frames = await watch.stop();
    const video = await inboundVideo(steady);
    // deno-lint-ignore no-console
    console.log(
      `${CYCLES} cycles (${kinds.join("/")} by kind) in ${Math.round(churnMs)} ms ` +
        `(${(churnMs / CYCLES).toFixed(1)} ms each); steady viewer: ${frames.frames} frames, ` +
        `longest stall ${frames.stallMs} ms (sampling lag ${frames.lagMs} ms), ` +
        `${video.packetsLost} packets lost, ${video.pliCount} PLIs; ` +
        `helper threads ${before.threads} -> ${settled.threads}, fds ${before.fds} -> ${settled.fds}`,
    );

    assert.ok(helper.alive, "the helper exited");
    assert.ok(
      frames.stallMs < MAX_GAP_MS,
      `the steady viewer went ${frames.stallMs} ms without a frame (sampling lag ${frames.lagMs} ms)`,
    );
    await waitFor("the steady viewer still decoding", async () => {
      return (await framesDecoded(steady)) >= frames.frames + 10;
    }, 5000);
    assert.ok(
      settled.fds <= before.fds + 4,
      `file descriptors leaked: ${before.fds} -> ${settled.fds}`,
    );
    assert.deepEqual(helper.messages.filter((m) => m.type === "error"), []);
    assert.deepEqual(helper.records.filter((r) => r.level === "error"), []);
    const status = await helper.stop();
    assert.equal(status.code, 0, helper.otherStderr.slice(-5).join("\n"));
  } finally {
    await watch?.stop().catch(() => {});
    await helper.stop();
    await browser.close();
    await server.shutdown();
    await display.stop();
  }
});

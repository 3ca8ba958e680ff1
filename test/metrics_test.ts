/**
 * Health, metrics and statistics files on a real server streaming a real X
 * display through the real helper to headless Chromium: the exposition
 * parses strictly, the viewer's frame counter grows while it watches, the
 * viewer's series go when it leaves, the CSV file grows.
 */

import assert from "node:assert/strict";
import { startXvfb } from "../lib/display.ts";
import { pollUntil } from "../lib/poll.ts";
import { AUTH, launchBrowser, startServer, videoStats } from "./_harness.ts";
import { type Family, parsePrometheus } from "./fixtures/prometheus.ts";

const CREDENTIALS = { Authorization: `Basic ${btoa(`${AUTH.username}:${AUTH.password}`)}` };

/** A port free right now. */
function freePort(): number {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = probe.addr.port;
  probe.close();
  return port;
}

/** The value of the sample `name` with these labels, or undefined. */
function value(families: Family[], name: string, labels: Record<string, string> = {}) {
  for (const f of families) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  return undefined;
}

/** Lines of the one CSV file in `dir` (0 before it exists). */
async function csvLines(dir: string): Promise<string[]> {
  const files = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".csv"));
  if (files.length === 0) return [];
  assert.equal(files.length, 1, files.map((f) => f.name).join(", "));
  return (await Deno.readTextFile(`${dir}/${files[0]!.name}`)).trimEnd().split("\n");
}

Deno.test({
  name: "skerry serves health, strict Prometheus metrics that follow a real viewer, and its CSV",
  async fn(t) {
    const display = await startXvfb({ width: 640, height: 480 });
    const statsDir = await Deno.makeTempDir();
    const metricsPort = freePort();
    const server = await startServer({
      display,
      args: [
        "--enable-metrics-http",
        `--metrics-http-port=${metricsPort}`,
        "--enable-webrtc-statistics",
        `--webrtc-statistics-dir=${statsDir}`,
      ],
    });
    const scrape = async () => {
      const res = await fetch(`${server.url}metrics`, { headers: CREDENTIALS });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
      return parsePrometheus(await res.text());
    };
    const browser = await launchBrowser(server.url);
    try {
      await t.step(
        "/health and /healthz answer without credentials, /metrics needs them",
        async () => {
          for (const [path, body] of [["health", "OK"], ["healthz", "ok"]]) {
            const res = await fetch(`${server.url}${path}`);
            assert.equal(res.status, 200, path);
            assert.equal(await res.text(), body);
          }
          const anonymous = await fetch(`${server.url}metrics`);
          assert.equal(anonymous.status, 401);
          await anonymous.body?.cancel();
          const m = await scrape();
          assert.equal(value(m, "skerry_viewers"), 0);
          assert.equal(value(m, "skerry_build_info", { version: "0.1.0" }), 1);
        },
      );

      const page = await browser.open(server.url);
      const peer = await pollUntil(async () => {
        const m = await scrape();
        const sent = m.find((f) => f.name === "skerry_viewer_frames_sent_total")?.samples[0];
        return sent && sent.value > 0 ? sent.labels.peer : undefined;
      }, { what: "a viewer's frame counter", timeoutMs: 20_000 });

      await t.step("the viewer's frame counter grows while it watches", async () => {
        const first = await scrape();
        const frames = value(first, "skerry_viewer_frames_sent_total", { peer })!;
        const decoded = (await videoStats(page)).framesDecoded;
        await pollUntil(async () => (await videoStats(page)).framesDecoded >= decoded + 30, {
          what: "30 more decoded frames",
          timeoutMs: 10_000,
        });
        const later = await pollUntil(async () => {
          const m = await scrape();
          return value(m, "skerry_viewer_frames_sent_total", { peer })! >= frames + 30 ? m : null;
        }, { what: `frames sent beyond ${frames} + 30`, timeoutMs: 10_000 });
        assert.equal(value(later, "skerry_viewers"), 1);
        assert.ok(value(later, "skerry_viewer_sent_bytes_total", { peer })! > 0);
        assert.ok(value(later, "skerry_viewer_packets_sent_total", { peer })! > 0);
        assert.equal(value(later, "skerry_viewer_connection_type", { peer, type: "host" }), 1);
        assert.ok(value(later, "skerry_viewer_round_trip_time_seconds", { peer })! < 1);
        // The browser's own report: frames per second and a latency estimate.
        const withClient = await pollUntil(async () => {
          const m = await scrape();
          return (value(m, "skerry_viewer_client_frames_per_second", { peer }) ?? 0) > 0 &&
              value(m, "skerry_viewer_glass_to_glass_latency_seconds", { peer }) !== undefined
            ? m
            : null;
        }, { what: "the browser's numbers", timeoutMs: 10_000 });
        const latency = value(withClient, "skerry_viewer_glass_to_glass_latency_seconds", {
          peer,
        })!;
        assert.ok(latency > 0 && latency < 1, `latency ${latency} s`);
        assert.ok(value(withClient, "skerry_glass_to_glass_latency_seconds_count")! >= 1);
      });

      await t.step("the separate metrics port serves /metrics without credentials", async () => {
        const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
        assert.equal(res.status, 200);
        const m = parsePrometheus(await res.text());
        assert.equal(value(m, "skerry_viewers"), 1);
        const page404 = await fetch(`http://127.0.0.1:${metricsPort}/`);
        assert.equal(page404.status, 404);
        await page404.body?.cancel();
      });

      await t.step("the statistics CSV file appears and grows", async () => {
        const first = await pollUntil(async () => {
          const lines = await csvLines(statsDir);
          return lines.length >= 3 ? lines : null;
        }, { what: "a CSV file with two rows", timeoutMs: 10_000 });
        assert.match(first[0]!, /^time,helper_framesSent,/);
        await pollUntil(async () => (await csvLines(statsDir)).length >= first.length + 2, {
          what: "two more CSV rows",
          timeoutMs: 10_000,
        });
        const lines = await csvLines(statsDir);
        const header = first[0]!.split(",");
        const row = Object.fromEntries(lines.at(-1)!.split(",").map((v, i) => [header[i], v]));
        assert.ok(Number(row.helper_framesSent) > 0, lines.at(-1));
        assert.ok(Number(row.browser_fps) > 0, lines.at(-1));
      });

      await t.step("a viewer that leaves takes its series with it", async () => {
        await page.close();
        await pollUntil(async () => {
          const m = await scrape();
          return value(m, "skerry_viewers") === 0 &&
            m.every((f) => f.samples.every((s) => s.labels.peer !== peer));
        }, { what: `no series of ${peer}`, timeoutMs: 10_000 });
      });
    } finally {
      await browser.close();
      await server.stop();
      await display.stop();
      await Deno.remove(statsDir, { recursive: true });
    }
  },
});

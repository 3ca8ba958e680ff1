/**
 * `/metrics` on a port of its own (`--enable-metrics-http`,
 * `--metrics-http-port`), as selkies-gstreamer serves it: without
 * authentication, for a Prometheus server on an internal network. Nothing
 * else is served there. On the main port `/metrics` is always available
 * behind the same authentication as the page (lib/app.ts).
 *
 * @module
 */

import { Hono } from "hono";
import { PROMETHEUS_CONTENT_TYPE } from "./registry.ts";

/** Something that renders the exposition text. */
export interface MetricsSource {
  render(): string;
}

/** The response to a scrape. */
export function metricsResponse(metrics: MetricsSource): Response {
  return new Response(metrics.render(), {
    headers: { "Content-Type": PROMETHEUS_CONTENT_TYPE, "Cache-Control": "no-store" },
  });
}

/** The app of the separate metrics port: `GET /metrics`, 404 for anything else. */
export function metricsApp(metrics: MetricsSource): Hono {
  const app = new Hono();
  app.get("/metrics", () => metricsResponse(metrics));
  app.notFound((c) => c.text("Not found", 404));
  return app;
}

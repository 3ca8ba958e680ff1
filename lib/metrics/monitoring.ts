/**
 * The operator's view of a running server, set up once by `cli.ts`: the
 * Prometheus metrics, the statistics CSV files when enabled
 * (`--enable-webrtc-statistics`), and the separate metrics port when enabled
 * (`--enable-metrics-http`).
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { Config } from "../config.ts";
import { metricsApp } from "./metrics_app.ts";
import { type MetricsSources, SkerryMetrics } from "./skerry_metrics.ts";
import { StatisticsCsv } from "./statistics_csv.ts";
import { fanOut, type ViewerMonitor } from "./viewer_monitor.ts";

const log = getLogger(["skerry", "metrics"]);

/** What {@linkcode startMonitoring} returns. */
export interface Monitoring {
  /** The registry behind `/metrics`. */
  metrics: SkerryMetrics;
  /** Give it to the session and the app: it feeds the metrics and the CSV files. */
  monitor: ViewerMonitor;
  /** Serves `/metrics` alone, unauthenticated, on a port of its own. */
  serve(address: { hostname: string; port: number }): void;
  /** Closes the CSV files and the metrics port. */
  close(): Promise<void>;
}

/**
 * Builds the metrics and, when enabled, the statistics writer. Throws an
 * `Error` when `--webrtc-statistics-dir` is not a directory.
 */
export async function startMonitoring(
  config: Pick<Config, "enableWebrtcStatistics" | "webrtcStatisticsDir">,
  options: { version: string; sources: MetricsSources },
): Promise<Monitoring> {
  const metrics = new SkerryMetrics(options);
  const monitors: ViewerMonitor[] = [metrics];
  let csv: StatisticsCsv | undefined;
  if (config.enableWebrtcStatistics) {
    const dir = config.webrtcStatisticsDir;
    const info = await Deno.stat(dir).catch(() => null);
    if (!info?.isDirectory) {
      throw new Error(
        `Cannot write statistics: --webrtc-statistics-dir "${dir}" is not a directory`,
      );
    }
    csv = new StatisticsCsv({ dir });
    monitors.push(csv);
    log.info("Writing viewers' statistics into {dir}", { dir });
  }
  let server: Deno.HttpServer | undefined;
  return {
    metrics,
    monitor: fanOut(monitors),
    serve({ hostname, port }) {
      try {
        server = Deno.serve({ hostname, port, onListen() {} }, metricsApp(metrics).fetch);
      } catch (error) {
        const reason = error instanceof Deno.errors.AddrInUse
          ? "the address is in use"
          : (error as Error).message;
        throw new Error(`Cannot serve metrics on ${hostname}:${port}: ${reason}`);
      }
      log.info("Serving /metrics without authentication on {hostname}:{port}", {
        hostname,
        port: (server.addr as Deno.NetAddr).port,
      });
    },
    async close() {
      await Promise.all([csv?.close(), server?.shutdown()]);
    },
  };
}

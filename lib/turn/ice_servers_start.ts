/**
 * Starting the ICE server feed from the options (cli.ts: the server and
 * `skerry turn-config`).
 *
 * @module
 */

import type { Config } from "../config.ts";

/**
 * The ICE servers of the options, resolved once (a REST service or
 * Cloudflare asked, the RTC configuration file read) and then kept fresh.
 */
export async function startIceServers(config: Config) {
  const { IceServerFeed } = await import("./ice_server_feed.ts");
  const { iceSources } = await import("./ice_sources.ts");
  // Test-only: short-lived shared-secret credentials, to watch them being renewed.
  const lifetimeS = Number(Deno.env.get("SKERRY_TEST_TURN_LIFETIME_S") ?? "") || undefined;
  const feed = new IceServerFeed(
    iceSources(config, lifetimeS ? { credentialLifetimeS: lifetimeS } : {}),
  );
  await feed.start();
  return feed;
}

/** `skerry turn-config`: prints the browser's RTC configuration from the options, then exits. */
export async function printTurnConfig(config: Config): Promise<void> {
  const { setupLogging } = await import("../log.ts");
  await setupLogging(config.logLevel === "info" ? "warning" : config.logLevel);
  const feed = await startIceServers(config);
  feed.close();
  // deno-lint-ignore no-console
  console.log(JSON.stringify(feed.current, null, 2));
}

/**
 * Where the ICE servers come from, in selkies-gstreamer's order of
 * precedence: Cloudflare TURN > the `--rtc-config-json` file > a TURN REST
 * service > long-term TURN user and password > a TURN shared secret > STUN
 * only (or nothing: host candidates only). The first three can be
 * unavailable for a while (network, missing file); the feed then uses the
 * next one and asks again later.
 *
 * @module
 */

import { dirname, resolve as resolvePath } from "node:path";
import { fetchCloudflareTurn } from "./cloudflare_turn.ts";
import { type IceGrant, parseRtcConfiguration } from "./rtc_configuration.ts";
import { TURN_CREDENTIAL_LIFETIME_S, turnCredentials } from "./turn_credentials.ts";
import { type TurnEndpoint, turnIceServers } from "./turn_ice_servers.ts";
import { describeUrl, fetchTurnRest } from "./turn_rest.ts";

/** The options that choose the ICE servers (the network rows of the option table). */
export interface IceOptions {
  stunHost: string | undefined;
  stunPort: number;
  turnHost: string | undefined;
  turnPort: number;
  turnProtocol: "udp" | "tcp";
  turnTls: boolean;
  turnSharedSecret: string | undefined;
  turnUsername: string | undefined;
  turnPassword: string | undefined;
  turnRestUri: string | undefined;
  turnRestUsername: string | undefined;
  turnRestUsernameAuthHeader: string;
  turnRestProtocolHeader: string;
  turnRestTlsHeader: string;
  rtcConfigJson: string | undefined;
  enableCloudflareTurn: boolean;
  cloudflareTurnTokenId: string | undefined;
  cloudflareTurnApiToken: string | undefined;
}

/** One place ICE servers come from. */
export interface IceSource {
  /** For logs, e.g. `TURN shared secret (turn.example.com:3478)`; never a secret. */
  readonly name: string;
  /** Ask again this often even when the answer has no expiry, in ms (a REST service). */
  readonly pollMs?: number;
  /** The servers now; throws an `Error` saying why they are unavailable. */
  resolve(nowMs: number): Promise<IceGrant>;
  /** Calls `changed` when the source may have new servers; returns a function that stops watching. */
  watch?(changed: () => void): () => void;
}

/** How often a TURN REST service is asked again, in ms: 60 s, as selkies-gstreamer. */
export const TURN_REST_POLL_MS = 60_000;

/**
 * Combinations that cannot work, one line each: Cloudflare without its key
 * id and token, half a long-term credential, TURN credentials without
 * `--turn-host`, `--turn-host` without credentials. `skerry turn-config`
 * refuses them; the server warns and goes on without that TURN server, as
 * selkies-gstreamer does (a launch script keeps working on the LAN).
 */
export function iceOptionProblems(o: IceOptions): string[] {
  const problems: string[] = [];
  if (o.enableCloudflareTurn && (!o.cloudflareTurnTokenId || !o.cloudflareTurnApiToken)) {
    problems.push(
      "--enable-cloudflare-turn needs --cloudflare-turn-token-id and --cloudflare-turn-api-token",
    );
  }
  if ((o.turnUsername === undefined) !== (o.turnPassword === undefined)) {
    problems.push("--turn-username and --turn-password go together");
  }
  const credentials = o.turnSharedSecret !== undefined || o.turnUsername !== undefined;
  if (credentials && o.turnHost === undefined) problems.push("TURN credentials need --turn-host");
  const elsewhere = o.enableCloudflareTurn || o.rtcConfigJson !== undefined ||
    o.turnRestUri !== undefined;
  if (o.turnHost !== undefined && !credentials && !elsewhere) {
    problems.push("--turn-host needs --turn-shared-secret, or --turn-username and --turn-password");
  }
  return problems;
}

/** What {@linkcode iceSources} needs besides the options. */
export interface IceSourceDeps {
  /** User name in shared-secret credentials when `--turn-rest-username` is unset. Default `skerry-<hostname>`. */
  defaultUser?: string;
  /** Lifetime of shared-secret credentials, in s. Default 86400. */
  credentialLifetimeS?: number;
  /** Cloudflare API base URL. Default Cloudflare's. */
  cloudflareUrl?: string;
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/** The configured sources, highest precedence first; the last one never fails. */
export function iceSources(o: IceOptions, deps: IceSourceDeps = {}): IceSource[] {
  const sources: IceSource[] = [];
  // Asked only when a source needs it (reading the host name needs a permission).
  const user = () => o.turnRestUsername ?? deps.defaultUser ?? `skerry-${Deno.hostname()}`;
  const fetcher = deps.fetch ? { fetch: deps.fetch } : {};
  if (o.enableCloudflareTurn && o.cloudflareTurnTokenId && o.cloudflareTurnApiToken) {
    const [id, token] = [o.cloudflareTurnTokenId, o.cloudflareTurnApiToken];
    sources.push({
      name: "Cloudflare TURN",
      resolve: (nowMs) =>
        fetchCloudflareTurn(id, token, {
          nowMs,
          ...fetcher,
          ...(deps.cloudflareUrl ? { baseUrl: deps.cloudflareUrl } : {}),
        }),
    });
  }
  if (o.rtcConfigJson !== undefined) sources.push(rtcConfigFile(o.rtcConfigJson));
  if (o.turnRestUri !== undefined) {
    const uri = o.turnRestUri;
    sources.push({
      name: `TURN REST service ${describeUrl(uri)}`,
      pollMs: TURN_REST_POLL_MS,
      resolve: (nowMs) =>
        fetchTurnRest(uri, {
          username: user(),
          protocol: o.turnProtocol,
          tls: o.turnTls,
          headers: {
            username: o.turnRestUsernameAuthHeader,
            protocol: o.turnRestProtocolHeader,
            tls: o.turnRestTlsHeader,
          },
          nowMs,
          ...fetcher,
        }),
    });
  }
  const stun = o.stunHost === undefined ? undefined : { host: o.stunHost, port: o.stunPort };
  const turn: TurnEndpoint | undefined = o.turnHost === undefined ? undefined : {
    host: o.turnHost,
    port: o.turnPort,
    protocol: o.turnProtocol,
    tls: o.turnTls,
  };
  if (turn && o.turnUsername !== undefined && o.turnPassword !== undefined) {
    const credentials = { username: o.turnUsername, credential: o.turnPassword };
    const config = { iceServers: turnIceServers({ stun, turn, credentials }) };
    sources.push({
      name: `TURN user ${o.turnUsername} (${turn.host}:${turn.port})`,
      resolve: () => Promise.resolve({ config }),
    });
  } else if (turn && o.turnSharedSecret !== undefined) {
    const secret = o.turnSharedSecret;
    sources.push({
      name: `TURN shared secret (${turn.host}:${turn.port})`,
      async resolve(nowMs) {
        const { expiresAtMs, ...credentials } = await turnCredentials(secret, user(), {
          nowMs,
          lifetimeS: deps.credentialLifetimeS ?? TURN_CREDENTIAL_LIFETIME_S,
        });
        return { config: { iceServers: turnIceServers({ stun, turn, credentials }) }, expiresAtMs };
      },
    });
  }
  const stunOnly = { iceServers: turnIceServers({ stun }) };
  sources.push({
    name: stun ? `STUN ${stun.host}:${stun.port}` : "no STUN or TURN server (host candidates)",
    resolve: () => Promise.resolve({ config: stunOnly }),
  });
  return sources;
}

/** The `--rtc-config-json` file: read when asked, watched for changes (editors replace files). */
function rtcConfigFile(path: string): IceSource {
  const absolute = resolvePath(path);
  return {
    name: `RTC configuration file ${path}`,
    async resolve(nowMs) {
      let text: string;
      try {
        text = await Deno.readTextFile(absolute);
      } catch (error) {
        const reason = error instanceof Deno.errors.NotFound ? "no such file" : "unreadable";
        throw new Error(`Cannot read RTC configuration file ${path}: ${reason}`);
      }
      return parseRtcConfiguration(text, path, nowMs);
    },
    watch(changed) {
      let watcher: Deno.FsWatcher;
      try {
        watcher = Deno.watchFs(dirname(absolute), { recursive: false });
      } catch {
        return () => {};
      }
      (async () => {
        for await (const event of watcher) {
          if (event.paths.some((p) => resolvePath(p) === absolute)) changed();
        }
      })().catch(() => {});
      return () => watcher.close();
    },
  };
}

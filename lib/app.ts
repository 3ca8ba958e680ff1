/**
 * The HTTP application: the web client, the signalling WebSocket and the
 * health check on one port. `createApp()` never listens, so tests call
 * `app.request()` without a socket; `cli.ts` listens (`Deno.serve`).
 *
 * @module
 */

import { Hono } from "hono";
import { serveStatic, upgradeWebSocket } from "hono/deno";
import { HTTPException } from "hono/http-exception";
import { getLogger } from "@logtape/logtape";
import { metricsResponse, type MetricsSource } from "./metrics/metrics_app.ts";
import type { DesktopHooks } from "./desktop/desktop_hub.ts";
import type { ViewerMonitor } from "./metrics/viewer_monitor.ts";
import { pwaRoutes } from "./pwa/pwa_routes.ts";
import type { PwaOptions } from "./pwa/web_manifest.ts";
import { clientAddressOf } from "./client_address.ts";
import { fileRoutes } from "./files/file_routes.ts";
import type { FileStore } from "./files/file_store.ts";
import { loginGuard, roleOf } from "./login_guard.ts";
import type { Control } from "./roles/control.ts";
import { LoginLimiter } from "./login_limiter.ts";
import { PageTokens } from "./page_token.ts";
import { PAGE_TOKEN_PATH, SIGNALLING_SUBPROTOCOL } from "./protocol/page_token.ts";
import { securityHeaders } from "./security_headers.ts";
import type { IceServerSource, Session } from "./session.ts";
import { type ChannelSink, ViewerConnection } from "./signalling.ts";
import { staticGuard } from "./static_guard.ts";
import { pageTokenRoute, wsGuard } from "./ws_guard.ts";

const log = getLogger(["skerry", "http"]);

/** What the app is built from. */
export interface AppDeps {
  /** The shared media session. */
  session: Session;
  /** Server version. */
  version: string;
  /** Absolute directory of the web client. */
  webRoot: string;
  /** Basic auth credentials (a view-only password too, if any); undefined turns auth off. */
  auth?: { username: string; password: string; viewOnlyPassword?: string };
  /** Who controls the desktop (roles, hand-over); default none: every viewer's input goes in. */
  control?: Control;
  /** File transfer routes (`files`); default none. */
  files?: { store: FileStore; upload: boolean; download: boolean };
  /** Makes the data-channel sink of each viewer (input). */
  channels?: (peer: string) => ChannelSink;
  /** STUN/TURN servers for browsers (`welcome`, `ice-servers`, `/turn`). Default none. */
  iceServers?: IceServerSource;
  /** Serves `/metrics` (authenticated); undefined: no such route. */
  metrics?: MetricsSource;
  /** Receives each browser's `stats`. */
  monitor?: Pick<ViewerMonitor, "clientStats">;
  /** Serves the web app manifest, service worker and icons (unauthenticated). */
  pwa?: PwaOptions;
  /** Whether this server terminates TLS (HSTS; the page's scheme). Default false. */
  https?: boolean;
  /** Other page origins allowed to open `/ws` (a reverse proxy's). Default none. */
  allowedOrigins?: readonly string[];
  /** Reverse proxies whose `X-Forwarded-For` names the client. Default none. */
  trustedProxies?: readonly string[];
  /** Resize, clipboard, cursors and pointer lock of every viewer. Default none. */
  desktop?: DesktopHooks;
  /** Failed-login limit. Default 5 failures a minute block an address for 5 minutes. */
  loginLimiter?: LoginLimiter;
  /** Called when a viewer's socket opens or closes (one-time work is done: lib/memory/). */
  viewersChanged?: () => void;
}

/** Builds the Hono app. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const addressOf = clientAddressOf(deps.trustedProxies ?? []);
  const tokens = new PageTokens();

  app.use("*", securityHeaders({ https: deps.https ?? false }));

  // Liveness: cheap, unauthenticated, reveals nothing. /health is selkies-gstreamer's name.
  app.get("/healthz", (c) => c.text("ok"));
  app.get("/health", (c) => c.text("OK"));
  // Browsers fetch manifests and their icons without credentials.
  if (deps.pwa) app.route("/", pwaRoutes(deps.pwa));

  if (deps.auth) {
    // One guard for everything else, the WebSocket included: browsers resend
    // cached Basic credentials on a same-origin WebSocket upgrade.
    const limiter = deps.loginLimiter ?? new LoginLimiter();
    app.use("*", loginGuard({ credentials: deps.auth, limiter, addressOf }));
  }

  if (deps.files) {
    app.route(
      "/",
      fileRoutes({
        ...deps.files,
        tokens,
        https: deps.https ?? false,
        allowedOrigins: deps.allowedOrigins ?? [],
        addressOf,
      }),
    );
  }

  const metrics = deps.metrics;
  if (metrics) app.get("/metrics", () => metricsResponse(metrics));

  app.get(`/${PAGE_TOKEN_PATH}`, pageTokenRoute(tokens));
  app.get(
    "/ws",
    wsGuard({
      https: deps.https ?? false,
      allowedOrigins: deps.allowedOrigins ?? [],
      tokens,
      addressOf,
    }),
    upgradeWebSocket((c) => {
      const role = roleOf(c);
      let connection: ViewerConnection | undefined;
      return {
        onOpen(_event, ws) {
          connection = new ViewerConnection({
            session: deps.session,
            version: deps.version,
            sendText: (text) => ws.send(text),
            close: (code, reason) => ws.close(code, reason),
            unsent: () => (ws.raw as WebSocket | undefined)?.bufferedAmount ?? 0,
            ...(deps.channels ? { channels: deps.channels } : {}),
            ...(deps.iceServers ? { iceServers: deps.iceServers } : {}),
            ...(deps.monitor ? { monitor: deps.monitor } : {}),
            ...(deps.desktop ? { desktop: deps.desktop } : {}),
            ...(deps.control ? { control: deps.control } : {}),
            role,
          });
          deps.viewersChanged?.();
        },
        onMessage(event) {
          connection?.message(event.data as string | ArrayBuffer | Blob);
        },
        onClose() {
          connection?.closed();
          deps.viewersChanged?.();
        },
        onError() {
          connection?.closed();
        },
      };
    }, { protocol: SIGNALLING_SUBPROTOCOL }),
  );

  // The browser's RTC configuration, as selkies-gstreamer's /turn (credentials: never cached).
  app.get("/turn", (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(deps.iceServers?.current ?? { iceServers: [] });
  });

  app.use("*", async (c, next) => {
    await next();
    // The client is small and changes with the server: always revalidate.
    if (c.res.ok) c.header("Cache-Control", "no-cache");
  });
  app.use("*", staticGuard());
  app.use("*", serveStatic({ root: deps.webRoot }));
  app.notFound((c) => c.text("Not found", 404));

  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    log.error("Request {method} {path} failed: {error}", {
      method: c.req.method,
      path: c.req.path,
      error,
    });
    return c.text("Internal server error", 500);
  });
  return app;
}

/**
 * The HTTP application: the web client, the signalling WebSocket and the
 * health check on one port. `createApp()` never listens, so tests call
 * `app.request()` without a socket; `cli.ts` listens (`Deno.serve`).
 *
 * @module
 */

import { Hono } from "hono";
import { basicAuth } from "hono/basic-auth";
import { serveStatic, upgradeWebSocket } from "hono/deno";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { getLogger } from "@logtape/logtape";
import type { IceServerSource, Session } from "./session.ts";
import { type ChannelSink, ViewerConnection } from "./signalling.ts";

const log = getLogger(["skerry", "http"]);

/** What the app is built from. */
export interface AppDeps {
  /** The shared media session. */
  session: Session;
  /** Server version. */
  version: string;
  /** Absolute directory of the web client. */
  webRoot: string;
  /** Basic auth credentials; undefined turns auth off. */
  auth?: { username: string; password: string };
  /** Makes the data-channel sink of each viewer (input). */
  channels?: (peer: string) => ChannelSink;
  /** STUN/TURN servers for browsers (`welcome`, `ice-servers`, `/turn`). Default none. */
  iceServers?: IceServerSource;
}

/** Builds the Hono app. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  // Liveness: cheap, unauthenticated, reveals nothing.
  app.get("/healthz", (c) => c.text("ok"));

  if (deps.auth) {
    // One guard for everything else, the WebSocket included: browsers resend
    // cached Basic credentials on a same-origin WebSocket upgrade.
    app.use("*", basicAuth({ ...deps.auth, realm: "Skerry" }));
  }

  app.get(
    "/ws",
    upgradeWebSocket(() => {
      let connection: ViewerConnection | undefined;
      return {
        onOpen(_event, ws) {
          connection = new ViewerConnection({
            session: deps.session,
            version: deps.version,
            sendText: (text) => ws.send(text),
            close: (code, reason) => ws.close(code, reason),
            ...(deps.channels ? { channels: deps.channels } : {}),
            ...(deps.iceServers ? { iceServers: deps.iceServers } : {}),
          });
        },
        onMessage(event) {
          connection?.message(event.data as string | ArrayBuffer);
        },
        onClose() {
          connection?.closed();
        },
        onError() {
          connection?.closed();
        },
      };
    }),
  );

  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        connectSrc: ["'self'", "ws:", "wss:"],
        imgSrc: ["'self'", "data:", "blob:"],
        styleSrc: ["'self'", "'unsafe-inline'"],
      },
    }),
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

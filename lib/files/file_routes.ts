/**
 * The file transfer routes (docs/PROTOCOL.md, "File transfer"), mounted
 * behind the login guard when `--file-transfers` is not `none`:
 *
 * - `GET files`: what is on (upload, download, the size limit) and the files
 *   offered for download;
 * - `GET files/<name>`: one file, as an attachment (download on);
 * - `POST files?name=<name>`: the raw body streamed into the folder (upload on).
 *
 * Full-control logins only: a view-only login gets 403. Requests a browser
 * marks as cross-site (`Sec-Fetch-Site`) get 403. An upload also needs the
 * page's own `Origin` (or one of `--allowed-origins`) and a page token in
 * {@linkcode FILE_TOKEN_HEADER}: a form on another site can post with the
 * user's cached credentials, but can neither set that header nor read a token.
 *
 * @module
 */

import { type Context, Hono, type MiddlewareHandler } from "hono";
import { getLogger } from "@logtape/logtape";
import { roleOf } from "../login_guard.ts";
import { checkOrigin } from "../origin.ts";
import type { PageTokens } from "../page_token.ts";
import {
  FILE_TOKEN_HEADER,
  FILES_PATH,
  type FilesResponse,
  type UploadResponse,
} from "../protocol/files.ts";
import { FileRefusedError, type FileStore } from "./file_store.ts";

const log = getLogger(["skerry", "files"]);

/** Options of {@linkcode fileRoutes}. */
export interface FileRoutesOptions {
  /** The folder. */
  store: FileStore;
  /** Whether uploads are on. */
  upload: boolean;
  /** Whether downloads are on. */
  download: boolean;
  /** Checks upload tokens (the `ws-token` ones). */
  tokens: PageTokens;
  /** Whether this server terminates TLS (the page's scheme is then https). */
  https: boolean;
  /** Other page origins allowed, e.g. a reverse proxy's. */
  allowedOrigins: readonly string[];
  /** The client address of a request, for logs. */
  addressOf: (c: Context) => string;
}

/** The routes, as a Hono app to mount at the root. */
export function fileRoutes(options: FileRoutesOptions): Hono {
  const { store } = options;
  const app = new Hono();
  const guard = fullControlOnly(options);
  app.use(`/${FILES_PATH}`, guard);
  app.use(`/${FILES_PATH}/*`, guard);

  app.get(`/${FILES_PATH}`, async (c) => {
    const body: FilesResponse = {
      upload: options.upload,
      download: options.download,
      maxBytes: store.maxBytes,
      files: options.download ? await store.list() : [],
    };
    return c.json(body, 200, { "Cache-Control": "no-store" });
  });

  if (options.download) {
    app.get(`/${FILES_PATH}/:name`, async (c) => {
      const opened = await store.open(c.req.param("name"));
      log.info("Sending {name} ({size} bytes) to {address}", {
        name: opened.name,
        size: opened.size,
        address: options.addressOf(c),
      });
      return c.body(opened.file.readable, 200, {
        "Content-Type": "application/octet-stream",
        "Content-Length": String(opened.size),
        "Content-Disposition": contentDisposition(opened.name),
        "Cache-Control": "no-store",
      });
    });
  }

  if (options.upload) {
    app.post(`/${FILES_PATH}`, async (c) => {
      const refusal = await uploadRefusal(c, options);
      if (refusal !== undefined) {
        log.warn("Refused an upload from {address}: {refusal}", {
          address: options.addressOf(c),
          refusal,
        });
        return c.text("Forbidden: the upload did not come from Skerry's page", 403);
      }
      const length = c.req.header("Content-Length");
      const declared = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
      const saved: UploadResponse = await store.save(
        c.req.query("name") ?? "",
        c.req.raw.body,
        declared === undefined ? {} : { declaredBytes: declared },
      );
      return c.json(saved, 201);
    });
  }

  app.onError((error, c) => {
    if (error instanceof FileRefusedError) {
      log.info("Refused a file transfer from {address}: {reason}", {
        address: options.addressOf(c),
        reason: error.message,
      });
      // The connection may still carry an unread body: ask the client to close it.
      return c.text(error.message, error.status, { Connection: "close" });
    }
    throw error;
  });
  return app;
}

/** 403 for view-only logins and for requests the browser marks as cross-site. */
function fullControlOnly(options: FileRoutesOptions): MiddlewareHandler {
  return async (c, next) => {
    if (roleOf(c) !== "full") {
      log.info("Refused file transfer to a view-only login at {address}", {
        address: options.addressOf(c),
      });
      return c.text("This login is view-only: file transfer needs full control", 403);
    }
    const site = c.req.header("Sec-Fetch-Site");
    if (site !== undefined && site !== "same-origin" && site !== "none") {
      return c.text("Forbidden: cross-site request", 403);
    }
    await next();
  };
}

/** Why an upload is not from Skerry's page (a foreign `Origin`, no valid token), if it is not. */
async function uploadRefusal(
  c: Context,
  options: FileRoutesOptions,
): Promise<string | undefined> {
  const origin = c.req.header("Origin");
  const verdict = checkOrigin({
    origin,
    host: c.req.header("Host") ?? new URL(c.req.url).host,
    forwardedProto: c.req.header("X-Forwarded-Proto"),
    https: options.https,
  }, options.allowedOrigins);
  if (verdict === "refused") return `origin ${origin?.slice(0, 200)}`;
  const token = c.req.header(FILE_TOKEN_HEADER);
  if (!(await options.tokens.verify(token, "full"))) {
    return token === undefined ? "no page token" : "an invalid or expired page token";
  }
  return undefined;
}

/**
 * `attachment` with the name twice: a plain-ASCII fallback (quotes,
 * backslashes and non-ASCII made `_`) and the exact name in UTF-8 (RFC 6266).
 */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const exact = encodeURIComponent(name).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

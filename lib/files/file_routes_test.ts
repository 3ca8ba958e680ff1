import assert from "node:assert/strict";
import { createApp } from "../app.ts";
import type { Session } from "../session.ts";
import { FileStore } from "./file_store.ts";
import { contentDisposition } from "./file_routes.ts";
import { FILE_TOKEN_HEADER, type FilesResponse } from "../protocol/files.ts";

const NO_SESSION: Session = {
  viewerCount: 0,
  full: false,
  join: () => false,
  leave: () => {},
  answer: () => {},
  ice: () => {},
  iceRestart: () => {},
  settings: () => {},
};

const AUTH = { username: "ada", password: "full-pass", viewOnlyPassword: "view-pass" };
const FULL = { Authorization: `Basic ${btoa("ada:full-pass")}` };
const VIEW = { Authorization: `Basic ${btoa("ada:view-pass")}` };
const ORIGIN = "http://localhost";

async function withFiles(
  fn: (app: ReturnType<typeof createApp>, dir: string) => Promise<void>,
  files: { upload?: boolean; download?: boolean; maxBytes?: number } = {},
) {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  const store = new FileStore({ dir, maxBytes: files.maxBytes ?? 1024 });
  const app = createApp({
    session: NO_SESSION,
    version: "0",
    webRoot: dir,
    auth: AUTH,
    files: { store, upload: files.upload ?? true, download: files.download ?? true },
  });
  try {
    await fn(app, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function token(app: ReturnType<typeof createApp>, headers = FULL): Promise<string> {
  const res = await app.request("/ws-token", { headers });
  return (await res.json()).token;
}

async function upload(
  app: ReturnType<typeof createApp>,
  name: string,
  body: BodyInit,
  headers: Record<string, string>,
) {
  const res = await app.request(`/files?name=${encodeURIComponent(name)}`, {
    method: "POST",
    body,
    headers,
  });
  return { status: res.status, text: await res.text() };
}

Deno.test("file routes refuse view-only logins with 403, every route", async () => {
  await withFiles(async (app, dir) => {
    await Deno.writeTextFile(`${dir}/a.txt`, "a");
    const viewToken = await token(app, VIEW);
    for (
      const [path, init] of [
        ["/files", {}],
        ["/files/a.txt", {}],
        ["/files?name=b.txt", {
          method: "POST",
          body: "b",
          headers: { Origin: ORIGIN, [FILE_TOKEN_HEADER]: viewToken },
        }],
      ] as const
    ) {
      const headers = { ...VIEW, ...("headers" in init ? init.headers : {}) };
      const res = await app.request(path, { ...init, headers });
      assert.equal(res.status, 403, path);
      assert.equal(await res.text(), "This login is view-only: file transfer needs full control");
    }
    assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name), ["a.txt"]);
  });
});

Deno.test("GET files says what is on and lists the folder for full control", async () => {
  await withFiles(async (app, dir) => {
    await Deno.writeTextFile(`${dir}/a.txt`, "abc");
    const res = await app.request("/files", { headers: FULL });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("Cache-Control"), "no-store");
    const body: FilesResponse = await res.json();
    assert.equal(body.upload, true);
    assert.equal(body.download, true);
    assert.equal(body.maxBytes, 1024);
    assert.deepEqual(body.files.map((f) => [f.name, f.size]), [["a.txt", 3]]);
    const unauthenticated = await app.request("/files");
    assert.equal(unauthenticated.status, 401);
    await unauthenticated.body?.cancel();
  });
});

Deno.test("POST files needs the page's origin and a page token", async () => {
  await withFiles(async (app, dir) => {
    const good = await token(app);
    assert.deepEqual(await upload(app, "x.txt", "x", { ...FULL, Origin: ORIGIN }), {
      status: 403,
      text: "Forbidden: the upload did not come from Skerry's page",
    });
    assert.equal(
      (await upload(app, "x.txt", "x", { ...FULL, Origin: ORIGIN, [FILE_TOKEN_HEADER]: "1.x" }))
        .status,
      403,
    );
    assert.equal(
      (await upload(app, "x.txt", "x", {
        ...FULL,
        Origin: "https://evil.example",
        [FILE_TOKEN_HEADER]: good,
      })).status,
      403,
    );
    assert.equal(
      (await upload(app, "x.txt", "x", {
        ...FULL,
        Origin: ORIGIN,
        "Sec-Fetch-Site": "cross-site",
        [FILE_TOKEN_HEADER]: good,
      })).status,
      403,
    );
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
    const saved = await upload(app, "x.txt", "hello", {
      ...FULL,
      Origin: ORIGIN,
      [FILE_TOKEN_HEADER]: good,
    });
    assert.deepEqual(saved, { status: 201, text: '{"name":"x.txt","size":5}' });
    assert.equal(await Deno.readTextFile(`${dir}/x.txt`), "hello");
  });
});

Deno.test("POST files answers hostile names and oversized bodies with the reason", async () => {
  await withFiles(async (app, dir) => {
    const headers = { ...FULL, Origin: ORIGIN, [FILE_TOKEN_HEADER]: await token(app) };
    assert.deepEqual(await upload(app, "../../etc/x", "x", headers), {
      status: 400,
      text: 'Cannot accept the file name "../../etc/x": it contains a path separator (/ or \\)',
    });
    assert.equal((await upload(app, "a\u0000b", "x", headers)).status, 400);
    assert.deepEqual(await upload(app, "big.bin", new Uint8Array(2048), headers), {
      status: 413,
      text: '"big.bin" is over the limit of 1 KiB',
    });
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
  });
});

Deno.test("GET files/<name> sends a file as an attachment, never a symlink", async () => {
  await withFiles(async (app, dir) => {
    await Deno.writeTextFile(`${dir}/Résumé "final".txt`, "CV");
    await Deno.symlink("/etc/hostname", `${dir}/host`);
    const res = await app.request(`/files/${encodeURIComponent('Résumé "final".txt')}`, {
      headers: FULL,
    });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "CV");
    assert.equal(res.headers.get("Content-Type"), "application/octet-stream");
    assert.equal(res.headers.get("Content-Length"), "2");
    assert.equal(
      res.headers.get("Content-Disposition"),
      `attachment; filename="R_sum_ _final_.txt"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22.txt`,
    );
    const link = await app.request("/files/host", { headers: FULL });
    assert.equal(link.status, 404);
    assert.equal(await link.text(), '"host" is a symbolic link: only files are sent');
    const traversal = await app.request(`/files/${encodeURIComponent("../app.ts")}`, {
      headers: FULL,
    });
    assert.equal(traversal.status, 400);
    await traversal.body?.cancel();
  });
});

Deno.test("file routes exist only for the directions that are on", async () => {
  await withFiles(async (app, dir) => {
    await Deno.writeTextFile(`${dir}/a.txt`, "a");
    const list: FilesResponse = await (await app.request("/files", { headers: FULL })).json();
    assert.deepEqual([list.upload, list.download, list.files], [true, false, []]);
    const res = await app.request("/files/a.txt", { headers: FULL });
    assert.equal(res.status, 404);
    await res.body?.cancel();
  }, { download: false });
  await withFiles(async (app) => {
    const headers = { ...FULL, Origin: ORIGIN, [FILE_TOKEN_HEADER]: await token(app) };
    assert.equal((await upload(app, "a.txt", "a", headers)).status, 404);
  }, { upload: false });
});

Deno.test("contentDisposition() gives an ASCII fallback and the exact UTF-8 name", () => {
  assert.equal(
    contentDisposition("a b.txt"),
    `attachment; filename="a b.txt"; filename*=UTF-8''a%20b.txt`,
  );
  assert.equal(
    contentDisposition("中文 (1)'s.pdf"),
    `attachment; filename="__ (1)'s.pdf"; filename*=UTF-8''%E4%B8%AD%E6%96%87%20%281%29%27s.pdf`,
  );
});

import assert from "node:assert/strict";
import { FileRefusedError, FileStore } from "./file_store.ts";

/** A store on a fresh temporary folder, removed afterwards. */
async function withStore(
  fn: (store: FileStore, dir: string) => Promise<void>,
  options: { maxBytes?: number; maxUploads?: number; idleMs?: number } = {},
) {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await fn(new FileStore({ dir, maxBytes: options.maxBytes ?? 1024, ...options }), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A body of `chunks`, sent one by one. */
function body(...chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return ReadableStream.from(chunks.map((c) => typeof c === "string" ? encoder.encode(c) : c));
}

async function names(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
}

async function refusal(promise: Promise<unknown>): Promise<[number, string]> {
  const error = await promise.then(() => assert.fail("not refused"), (e) => e);
  assert.ok(error instanceof FileRefusedError, String(error));
  return [error.status, error.message];
}

Deno.test("FileStore.save() streams the body into the folder, 0600, under its name", async () => {
  await withStore(async (store, dir) => {
    assert.deepEqual(await store.save("notes.txt", body("hello ", "world")), {
      name: "notes.txt",
      size: 11,
    });
    assert.equal(await Deno.readTextFile(`${dir}/notes.txt`), "hello world");
    assert.equal((await Deno.stat(`${dir}/notes.txt`)).mode! & 0o777, 0o600);
    assert.deepEqual(await names(dir), ["notes.txt"], "no temporary file left");
    assert.deepEqual(await store.save("empty", null), { name: "empty", size: 0 });
  });
});

Deno.test("FileStore.save() numbers a taken name and never replaces a file or a symlink", async () => {
  await withStore(async (store, dir) => {
    await Deno.writeTextFile(`${dir}/a.txt`, "mine");
    await Deno.symlink("/nonexistent/dangling", `${dir}/a (1).txt`);
    assert.equal((await store.save("a.txt", body("1"))).name, "a (2).txt");
    assert.equal((await store.save("a.txt", body("2"))).name, "a (3).txt");
    assert.equal(await Deno.readTextFile(`${dir}/a.txt`), "mine");
    assert.equal(await Deno.readTextFile(`${dir}/a (3).txt`), "2");
    assert.equal((await Deno.lstat(`${dir}/a (1).txt`)).isSymlink, true);
  });
});

Deno.test("FileStore.save() refuses a name that is a symlink in the folder, writing nothing", async () => {
  await withStore(async (store, dir) => {
    const outside = await Deno.makeTempFile();
    try {
      await Deno.writeTextFile(outside, "precious");
      await Deno.symlink(outside, `${dir}/evil.txt`);
      assert.deepEqual(await refusal(store.save("evil.txt", body("overwritten"))), [
        409,
        '"evil.txt" is a symbolic link in the folder: refusing to write through it',
      ]);
      assert.equal(await Deno.readTextFile(outside), "precious");
      assert.deepEqual(await names(dir), ["evil.txt"]);
    } finally {
      await Deno.remove(outside);
    }
  });
});

Deno.test("FileStore.save() refuses hostile names with the reason", async () => {
  await withStore(async (store, dir) => {
    assert.deepEqual(await refusal(store.save("../../etc/x", body("x"))), [
      400,
      'Cannot accept the file name "../../etc/x": it contains a path separator (/ or \\)',
    ]);
    assert.deepEqual(await refusal(store.save("a\0b", body("x"))), [
      400,
      'Cannot accept the file name "a\\u0000b": it contains a NUL character',
    ]);
    assert.deepEqual(await names(dir), []);
  });
});

Deno.test("FileStore.save() refuses a declared size over the limit before writing", async () => {
  await withStore(async (store, dir) => {
    const [status, message] = await refusal(
      store.save("big.bin", body("x"), { declaredBytes: 3 * 1024 * 1024 }),
    );
    assert.deepEqual([status, message], [413, '"big.bin" is 3 MiB: over the limit of 1 MiB']);
    assert.deepEqual(await names(dir), []);
  }, { maxBytes: 1024 * 1024 });
});

Deno.test("FileStore.save() cuts off a body longer than the limit and removes it", async () => {
  await withStore(async (store, dir) => {
    const chunk = new Uint8Array(400);
    let pulled = 0;
    // An endless body: the store must stop reading it.
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(chunk);
      },
    });
    assert.equal((await refusal(store.save("lie.bin", endless, { declaredBytes: 10 })))[0], 413);
    assert.ok(pulled <= 4, `read ${pulled} chunks`);
    assert.deepEqual(await names(dir), []);
    // Exactly the limit is fine.
    assert.equal((await store.save("fits.bin", body(new Uint8Array(1024)))).size, 1024);
  }, { maxBytes: 1024 });
});

Deno.test("FileStore.save() removes a partial upload when the body fails or stalls", async () => {
  await withStore(async (store, dir) => {
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(10));
        controller.error(new Error("connection reset"));
      },
    });
    await assert.rejects(store.save("cut.bin", failing), /connection reset/);
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(10));
      },
    });
    assert.deepEqual(await refusal(store.save("slow.bin", stalled)), [
      408,
      "Nothing arrived for 0.05 s",
    ]);
    assert.deepEqual(await names(dir), []);
  }, { idleMs: 50 });
});

Deno.test("FileStore.save() refuses uploads past maxUploads at once", async () => {
  await withStore(async (store) => {
    let release!: () => void;
    const first = store.save(
      "one.bin",
      new ReadableStream({
        async pull(controller) {
          await new Promise<void>((resolve) => release = resolve);
          controller.close();
        },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(await refusal(store.save("two.bin", body("x"))), [
      429,
      "Too many uploads at once: wait for one to finish",
    ]);
    release();
    assert.equal((await first).name, "one.bin");
    assert.equal((await store.save("two.bin", body("x"))).name, "two.bin");
  }, { maxUploads: 1 });
});

Deno.test("FileStore.list() lists regular files newest first, no hidden files, folders or symlinks", async () => {
  await withStore(async (_store, dir) => {
    const store = new FileStore({ dir, maxBytes: 1 });
    await Deno.writeTextFile(`${dir}/old.txt`, "12345");
    await Deno.utime(`${dir}/old.txt`, 1_000, 1_000);
    await Deno.writeTextFile(`${dir}/new.txt`, "1");
    await Deno.utime(`${dir}/new.txt`, 2_000, 2_000);
    await Deno.writeTextFile(`${dir}/.hidden`, "secret");
    await Deno.mkdir(`${dir}/folder`);
    await Deno.symlink("/etc/passwd", `${dir}/passwd`);
    assert.deepEqual(await store.list(), [
      { name: "new.txt", size: 1, modified: 2_000_000 },
      { name: "old.txt", size: 5, modified: 1_000_000 },
    ]);
  });
});

Deno.test("FileStore.open() opens regular files only, never through a symlink", async () => {
  await withStore(async (store, dir) => {
    await Deno.writeTextFile(`${dir}/report.pdf`, "%PDF");
    await Deno.symlink("/etc/passwd", `${dir}/passwd`);
    await Deno.mkdir(`${dir}/folder`);
    const opened = await store.open("report.pdf");
    assert.equal(opened.size, 4);
    assert.equal(await new Response(opened.file.readable).text(), "%PDF");
    assert.deepEqual(await refusal(store.open("passwd")), [
      404,
      '"passwd" is a symbolic link: only files are sent',
    ]);
    assert.deepEqual(await refusal(store.open("folder")), [404, 'No file "folder" in the folder']);
    assert.deepEqual(await refusal(store.open("nope")), [404, 'No file "nope" in the folder']);
    assert.equal((await refusal(store.open("../../etc/passwd")))[0], 400);
  });
});

Deno.test("FileStore says so when the folder is gone", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.remove(dir);
  const store = new FileStore({ dir, maxBytes: 10 });
  const missing = [503, "The transfer folder is missing on the desktop host"];
  assert.deepEqual(await refusal(store.list()), missing);
  assert.deepEqual(await refusal(store.save("a.txt", body("x"))), missing);
  assert.deepEqual(await refusal(store.open("a.txt")), missing);
});

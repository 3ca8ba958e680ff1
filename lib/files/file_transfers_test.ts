import assert from "node:assert/strict";
import { openFileTransfers } from "./file_transfers.ts";

const yes = () => Promise.resolve(true);

Deno.test("openFileTransfers() is undefined when transfers are off", async () => {
  assert.equal(
    await openFileTransfers({
      fileTransfers: "none",
      fileTransferDir: "/nonexistent",
      fileTransferMaxMb: 1,
    }),
    undefined,
  );
});

Deno.test("openFileTransfers() makes $HOME/Downloads (0700) when no folder is given", async () => {
  const home = await Deno.makeTempDir();
  try {
    const transfers = await openFileTransfers(
      { fileTransfers: "both", fileTransferDir: undefined, fileTransferMaxMb: 2 },
      { home: `${home}/`, allowed: yes },
    );
    assert.equal(transfers?.dir, `${await Deno.realPath(home)}/Downloads`);
    assert.equal([transfers?.upload, transfers?.download].join(), "true,true");
    assert.equal(transfers?.store.maxBytes, 2 * 1024 * 1024);
    assert.equal((await Deno.stat(`${home}/Downloads`)).mode! & 0o777, 0o700);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("openFileTransfers() resolves a folder reached through a symlink once", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.mkdir(`${root}/real`);
    await Deno.symlink(`${root}/real`, `${root}/link`);
    const transfers = await openFileTransfers(
      { fileTransfers: "download", fileTransferDir: `${root}/link`, fileTransferMaxMb: 1 },
      { allowed: yes },
    );
    assert.equal(transfers?.dir, `${root}/real`);
    assert.equal([transfers?.upload, transfers?.download].join(), "false,true");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("openFileTransfers() says which permission is missing", async () => {
  await assert.rejects(
    openFileTransfers(
      { fileTransfers: "upload", fileTransferDir: "/srv/drop", fileTransferMaxMb: 1 },
      { allowed: (name) => Promise.resolve(name === "read") },
    ),
    {
      message:
        "--file-transfers=upload needs to write /srv/drop, which Deno's permissions do not allow: run deno with --allow-write=/srv/drop too",
    },
  );
  // Downloads only need reading.
  const file = await Deno.makeTempFile();
  try {
    await assert.rejects(
      openFileTransfers(
        { fileTransfers: "download", fileTransferDir: file, fileTransferMaxMb: 1 },
        { allowed: (name) => Promise.resolve(name === "read") },
      ),
      { message: `--file-transfer-dir=${file} is not a folder` },
    );
  } finally {
    await Deno.remove(file);
  }
  await assert.rejects(
    openFileTransfers(
      { fileTransfers: "both", fileTransferDir: undefined, fileTransferMaxMb: 1 },
      { home: undefined, allowed: yes },
    ),
    { message: "--file-transfers=both needs --file-transfer-dir: HOME is not set" },
  );
});

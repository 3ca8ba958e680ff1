import assert from "node:assert/strict";
import type { PeerStats } from "../protocol/stats.ts";
import { CSV_HEADER, csvFileName, csvRow, StatisticsCsv } from "./statistics_csv.ts";

const HELPER: PeerStats = {
  framesSent: 30,
  packetsSent: 90,
  bytesSent: 50_000,
  packetsLost: 0,
  nackCount: 0,
  pliCount: 1,
  firCount: 0,
  roundTripTimeMs: 1.5,
  localCandidateType: "host",
};

Deno.test("csvRow() writes the helper's numbers, then the browser's, empty where unknown", () => {
  const row = csvRow(new Date("2026-01-02T03:04:05.678Z"), HELPER, {
    fps: 30,
    framesDecoded: 29,
    framesDropped: 1,
    latencyMs: 31.5,
    latencySource: "network-and-receiver",
  });
  assert.equal(
    row,
    "2026-01-02T03:04:05.678Z,30,90,50000,,0,,0,1,0,1.5,,,host,,30,29,1,,,,,,,31.5,network-and-receiver\n",
  );
  assert.equal(row.split(",").length, CSV_HEADER.split(",").length);
  assert.match(
    CSV_HEADER,
    /^time,helper_framesSent,helper_packetsSent,.*,browser_latencySource\n$/,
  );
});

Deno.test("csvFileName() names the viewer and the UTC time it joined", () => {
  assert.equal(
    csvFileName("p12", new Date("2026-01-02T03:04:05.678Z")),
    "skerry-webrtc-stats-p12-20260102T030405Z.csv",
  );
});

Deno.test("StatisticsCsv writes one private file per viewer, a row per helper report", async () => {
  const dir = await Deno.makeTempDir();
  let now = new Date("2026-01-02T03:04:05Z").getTime();
  const csv = new StatisticsCsv({ dir, now: () => new Date(now) });
  try {
    csv.viewerJoined("p1");
    csv.peerStats("p1", HELPER);
    csv.clientStats("p1", { fps: 30, framesDecoded: 29, framesDropped: 0 });
    now += 1000;
    csv.peerStats("p1", { ...HELPER, framesSent: 60 });
    now += 10_000; // the browser went quiet: its old numbers are left out
    csv.peerStats("p1", { ...HELPER, framesSent: 90 });
    csv.peerStats("p2", HELPER); // never joined: nothing
    await csv.flush();
    const path = `${dir}/skerry-webrtc-stats-p1-20260102T030405Z.csv`;
    const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
    assert.equal(lines.length, 4);
    assert.equal(lines[0] + "\n", CSV_HEADER);
    assert.match(lines[1]!, /^2026-01-02T03:04:05.000Z,30,.*,host,,,,,/);
    assert.match(lines[2]!, /^2026-01-02T03:04:06.000Z,60,.*,host,,30,29,0,/);
    assert.match(lines[3]!, /^2026-01-02T03:04:16.000Z,90,.*,host,,,,,/);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [
      "skerry-webrtc-stats-p1-20260102T030405Z.csv",
    ]);
    csv.viewerLeft("p1");
    csv.peerStats("p1", HELPER);
    await csv.close();
    assert.equal((await Deno.readTextFile(path)).trimEnd().split("\n").length, 4);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("StatisticsCsv never follows a file or symlink already at its path", async () => {
  const dir = await Deno.makeTempDir();
  const now = new Date("2026-01-02T03:04:05Z");
  const csv = new StatisticsCsv({ dir, now: () => now });
  try {
    const target = `${dir}/target`;
    await Deno.writeTextFile(target, "keep\n");
    await Deno.symlink(target, `${dir}/${csvFileName("p1", now)}`);
    csv.viewerJoined("p1");
    csv.peerStats("p1", HELPER);
    await csv.close();
    assert.equal(await Deno.readTextFile(target), "keep\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("StatisticsCsv stops a file at maxBytes", async () => {
  const dir = await Deno.makeTempDir();
  const now = new Date("2026-01-02T03:04:05Z");
  const row = csvRow(now, HELPER, undefined);
  const maxBytes = CSV_HEADER.length + 2 * row.length + 10;
  const csv = new StatisticsCsv({ dir, maxBytes, now: () => now });
  try {
    csv.viewerJoined("p1");
    for (let i = 0; i < 10; i++) csv.peerStats("p1", HELPER);
    await csv.close();
    const [entry] = [...Deno.readDirSync(dir)];
    const text = await Deno.readTextFile(`${dir}/${entry!.name}`);
    assert.equal(text, CSV_HEADER + row + row);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

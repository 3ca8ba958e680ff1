import assert from "node:assert/strict";
import { parsePrometheus } from "../../test/fixtures/prometheus.ts";
import { formatNumber, Registry } from "./registry.ts";

Deno.test("Registry.render() writes HELP, TYPE and samples in the exposition format", () => {
  const r = new Registry();
  const viewers = r.gauge({ name: "x_viewers", help: "Viewers connected" });
  const bytes = r.counter({
    name: "x_bytes_sent_total",
    help: "Bytes sent",
    labelNames: ["peer"],
  });
  viewers.set({}, 2);
  bytes.inc({ peer: "p1" }, 1500);
  bytes.inc({ peer: "p2" });
  assert.equal(
    r.render(),
    [
      "# HELP x_viewers Viewers connected",
      "# TYPE x_viewers gauge",
      "x_viewers 2",
      "# HELP x_bytes_sent_total Bytes sent",
      "# TYPE x_bytes_sent_total counter",
      'x_bytes_sent_total{peer="p1"} 1500',
      'x_bytes_sent_total{peer="p2"} 1',
      "",
    ].join("\n"),
  );
});

Deno.test("Registry.render() escapes help text and label values", () => {
  const r = new Registry();
  const g = r.gauge({ name: "x_info", help: 'a \\ b\nc "d"', labelNames: ["v"] });
  g.set({ v: 'q"u\\o\nte' }, 1);
  const text = r.render();
  assert.equal(
    text,
    '# HELP x_info a \\\\ b\\nc "d"\n# TYPE x_info gauge\nx_info{v="q\\"u\\\\o\\nte"} 1\n',
  );
  const [family] = parsePrometheus(text);
  assert.equal(family!.help, 'a \\ b\nc "d"');
  assert.deepEqual(family!.samples[0]!.labels, { v: 'q"u\\o\nte' });
});

Deno.test("Histogram renders cumulative buckets, +Inf, _sum and _count", () => {
  const r = new Registry();
  const h = r.histogram({ name: "x_latency_seconds", help: "Latency", buckets: [0.01, 0.05] });
  for (const v of [0.005, 0.02, 0.03, 0.2]) h.observe({}, v);
  assert.equal(
    r.render(),
    [
      "# HELP x_latency_seconds Latency",
      "# TYPE x_latency_seconds histogram",
      'x_latency_seconds_bucket{le="0.01"} 1',
      'x_latency_seconds_bucket{le="0.05"} 3',
      'x_latency_seconds_bucket{le="+Inf"} 4',
      "x_latency_seconds_sum 0.255",
      "x_latency_seconds_count 4",
      "",
    ].join("\n"),
  );
  assert.equal(parsePrometheus(r.render())[0]!.samples.length, 5);
});

Deno.test("Registry.removeSeries() drops a peer's series from every metric", () => {
  const r = new Registry();
  const a = r.counter({ name: "x_a_total", help: "a", labelNames: ["peer"] });
  const b = r.gauge({ name: "x_b", help: "b", labelNames: ["peer", "type"] });
  const c = r.gauge({ name: "x_c", help: "c" });
  a.inc({ peer: "p1" });
  a.inc({ peer: "p2" });
  b.set({ peer: "p1", type: "host" }, 1);
  c.set({}, 3);
  r.removeSeries("peer", "p1");
  const samples = parsePrometheus(r.render()).flatMap((f) => f.samples);
  assert.deepEqual(samples.map((s) => [s.name, s.labels.peer ?? ""]), [
    ["x_a_total", "p2"],
    ["x_c", ""],
  ]);
});

Deno.test("a metric keeps at most maxSeries series", () => {
  const r = new Registry();
  const g = r.gauge({ name: "x_g", help: "g", labelNames: ["peer"], maxSeries: 2 });
  for (const peer of ["p1", "p2", "p3"]) g.set({ peer }, 1);
  g.set({ peer: "p1" }, 5);
  assert.deepEqual(parsePrometheus(r.render())[0]!.samples.map((s) => [s.labels.peer, s.value]), [
    ["p1", 5],
    ["p2", 1],
  ]);
});

Deno.test("Registry rejects bad names, wrong labels, duplicates and negative increments", () => {
  const r = new Registry();
  assert.throws(() => r.gauge({ name: "9lives", help: "" }), RangeError);
  assert.throws(() => r.gauge({ name: "x", help: "", labelNames: ["le"] }), RangeError);
  assert.throws(() => r.gauge({ name: "x", help: "", labelNames: ["__x"] }), RangeError);
  const c = r.counter({ name: "x_total", help: "", labelNames: ["peer"] });
  assert.throws(() => r.gauge({ name: "x_total", help: "" }), /already defined/);
  assert.throws(() => c.inc({}), /takes labels \[peer\], got \[\]/);
  assert.throws(() => c.inc({ peer: "p", other: "q" }), RangeError);
  assert.throws(() => c.inc({ peer: "p" }, -1), RangeError);
  assert.throws(
    () => r.histogram({ name: "x_h", help: "", buckets: [1, 1] }),
    /buckets must ascend/,
  );
});

Deno.test("Registry.onCollect() refreshes values before each render", () => {
  const r = new Registry();
  const g = r.gauge({ name: "x_live", help: "live" });
  let n = 0;
  r.onCollect(() => g.set({}, ++n));
  assert.match(r.render(), /^x_live 1$/m);
  assert.match(r.render(), /^x_live 2$/m);
});

Deno.test("formatNumber() spells infinities and NaN as Prometheus does", () => {
  assert.deepEqual([Infinity, -Infinity, NaN, 0.25, 12].map(formatNumber), [
    "+Inf",
    "-Inf",
    "NaN",
    "0.25",
    "12",
  ]);
});

Deno.test("parsePrometheus() refuses what a scraper would", () => {
  for (
    const bad of [
      "x 1", // no final newline
      "x{a=1} 1\n", // unquoted label value
      "x one\n",
      "# TYPE x counter\nx -1\n",
      "x 1\ny 1\nx 2\n", // not contiguous
      'x{a="1"} 1\nx{a="1"} 2\n', // duplicate series
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_count 2\n', // no +Inf bucket
    ]
  ) {
    assert.throws(() => parsePrometheus(bad), SyntaxError, bad);
  }
});

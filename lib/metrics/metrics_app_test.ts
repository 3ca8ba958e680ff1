import assert from "node:assert/strict";
import { metricsApp } from "./metrics_app.ts";

Deno.test("metricsApp() serves /metrics without credentials and nothing else", async () => {
  const app = metricsApp({ render: () => "x 1\n" });
  const res = await app.request("/metrics");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  assert.equal(await res.text(), "x 1\n");
  for (const path of ["/", "/ws", "/index.html", "/health"]) {
    const other = await app.request(path);
    assert.equal(other.status, 404, path);
    await other.body?.cancel();
  }
});

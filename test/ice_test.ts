/**
 * ICE hygiene with real parts, in the tests' own network namespace (iptables
 * rules there touch nothing else; the steps are skipped elsewhere):
 * - with UDP blocked the stream still connects, over ICE-TCP;
 * - the helper sends no UPnP/SSDP multicast (libnice's UPnP is on by default);
 * - when the browser's path breaks, it asks for an ICE restart and gets its
 *   frames back on the same connection, without a new page.
 */

import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { startXvfb } from "../lib/display.ts";
import { pollUntil } from "../lib/poll.ts";
import { addRules, ownNetworkNamespace, packetCount } from "./_firewall.ts";
import { launchBrowser, run, startServer, type TestBrowser, videoStats } from "./_harness.ts";
import { recordSignalling, remoteUfrag, selectedPair } from "./_ice_stats.ts";

const ISOLATED = ownNetworkNamespace();

/** Resolves once the page has decoded `count` frames more than it had. */
async function framesFlow(page: Page, count = 10, timeoutMs = 20_000): Promise<void> {
  const start = (await videoStats(page)).framesDecoded;
  await pollUntil(async () => (await videoStats(page)).framesDecoded >= start + count, {
    what: `${count} more decoded frames`,
    timeoutMs,
  });
}

async function openPage(browser: TestBrowser, url: string) {
  const page = await browser.context.newPage();
  const frames = recordSignalling(page);
  await page.goto(url);
  return { page, frames };
}

Deno.test({
  name: "ICE: TCP when UDP is blocked, no SSDP, restarts on the same connection",
  ignore: !ISOLATED,
  async fn(t) {
    const display = await startXvfb({ width: 640, height: 480 });
    const server = await startServer({ display });
    const browser = await launchBrowser(server.url);
    try {
      await t.step("with UDP blocked, frames flow over ICE-TCP", async () => {
        const rules = await addRules([["-p", "udp", "-j", "DROP"]]);
        try {
          const { page } = await openPage(browser, server.url);
          await framesFlow(page);
          const pair = await pollUntil(() => selectedPair(page), { what: "a selected pair" });
          assert.equal(pair.protocol, "tcp");
          await page.close();
        } finally {
          await rules.remove();
        }
      });

      await t.step("the helper sends no SSDP multicast while a viewer connects", async () => {
        // An interface that can multicast (the namespace's loopback cannot), with a route for SSDP.
        const link = "skerry-ssdp0";
        await run("ip", ["link", "add", link, "type", "veth", "peer", "name", `${link}p`]);
        const rules = await addRules([["-p", "udp", "-d", "239.255.255.250", "--dport", "1900"]]);
        try {
          await run("ip", ["link", "set", `${link}p`, "up"]);
          await run("ip", ["link", "set", link, "multicast", "on", "up"]);
          await run("ip", ["addr", "add", "10.199.0.1/24", "dev", link]);
          await run("ip", ["route", "add", "239.0.0.0/8", "dev", link]);
          const count = () => packetCount(["239.255.255.250", "dpt:1900"]);
          // The rule counts an M-SEARCH: this one, sent here, must show.
          await run("bash", [
            "-c",
            String
              .raw`printf 'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n' >/dev/udp/239.255.255.250/1900`,
          ]);
          const sent = await count();
          assert.ok(sent > 0, "the rule does not count SSDP");
          const { page } = await openPage(browser, server.url);
          await framesFlow(page);
          // libnice maps ports while it gathers, long before frames flow; allow one more second.
          await new Promise((resolve) => setTimeout(resolve, 1000));
          assert.equal(await count(), sent, "the helper multicast SSDP");
          await page.close();
        } finally {
          await rules.remove();
          await run("ip", ["link", "del", link]).catch(() => {});
        }
      });

      await t.step(
        "a broken path gets an ICE restart: frames come back on the same connection",
        async () => {
          const { page, frames } = await openPage(browser, server.url);
          await framesFlow(page);
          const before = await pollUntil(() => selectedPair(page), { what: "a selected pair" });
          const ufrag = await remoteUfrag(page);
          // Break the browser's path: its UDP port, and the helper's ICE-TCP port (a way around).
          const tcpPassive = frames.map((f) => String(f.message.candidate ?? ""))
            .find((c) => / tcptype passive/.test(c))?.split(" ")[5];
          assert.ok(tcpPassive, "the helper offered no passive TCP candidate");
          const rules = await addRules([
            ["-p", "udp", "--sport", String(before.localPort), "-j", "DROP"],
            ["-p", "udp", "--dport", String(before.localPort), "-j", "DROP"],
            ["-p", "tcp", "--sport", tcpPassive, "-j", "DROP"],
            ["-p", "tcp", "--dport", tcpPassive, "-j", "DROP"],
          ]);
          try {
            await pollUntil(
              () => frames.some((f) => f.direction === "out" && f.message.type === "ice-restart"),
              { what: "the page to ask for an ICE restart", timeoutMs: 15_000 },
            );
            await framesFlow(page, 10, 15_000).catch((error) => {
              const said = frames.map((f) => `${f.direction}:${f.message.type}`).join(" ");
              throw new Error(`${(error as Error).message}; signalling: ${said}`);
            });
            const after = await pollUntil(() => selectedPair(page), { what: "a selected pair" });
            assert.notEqual(after.localPort, before.localPort);
            assert.notEqual(await remoteUfrag(page), ufrag);
            const pcs = await page.evaluate(() =>
              (window as unknown as { __pcs: unknown[] }).__pcs.length
            );
            assert.equal(pcs, 1, "a new peer connection instead of an ICE restart");
          } finally {
            await rules.remove();
            await page.close();
          }
        },
      );
    } finally {
      await browser.close();
      await server.stop();
      await display.stop();
    }
  },
});

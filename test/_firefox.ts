/**
 * Debian's Firefox ESR for the integration tests, driven by puppeteer-core
 * over WebDriver BiDi (never a downloaded browser), and the network it needs.
 *
 * Firefox gathers no usable host candidate on `lo` or on a loopback-range
 * address, so the test gives the namespace a veth pair with private
 * addresses and a default route (docs of the recipe:
 * shared/reference/testing-webrtc-locally.md, "Firefox in the namespace").
 * Only ever inside the tests' own network namespace, and removed afterwards
 * (other tests check that the namespace holds nothing but loopback).
 *
 * @module
 */

import { recordPeerConnections } from "./_pc_recorder.ts";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { ownNetworkNamespace } from "./_firewall.ts";
import { AUTH, run } from "./_harness.ts";

/** Where Debian installs Firefox ESR. */
export const FIREFOX = "/usr/bin/firefox-esr";

/** Why Firefox tests cannot run here, or null when they can. */
export function firefoxUnavailable(): string | null {
  try {
    Deno.statSync(FIREFOX);
  } catch {
    return `${FIREFOX} is not installed (tools/setup --test installs it)`;
  }
  if (!ownNetworkNamespace()) return "not in a network namespace of the tests' own";
  return null;
}

/** The address the veth pair gives this side: what Firefox's candidates carry. */
export const VETH_ADDRESS = "10.99.0.1";

/** Adds the veth pair and default route Firefox needs; resolves with a function removing them. */
export async function firefoxNetwork(): Promise<() => Promise<void>> {
  const steps = [
    ["link", "add", "sk-ff0", "type", "veth", "peer", "name", "sk-ff1"],
    ["addr", "add", `${VETH_ADDRESS}/24`, "dev", "sk-ff0"],
    ["addr", "add", "10.99.0.2/24", "dev", "sk-ff1"],
    ["link", "set", "sk-ff0", "up"],
    ["link", "set", "sk-ff1", "up"],
    ["route", "add", "default", "via", "10.99.0.2"],
  ];
  const remove = async () => {
    // Deleting one end removes the pair, its addresses and the route through it.
    await run("ip", ["link", "del", "sk-ff0"]).catch(() => {});
  };
  try {
    for (const step of steps) await run("ip", step);
  } catch (error) {
    await remove();
    throw error;
  }
  return remove;
}

/** A headless Firefox ESR with one page per {@linkcode TestFirefox.open}. */
export interface TestFirefox {
  browser: Browser;
  /** Opens the client at `url` (logged in) and returns its page. */
  open(url: string): Promise<Page>;
  close(): Promise<void>;
}

/** Launches Debian's Firefox ESR with the preferences a WebRTC test needs. */
export async function launchFirefox(): Promise<TestFirefox> {
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: {
      // Play the <video> without a user gesture.
      "media.autoplay.default": 0,
      "media.autoplay.blocking_policy": 0,
      // Offer the real host address, not an mDNS name nothing here resolves.
      "media.peerconnection.ice.obfuscate_host_addresses": false,
      "media.navigator.permission.disabled": true,
      // No confirmation dialog for credentials in the URL.
      "network.http.phishy-userpass-length": 255,
    },
  });
  return {
    browser,
    async open(url: string) {
      const page = await browser.newPage();
      // Keep every RTCPeerConnection the page makes, for getStats().
      await page.evaluateOnNewDocument(recordPeerConnections);
      const target = new URL(url);
      target.username = AUTH.username;
      target.password = AUTH.password;
      await page.goto(target.href);
      return page;
    },
    close: () => browser.close(),
  };
}

/** The page's newest peer connection's inbound video: frames decoded and codec. */
export function firefoxVideoStats(
  page: Page,
): Promise<{ connections: number; framesDecoded: number; codec: string }> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const pc = pcs[pcs.length - 1];
    const out = { connections: pcs.length, framesDecoded: 0, codec: "" };
    if (!pc) return out;
    const byId = new Map<string, Record<string, unknown>>();
    (await pc.getStats()).forEach((s: Record<string, unknown>) => byId.set(s.id as string, s));
    for (const s of byId.values()) {
      if (s.type === "inbound-rtp" && s.kind === "video") {
        out.framesDecoded = (s.framesDecoded as number) ?? 0;
        out.codec = (byId.get(s.codecId as string)?.mimeType as string) ?? "";
      }
    }
    return out;
  });
}

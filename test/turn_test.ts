/**
 * Skerry through a real TURN server: Debian's coturn on loopback, once with
 * a shared secret (time-limited HMAC credentials) and once with a long-term
 * user and password; the browser is forced to use relays only (`?relay=1`,
 * `iceTransportPolicy: "relay"`) and must still get frames, over TURN/UDP,
 * TURN/TCP and TURN/TLS (a certificate made here with openssl; Chromium
 * trusts its key through `--ignore-certificate-errors-spki-list`, and only
 * that key). Also: `skerry turn-config`, `/turn`, and credentials renewed
 * before they expire, for the browser and for webrtcbin.
 */

import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { startXvfb } from "../lib/display.ts";
import { pollUntil } from "../lib/poll.ts";
import { usernameExpiryMs } from "../lib/turn/rtc_configuration.ts";
import { turnCredentials } from "../lib/turn/turn_credentials.ts";
import type { IceServer } from "../lib/protocol/signalling.ts";
import { makeCertificate, startCoturn } from "./_coturn.ts";
import { launchBrowser, ROOT, run, startServer, type TestBrowser, videoStats } from "./_harness.ts";
import { recordSignalling, remoteUfrag, selectedPair } from "./_ice_stats.ts";

const SECRET = "north-sea-shared-secret";
const USER = { username: "skerry-user", password: "skerry-password" };
/** Relay port ranges of the two coturns: a relay candidate's port says which one it is on. */
const SECRET_RELAYS: [number, number] = [50000, 50999];
const USER_RELAYS: [number, number] = [51000, 51999];

/** Resolves once the page has decoded `count` frames more than it had. */
async function framesFlow(page: Page, count = 10): Promise<void> {
  const start = (await videoStats(page)).framesDecoded;
  await pollUntil(async () => (await videoStats(page)).framesDecoded >= start + count, {
    what: `${count} more decoded frames`,
    timeoutMs: 20_000,
  });
}

/** Opens `url` in a new page with media permission (host candidates) and signalling recorded. */
async function openPage(browser: TestBrowser, url: string) {
  await browser.context.grantPermissions(["camera", "microphone"], {
    origin: new URL(url).origin,
  });
  const page = await browser.context.newPage();
  const frames = recordSignalling(page);
  await page.goto(url);
  return { page, frames };
}

/** Gathers ICE with `config` forced to relays in the page; resolves with the relay candidates. */
function relayCandidates(page: Page, config: RTCConfiguration): Promise<string[]> {
  return page.evaluate(async (config) => {
    const pc = new RTCPeerConnection({ ...config, iceTransportPolicy: "relay" });
    const found: string[] = [];
    const done = new Promise<void>((resolve) => {
      pc.onicecandidate = (e) => e.candidate ? found.push(e.candidate.candidate) : resolve();
      setTimeout(resolve, 8000);
    });
    pc.createDataChannel("probe");
    await pc.setLocalDescription(await pc.createOffer());
    await done;
    pc.close();
    return found.filter((c) => / typ relay /.test(c));
  }, config);
}

Deno.test({
  name: "skerry streams through a real coturn with the browser on relays only",
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "skerry-turn-" });
    const display = await startXvfb({ width: 640, height: 480 });
    const certificate = await makeCertificate(dir);
    const secretTurn = await startCoturn({
      auth: { kind: "shared-secret", secret: SECRET },
      dir,
      certificate,
      relayPorts: SECRET_RELAYS,
    });
    const userTurn = await startCoturn({
      auth: { kind: "long-term", ...USER },
      dir,
      relayPorts: USER_RELAYS,
    });
    const browser = await launchBrowser("http://127.0.0.1/", {
      // TURN over TLS: trust the test certificate's key, and nothing else.
      args: [`--ignore-certificate-errors-spki-list=${certificate.spki}`],
    });
    const withSecret = (port: number, ...args: string[]) => ({
      display,
      args: ["--turn-host=127.0.0.1", `--turn-port=${port}`, ...args],
      env: { SKERRY_TURN_SHARED_SECRET: SECRET },
    });

    /** Streams with relays only and checks the pair goes through coturn over `relayProtocol`. */
    async function relayed(
      options: Parameters<typeof startServer>[0],
      relayProtocol: string,
      more?: (page: Page, url: string) => Promise<void>,
    ) {
      const server = await startServer(options);
      try {
        const { page } = await openPage(browser, `${server.url}?relay=1`);
        await framesFlow(page);
        const pair = await pollUntil(() => selectedPair(page), { what: "a selected pair" });
        assert.equal(pair.localType, "relay");
        assert.equal(pair.relayProtocol, relayProtocol);
        await more?.(page, server.url);
        await page.close();
      } finally {
        await server.stop();
      }
    }

    try {
      await t.step(
        "shared secret, TURN/UDP: frames flow over a relay; /turn says the same",
        () =>
          relayed(withSecret(secretTurn.port), "udp", async (page, url) => {
            const fromPage = await page.evaluate(() => fetch("/turn").then((r) => r.json()));
            const [stun, turn] = fromPage.iceServers as IceServer[];
            assert.deepEqual(stun, { urls: [`stun:127.0.0.1:${secretTurn.port}`] });
            assert.deepEqual(turn!.urls, [`turn:127.0.0.1:${secretTurn.port}?transport=udp`]);
            assert.match(turn!.username!, /^\d{10}:skerry-/);
            const anonymous = await fetch(`${url}turn`);
            await anonymous.body?.cancel();
            assert.equal(anonymous.status, 401);
          }),
      );

      await t.step(
        "shared secret, TURN/TCP: frames flow over a TCP relay",
        () => relayed(withSecret(secretTurn.port, "--turn-protocol=tcp"), "tcp"),
      );

      await t.step(
        "shared secret, TURN/TLS (turns:): frames flow over a TLS relay",
        () => relayed(withSecret(secretTurn.tlsPort, "--turn-tls"), "tls"),
      );

      await t.step(
        "long-term user and password, TURN/UDP: frames flow over a relay",
        () =>
          relayed({
            display,
            args: [
              "--turn-host=127.0.0.1",
              `--turn-port=${userTurn.port}`,
              `--turn-username=${USER.username}`,
            ],
            env: { SKERRY_TURN_PASSWORD: USER.password },
          }, "udp"),
      );

      await t.step(
        "an RTC configuration file overrides the options and is re-read when it changes",
        async () => {
          const file = `${dir}/rtc.json`;
          const server = (port: number, username: string, credential: string) => ({
            urls: [`turn:127.0.0.1:${port}?transport=udp`],
            username,
            credential,
          });
          await Deno.writeTextFile(
            file,
            JSON.stringify({ iceServers: [server(userTurn.port, USER.username, USER.password)] }),
          );
          // The file beats --turn-host and the shared secret.
          const running = await startServer({
            ...withSecret(secretTurn.port),
            args: [...withSecret(secretTurn.port).args, `--rtc-config-json=${file}`],
          });
          try {
            const { page, frames } = await openPage(browser, `${running.url}?relay=1`);
            await framesFlow(page);
            const relayPort = async () =>
              (await pollUntil(() => selectedPair(page), { what: "a selected pair" })).localPort;
            const first = await relayPort();
            assert.ok(first >= USER_RELAYS[0] && first <= USER_RELAYS[1], `relay port ${first}`);
            // Now the shared-secret coturn, with credentials made the coturn way.
            const { username, credential } = await turnCredentials(SECRET, "file-user");
            await Deno.writeTextFile(
              `${file}.new`,
              JSON.stringify({ iceServers: [server(secretTurn.port, username, credential)] }),
            );
            await Deno.rename(`${file}.new`, file);
            await pollUntil(
              () => frames.some((f) => f.message.type === "ice-servers"),
              { what: "the new servers in the page" },
            );
            // The page restarts ICE onto the new relay: same connection, new coturn.
            await pollUntil(async () => {
              const port = await relayPort();
              return port >= SECRET_RELAYS[0] && port <= SECRET_RELAYS[1];
            }, { what: "a relay on the shared-secret coturn", timeoutMs: 15_000 });
            await framesFlow(page);
            assert.equal(
              await page.evaluate(() => (window as unknown as { __pcs: unknown[] }).__pcs.length),
              1,
            );
            await page.close();
          } finally {
            await running.stop();
          }
        },
      );

      await t.step(
        "skerry turn-config prints a configuration RTCPeerConnection takes and coturn accepts",
        async () => {
          const text = await run(
            Deno.execPath(),
            [
              "run",
              "--quiet",
              "--allow-all",
              `${ROOT}cli.ts`,
              "turn-config",
              "--turn-host=127.0.0.1",
              `--turn-port=${secretTurn.port}`,
            ],
            { SKERRY_TURN_SHARED_SECRET: SECRET },
          );
          const config = JSON.parse(text) as RTCConfiguration;
          // Options that cannot work: exit 2 with one line.
          const bad = await new Deno.Command(Deno.execPath(), {
            args: [
              "run",
              "--quiet",
              "--allow-all",
              `${ROOT}cli.ts`,
              "turn-config",
              "--turn-host=h",
            ],
            stdout: "piped",
            stderr: "piped",
          }).output();
          assert.equal(bad.code, 2);
          assert.equal(
            new TextDecoder().decode(bad.stderr),
            "skerry: --turn-host needs --turn-shared-secret, or --turn-username and --turn-password. " +
              'Run "skerry --help" for usage.\n',
          );
          const page = await browser.context.newPage();
          try {
            const relays = await relayCandidates(page, config);
            assert.ok(relays.length > 0, "no relay candidate: coturn refused the credentials");
            // A wrong secret gets nothing: the check above could fail.
            const bad = structuredClone(config);
            (bad.iceServers![1] as RTCIceServer).credential = "wrong";
            assert.deepEqual(await relayCandidates(page, bad), []);
          } finally {
            await page.close();
          }
        },
      );

      await t.step(
        "short-lived credentials are renewed before they expire, for the browser and webrtcbin",
        async () => {
          const options = withSecret(secretTurn.port);
          const server = await startServer({
            ...options,
            // Test-only: 6 s credentials, renewed every 3 s.
            env: { ...options.env, SKERRY_TEST_TURN_LIFETIME_S: "6" },
          });
          try {
            const { page, frames } = await openPage(browser, `${server.url}?relay=1`);
            await framesFlow(page);
            const firstUfrag = await remoteUfrag(page);
            const turnUser = (m: Record<string, unknown>) =>
              (m.iceServers as IceServer[]).find((s) => s.username)!.username!;
            const renewals = await pollUntil(() => {
              const list = frames.filter((f) => f.message.type === "ice-servers");
              return list.length >= 2 ? list : null;
            }, { what: "two ice-servers messages", timeoutMs: 15_000 });
            const welcome = frames.find((f) => f.message.type === "welcome")!;
            let previous = usernameExpiryMs(turnUser(welcome.message))!;
            for (const renewal of renewals) {
              const expiry = usernameExpiryMs(turnUser(renewal.message))!;
              assert.ok(renewal.at < previous, "renewed only after the old credentials expired");
              assert.ok(expiry > previous);
              previous = expiry;
            }
            // webrtcbin allocates a new relay with each renewal and trickles it to the browser.
            const relays = () =>
              new Set(
                frames.filter((f) =>
                  f.direction === "in" && f.message.type === "ice" &&
                  / typ relay /.test(String(f.message.candidate))
                ).map((f) => String(f.message.candidate).split(" ").slice(4, 6).join(":")),
              );
            await pollUntil(() => relays().size >= 3, {
              what: "3 relay addresses from webrtcbin",
              timeoutMs: 15_000,
            });
            // Still the same connection (ICE restarted with the new servers), still streaming.
            await framesFlow(page);
            const pcs = await page.evaluate(() =>
              (window as unknown as { __pcs: unknown[] }).__pcs.length
            );
            assert.equal(pcs, 1);
            assert.notEqual(await remoteUfrag(page), firstUfrag, "ICE was not restarted");
            await page.close();
          } finally {
            await server.stop();
          }
        },
      );
    } finally {
      await browser.close();
      await Promise.all([secretTurn.stop(), userTurn.stop()]);
      await display.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

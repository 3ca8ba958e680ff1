/**
 * The container image, end to end through podman: build the project's own
 * Dockerfile, run it (the entrypoint starts Xorg, a desktop and Skerry as a
 * non-root user, on a read-only root without capabilities), stream it with
 * its sound to a real Chromium on the host, type into the container's
 * terminal, run the image's HEALTHCHECK, then stop it with SIGTERM while the
 * viewer is connected and expect exit code 0 within 5 s.
 *
 * Needs podman and the base image (`tools/setup --test`). The build reaches
 * apt and npm through the machine's network namespace (OUTER_NETNS, from
 * tools/in_netns); the container shares the test's own namespace, loopback.
 */

import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { pollUntil } from "../lib/poll.ts";
import { AUTH, launchBrowser, ROOT, type TestBrowser, videoStats } from "./_harness.ts";

/** One test image per checkout: suites in other worktrees never replace this one's. */
const IMAGE = `localhost/skerry-test:${await shortHash(ROOT)}`;
const BASE_IMAGE = "docker.io/library/debian:bookworm-slim";
/** The host's extra certificate authorities, which a TLS-inspecting proxy may need. */
const EXTRA_CAS = "/usr/local/share/ca-certificates";
/** Podman settings for machines that are containers themselves (see the file). */
const PODMAN_ENV = {
  CONTAINERS_CONF: Deno.env.get("CONTAINERS_CONF") ?? `${ROOT}tools/containers.conf`,
};

/** The first 12 hex digits of the SHA-256 of `text`. */
async function shortHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("")
    .slice(0, 12);
}

/** Runs podman; resolves with its exit code and output. */
async function podman(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command("podman", {
    args,
    env: PODMAN_ENV,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

/** Runs podman and returns its stdout; throws with the end of its output on failure. */
async function podmanOk(args: string[]): Promise<string> {
  const out = await podman(args);
  if (out.code !== 0) {
    const tail = (out.stdout + out.stderr).trim().split("\n").slice(-15).join("\n");
    throw new Error(`podman ${args[0]} failed (exit ${out.code}):\n${tail}`);
  }
  return out.stdout;
}

/** The network the build's RUN steps use: the machine's, not the test's loopback-only one. */
function buildNetwork(): string {
  const outer = Deno.env.get("OUTER_NETNS");
  return outer ? `ns:${outer}` : "host";
}

/** A TCP port nothing listens on right now. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** Builds the Dockerfile at the root of the checkout; resolves with the image id and seconds. */
async function buildImage(dir: string): Promise<{ id: string; seconds: number }> {
  const previous = (await podman(["image", "inspect", "--format", "{{.Id}}", IMAGE])).stdout.trim();
  const started = performance.now();
  await podmanOk([
    "build",
    `--iidfile=${dir}/image-id`,
    "--pull=never",
    `--network=${buildNetwork()}`,
    // The docker format keeps HEALTHCHECK (OCI images have no such field).
    "--format=docker",
    "--layers",
    ...(exists(EXTRA_CAS) ? ["--volume", `${EXTRA_CAS}:${EXTRA_CAS}:ro`] : []),
    "--tag",
    IMAGE,
    ROOT,
  ]);
  const seconds = (performance.now() - started) / 1000;
  const id = (await Deno.readTextFile(`${dir}/image-id`)).trim().replace(/^sha256:/, "");
  // Keep one test image: drop the one this build replaced (its cached layers stay).
  if (previous !== "" && previous !== id) await podman(["rmi", previous]);
  return { id, seconds };
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Opens the client and waits for decoded frames and an open input channel. */
async function openClient(page: Page): Promise<void> {
  // The damage capture (the default) sends a still desktop's picture and then little more.
  await pollUntil(async () => (await videoStats(page)).framesDecoded > 0, {
    what: "frames from the container",
    timeoutMs: 30_000,
  });
  await pollUntil(
    () =>
      page.evaluate(() => {
        const channels = (globalThis as unknown as { __channels: RTCDataChannel[] }).__channels;
        return channels.some((c) => c.readyState === "open");
      }),
    { what: "the input channel", timeoutMs: 15_000 },
  );
}

/** Audio packets the page's newest peer connection has received. */
function audioPackets(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const pcs = (globalThis as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    let packets = 0;
    (await pcs.at(-1)?.getStats())?.forEach((s: Record<string, unknown>) => {
      if (s.type === "inbound-rtp" && s.kind === "audio") packets = s.packetsReceived as number;
    });
    return packets;
  });
}

Deno.test({
  name: "the Dockerfile's image streams its desktop, takes typing and exits 0 on SIGTERM",
  async fn() {
    const version = await podman(["--version"]).catch(() => null);
    assert.ok(version?.code === 0, "podman is missing: run tools/setup --test");
    const base = await podman(["image", "exists", BASE_IMAGE]);
    assert.equal(base.code, 0, `${BASE_IMAGE} is missing: run tools/setup --test`);

    const work = await Deno.makeTempDir({ prefix: "skerry-container-test-" });
    const name = `skerry-test-${Deno.pid}`;
    let browser: TestBrowser | undefined;
    try {
      const image = await buildImage(work);
      // deno-lint-ignore no-console
      console.log(`container image built in ${image.seconds.toFixed(1)} s`);
      await Deno.writeTextFile(`${work}/password`, `${AUTH.password}\n`, { mode: 0o644 });
      const port = freePort();
      const url = `http://127.0.0.1:${port}/`;
      await podmanOk([
        "run",
        "--detach",
        "--name",
        name,
        // Host networking (here: the test's namespace): WebRTC needs no TURN.
        "--network=host",
        // What the Kubernetes example asks for: a read-only image with writable /tmp and
        // home, no capabilities, no privilege escalation.
        "--read-only",
        "--tmpfs=/home/skerry:mode=0777",
        "--cap-drop=ALL",
        "--security-opt=no-new-privileges",
        "--volume",
        `${work}/password:/run/secrets/skerry-password:ro`,
        "--env",
        `SKERRY_PORT=${port}`,
        "--env",
        "SKERRY_ADDR=127.0.0.1",
        "--env",
        "SKERRY_ICE_ADDRESS=127.0.0.1",
        "--env",
        `SKERRY_BASIC_AUTH_USER=${AUTH.username}`,
        "--env",
        "SKERRY_BASIC_AUTH_PASSWORD_FILE=/run/secrets/skerry-password",
        image.id,
      ]);
      browser = await launchBrowser(url);
      await pollUntil(() => fetch(`${url}healthz`).then((r) => r.ok, () => false), {
        what: `Skerry in the container on port ${port}`,
        timeoutMs: 30_000,
      });
      const page = await browser.open(url);
      await openClient(page);
      const stats = await videoStats(page);
      assert.equal(`${stats.frameWidth}x${stats.frameHeight}`, "1280x720");
      // The desktop's own PulseAudio runs in the container: its (silent) sound arrives.
      await pollUntil(() => audioPackets(page).then((n) => n > 20), {
        what: "audio packets from the container",
        timeoutMs: 15_000,
      });
      const usage = await podman(["stats", "--no-stream", "--format", "{{.MemUsage}}", name]);
      // deno-lint-ignore no-console
      console.log(`container memory while streaming: ${usage.stdout.trim()}`);

      // The terminal sits at the top left of the embedded desktop: click it, type a command.
      const box = (await page.locator("video").boundingBox())!;
      await page.mouse.click(box.x + box.width * 0.15, box.y + box.height * 0.2);
      await page.keyboard.type("echo typed-in-chromium > /tmp/typed");
      await page.keyboard.press("Enter");
      const typed = await pollUntil(async () => {
        const out = await podman(["exec", name, "cat", "/tmp/typed"]);
        return out.code === 0 ? out.stdout : null;
      }, { what: "the typed command's file in the container", timeoutMs: 15_000 });
      assert.equal(typed, "typed-in-chromium\n");

      // The image's HEALTHCHECK, run once by podman, against the live server.
      assert.equal((await podman(["healthcheck", "run", name])).code, 0);

      // SIGTERM with the viewer still connected: tini passes it to Skerry.
      const user = (await podmanOk(["exec", name, "id", "-un"])).trim();
      assert.equal(user, "skerry");
      const stopped = performance.now();
      await podmanOk(["kill", "--signal", "TERM", name]);
      const code = Number((await podmanOk(["wait", name])).trim());
      const seconds = (performance.now() - stopped) / 1000;
      const logs = await podman(["logs", "--tail", "8", name]);
      assert.equal(code, 0, `exit code ${code}; last logs:\n${logs.stdout}${logs.stderr}`);
      assert.ok(seconds < 5, `took ${seconds.toFixed(1)} s to stop`);
    } catch (error) {
      const logs = await podman(["logs", "--tail", "20", name]);
      // deno-lint-ignore no-console
      console.error(`container logs:\n${logs.stdout}${logs.stderr}`);
      throw error;
    } finally {
      await browser?.close();
      await podman(["rm", "--force", "--time", "0", name]);
      await Deno.remove(work, { recursive: true });
    }
  },
});

/**
 * Shared pieces of the integration tests: a real Skerry server process, a
 * real headless Debian Chromium driven by playwright-core, and readers of
 * what the browser received (`getStats()`, pixels of the presented frame).
 *
 * Tests run inside a network namespace of their own when `deno task test`
 * could make one (tools/in_netns); either way everything is on loopback and
 * ICE is pinned to 127.0.0.1.
 *
 * @module
 */

import { recordPeerConnections } from "./_pc_recorder.ts";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { pollUntil } from "../lib/poll.ts";
import { signallingProtocols } from "../lib/protocol/page_token.ts";
import { stopProcess } from "../lib/process.ts";
import { readLines } from "../lib/read_lines.ts";

/** Root of the checkout. */
export const ROOT = new URL("../", import.meta.url).pathname;
/** Credentials every test server uses. */
export const AUTH = { username: "tester", password: "correct-horse-battery" };

/** A Skerry server started for a test. */
export interface TestServer {
  /** Base URL, e.g. `http://127.0.0.1:40123/`. */
  url: string;
  port: number;
  /** The server process id. */
  pid: number;
  /** Everything the server wrote on stderr so far. */
  stderr: string[];
  /** Everything the server wrote on stdout so far (the URL and credentials lines). */
  stdout: string[];
  /** Whether the process is still running. */
  alive(): boolean;
  /** Resolves with the exit status (however the process ended), once its output is read. */
  status: Promise<Deno.CommandStatus>;
  /** SIGTERM, then SIGKILL after 5 s; resolves with the exit status. */
  stop(): Promise<Deno.CommandStatus>;
}

/** Options of {@linkcode startServer}. */
export interface StartServerOptions {
  /**
   * X display to stream, and the DISPLAY and XAUTHORITY that open it; unset
   * runs `demo` (an embedded desktop).
   */
  display?: { name: string; env: Readonly<Record<string, string>> };
  /** Extra flags. */
  args?: string[];
  /** Extra environment. */
  env?: Record<string, string>;
  /** Deno's permission flags. Default `--allow-all`. */
  permissions?: string[];
  /** The module to run instead of cli.ts (a fixture that runs cli.ts's `main`, or another checkout's cli.ts). */
  entry?: string;
  /** Working directory. Default: this process's. */
  cwd?: string;
  /** A command to run Deno under, e.g. `["unshare", "--mount", ...]`. Default none. */
  wrap?: string[];
  /**
   * Add `--capture=ximagesrc` when `args` choose no capture. Default true; false for a
   * checkout whose cli.ts has no `--capture` (before issue 11), which rejects it.
   */
  ximagesrcUnlessTold?: boolean;
}

/** Starts `cli.ts serve` (`demo` without a display) on a free port and waits for its URL line. */
export async function startServer(options: StartServerOptions): Promise<TestServer> {
  const [program, ...wrapArgs] = [...(options.wrap ?? []), Deno.execPath()];
  const child = new Deno.Command(program!, {
    args: [
      ...wrapArgs,
      "run",
      "--quiet",
      ...(options.permissions ?? ["--allow-all"]),
      options.entry ?? `${ROOT}cli.ts`,
      options.display === undefined ? "demo" : "serve",
      "--addr=127.0.0.1",
      ...(options.args?.some((a) => a.startsWith("--port=")) ? [] : ["--port=0"]),
      "--ice-address=127.0.0.1",
      "--log-level=debug",
      // These tests count frames of a mostly still screen: the damage capture (the default)
      // sends none while nothing changes, so they read the screen every frame unless they
      // choose (test/capture_test.ts tests the damage capture).
      ...(options.ximagesrcUnlessTold === false ||
          options.args?.some((a) => a.startsWith("--capture"))
        ? []
        : ["--capture=ximagesrc"]),
      ...(options.args ?? []),
    ],
    env: {
      ...options.display?.env,
      SKERRY_BASIC_AUTH_USER: AUTH.username,
      SKERRY_BASIC_AUTH_PASSWORD: AUTH.password,
      ...options.env,
    },
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let exited = false;
  child.status.then(() => exited = true);
  const stderr: string[] = [];
  const stderrDone = (async () => {
    for await (const line of readLines(child.stderr)) stderr.push(line);
  })();
  const stdout: string[] = [];
  const lines = readLines(child.stdout)[Symbol.asyncIterator]();
  const { scheme, port } = await firstPort(lines, stdout, 30_000).catch(async (error) => {
    await stopProcess(child);
    await Promise.all([stderrDone, lines.return?.(undefined)]);
    throw new Error(`${(error as Error).message}: ${stderr.slice(-5).join(" | ")}`);
  });
  const stdoutDone = (async () => {
    for (let n = await lines.next(); !n.done; n = await lines.next()) stdout.push(n.value);
  })();
  return {
    url: `${scheme}://127.0.0.1:${port}/`,
    port,
    pid: child.pid,
    stderr,
    stdout,
    alive: () => !exited,
    status: child.status.then(async (status) => {
      await Promise.all([stderrDone, stdoutDone]);
      return status;
    }),
    async stop() {
      const status = await stopProcess(child, { graceMs: 5000 });
      await Promise.all([stderrDone, stdoutDone]);
      return status;
    },
  };
}

/** Reads stdout lines (into `seen`) until the server prints its URL; resolves with its scheme and port. */
async function firstPort(
  lines: AsyncIterator<string>,
  seen: string[],
  timeoutMs: number,
): Promise<{ scheme: string; port: number }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("server did not start")), timeoutMs);
  });
  try {
    for (;;) {
      const next = await Promise.race([lines.next(), timeout]);
      if (next.done) throw new Error("server exited");
      seen.push(next.value);
      const match = /open (https?):\/\/[^:]+:(\d+)\//.exec(next.value);
      if (match) return { scheme: match[1]!, port: Number(match[2]) };
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Chromium flags for WebRTC over loopback in a headless container. */
export const CHROMIUM_ARGS = [
  // Chromium's sandbox needs user namespaces a container (or root) may not give it.
  "--no-sandbox",
  // No GPU here: software compositing, and no failing GPU process to wait for.
  "--disable-gpu",
  // Nothing here speaks QUIC, and a network namespace has no route to try it on.
  "--disable-quic",
  // No first-run dialogs, background fetches, component updates or sync: none can reach the
  // network from the namespace, and each would only add CPU load and noise.
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // WebRTC skips loopback interfaces unless told otherwise.
  "--allow-loopback-in-peer-connection",
  // Offer 127.0.0.1 itself, not an mDNS .local name nothing here can resolve.
  "--disable-features=WebRtcHideLocalIpsWithMdns",
  // Answer media permission prompts without a dialog (see grantPermissions below).
  "--use-fake-ui-for-media-stream",
  // Let the <video> play without a user gesture.
  "--autoplay-policy=no-user-gesture-required",
];

/** A headless Chromium with one context logged in to `url`. */
export interface TestBrowser {
  browser: Browser;
  context: BrowserContext;
  /** Opens the client and returns its page. */
  open(url: string): Promise<Page>;
  close(): Promise<void>;
}

/** Launches Debian's Chromium (never a downloaded one). */
export async function launchBrowser(
  url: string,
  options: { touch?: boolean; ignoreHttpsErrors?: boolean; args?: string[] } = {},
): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium",
    args: [
      ...CHROMIUM_ARGS,
      ...(options.args ?? []),
      ...(Deno.env.get("CHROMIUM_EXTRA_ARGS")?.split(" ").filter(Boolean) ?? []),
    ],
  });
  const context = await openContext(browser, url, options);
  return {
    browser,
    context,
    async open(u: string) {
      const page = await context.newPage();
      await page.goto(u);
      return page;
    },
    async close() {
      await context.close();
      await browser.close();
    },
  };
}

/**
 * A browser context logged in to `url` (as {@linkcode AUTH} unless
 * `credentials` says otherwise) that keeps its peer connections and data
 * channels in `__pcs` and `__channels`: a second user in the same Chromium.
 */
export async function openContext(
  browser: Browser,
  url: string,
  options: {
    touch?: boolean;
    ignoreHttpsErrors?: boolean;
    credentials?: { username: string; password: string };
  } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    httpCredentials: options.credentials ?? AUTH,
    viewport: { width: 1280, height: 720 },
    // A phone or tablet: touch events, and the on-screen keyboard button.
    ...(options.touch ? { hasTouch: true, isMobile: true } : {}),
    // A certificate made by the test, which Chromium does not know.
    ...(options.ignoreHttpsErrors ? { ignoreHTTPSErrors: true } : {}),
  });
  // Chromium offers host candidates only to origins with media permission.
  await context.grantPermissions(["camera", "microphone"], { origin: new URL(url).origin });
  // Keep every RTCPeerConnection the page makes, for getStats().
  await context.addInitScript(recordPeerConnections);
  return context;
}

/** Options of {@linkcode signallingSocket}. */
export interface SignallingSocketOptions {
  /** The `Origin` header to send; unset sends none, like a non-browser client. */
  origin?: string;
  /** The page token to offer; unset fetches one, null offers none. */
  token?: string | null;
  /** For wss: with a test CA. */
  client?: Deno.HttpClient;
}

/**
 * Opens the signalling WebSocket of `server` the way the page does (Basic
 * credentials, a fresh page token); rejects with the error when refused.
 */
export async function signallingSocket(
  server: { url: string },
  options: SignallingSocketOptions = {},
): Promise<WebSocket> {
  const authorization = `Basic ${btoa(`${AUTH.username}:${AUTH.password}`)}`;
  let token = options.token;
  if (token === undefined) {
    const res = await fetch(`${server.url}ws-token`, {
      headers: { Authorization: authorization },
      ...(options.client ? { client: options.client } : {}),
    });
    if (!res.ok) throw new Error(`ws-token: HTTP ${res.status}`);
    token = (await res.json()).token as string;
  }
  // Deno's WebSocket takes headers and an HTTP client (the DOM typings do not know them).
  const DenoWebSocket = WebSocket as unknown as new (
    url: string,
    init: { protocols?: string[]; headers: Record<string, string>; client?: Deno.HttpClient },
  ) => WebSocket;
  const ws = new DenoWebSocket(`${server.url.replace(/^http/, "ws")}ws`, {
    ...(token !== null ? { protocols: signallingProtocols(token) } : {}),
    headers: {
      Authorization: authorization,
      ...(options.origin !== undefined ? { Origin: options.origin } : {}),
    },
    ...(options.client ? { client: options.client } : {}),
  });
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = (event) => reject(new Error((event as ErrorEvent).message));
  });
  return ws;
}

/** Inbound video of the newest peer connection, from `getStats()`. */
export interface VideoStats {
  /** Peer connections the page has made so far. */
  connections: number;
  framesDecoded: number;
  frameWidth: number;
  frameHeight: number;
  codec: string;
  /** Video bytes received (RTP payload, retransmissions included). */
  bytesReceived: number;
  /** Sum of the decoded frames' QPs (divide by frames decoded for the mean). */
  qpSum: number;
  /** Jitter-buffer delay summed over the frames it emitted, s; and their count. */
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
  /** Decode time and first-packet-to-decoded time summed over the frames decoded, s. */
  totalDecodeTime: number;
  totalProcessingDelay: number;
}

/** The counters of {@linkcode VideoStats} read as they are. */
const VIDEO_COUNTERS = [
  "framesDecoded",
  "frameWidth",
  "frameHeight",
  "bytesReceived",
  "qpSum",
  "jitterBufferDelay",
  "jitterBufferEmittedCount",
  "totalDecodeTime",
  "totalProcessingDelay",
] as const;

/** Reads the page's newest peer connection's inbound video stats. */
export function videoStats(page: Page): Promise<VideoStats> {
  return page.evaluate(async (counters) => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const pc = pcs[pcs.length - 1];
    const out: Record<string, number | string> = { connections: pcs.length, codec: "" };
    for (const name of counters) out[name] = 0;
    if (!pc) return out as unknown as VideoStats;
    const stats = await pc.getStats();
    const byId = new Map<string, Record<string, unknown>>();
    stats.forEach((s: Record<string, unknown>) => byId.set(s.id as string, s));
    for (const s of byId.values()) {
      if (s.type === "inbound-rtp" && s.kind === "video") {
        for (const name of counters) out[name] = (s[name] as number | undefined) ?? 0;
        out.codec = (byId.get(s.codecId as string)?.mimeType as string) ?? "";
      }
    }
    return out as unknown as VideoStats;
  }, VIDEO_COUNTERS);
}

/**
 * {@linkcode pollUntil} with the arguments of earlier tests: polls `fn` every
 * 100 ms until it returns a truthy value or `timeoutMs` (default 15000) passes.
 */
export function waitFor<T>(
  what: string,
  fn: () => Promise<T> | T,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  return pollUntil(fn, { what, timeoutMs });
}

/** Whether each channel of colour `actual` is within `tolerance` of `expected`'s (a video's lossy pixels). */
export function near(
  actual: readonly number[],
  expected: readonly number[],
  tolerance = 24,
): boolean {
  return actual.every((v, i) => Math.abs(v - expected[i]!) <= tolerance);
}

/** The RGB colour of the presented video frame at (`x`, `y`) in frame pixels. */
export function videoPixel(page: Page, x: number, y: number): Promise<[number, number, number]> {
  return page.evaluate(([px, py]) => {
    const video = document.querySelector("video")!;
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
    ctx.drawImage(video, 0, 0);
    const d = ctx.getImageData(px!, py!, 1, 1).data;
    return [d[0]!, d[1]!, d[2]!] as [number, number, number];
  }, [x, y]);
}

/** Pids of the direct children of `pid` (from /proc). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry.name));
    } catch {
      // the process went away
    }
  }
  return out;
}

/** The command line of `pid`, arguments joined by spaces ("" if gone). */
export function commandLine(pid: number): string {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

/**
 * Runs a command to completion (with `env` added to the environment, in
 * folder `cwd`) and returns its stdout; throws with stderr on failure.
 */
export async function run(
  program: string,
  args: string[],
  env?: Record<string, string>,
  cwd?: string,
): Promise<string> {
  const out = await new Deno.Command(program, {
    args,
    stdout: "piped",
    stderr: "piped",
    ...(env ? { env } : {}),
    ...(cwd ? { cwd } : {}),
  })
    .output();
  if (!out.success) {
    throw new Error(`${program} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

#!/usr/bin/env -S deno run --v8-flags=--max-semi-space-size=1,--lite-mode --allow-net --allow-env --allow-read --allow-write=/tmp,/run/user --allow-run=setpriv --allow-ffi --no-prompt
/**
 * `skerry`: parse flags and environment into a frozen config, pick the X
 * display (or start an embedded one), check the GStreamer plugins, start the
 * media session and the web server in that order, and stop everything on a
 * signal. Nothing else lives here.
 *
 * Exit codes: 0 normal stop (SIGINT/SIGTERM/SIGHUP), 1 runtime failure (an
 * uncaught error, cleanups past their deadline), 2 usage error.
 *
 * @module
 */

// Types only: the option table is loaded in main() after the helper has branched off, so
// `skerry helper` never loads it (nor node:util behind it): about 2 MB less in every helper.
import type { Config, Invocation } from "./lib/config.ts";
import type { Shutdown } from "./lib/shutdown.ts";
import { VERSION } from "./lib/version.ts";

/** Prints one line on stderr, without a stack trace, and exits. */
function fail(message: string, code: number): never {
  // deno-lint-ignore no-console
  console.error(`skerry: ${message}`);
  Deno.exit(code);
}

/** The cleanups (last started first stopped) and the one stop that runs them; set by serve(). */
let shutdown: Shutdown | undefined;

async function serve(
  command: "serve" | "demo",
  config: Config,
  notices: readonly string[],
): Promise<void> {
  // Loaded here so `skerry helper` never pulls in the server and vice versa.
  const { getLogger } = await import("@logtape/logtape");
  const { setupLogging } = await import("./lib/log.ts");
  const { redactedConfig } = await import("./lib/config.ts");
  await setupLogging(config.logLevel, config.logFormat);
  const log = getLogger(["skerry", "cli"]);
  log.debug("Configuration {config}", { config: redactedConfig(config) });
  for (const notice of notices) log.warn(notice);
  // The certificate question is settled before anything starts.
  const { resolveTlsFiles } = await import("./lib/tls_files.ts");
  const tls = resolveTlsFiles(config);
  // So is the file transfer folder (and Deno's permission to write there).
  const { openFileTransfers } = await import("./lib/files/file_transfers.ts");
  const files = await openFileTransfers(config);
  if (files) {
    log.info("File transfers: {which} in {dir}, up to {maxMb} MiB each, full control only", {
      which: config.fileTransfers,
      dir: files.dir,
      maxMb: config.fileTransferMaxMb,
    });
  }

  const { Shutdown, installShutdownHandlers } = await import("./lib/shutdown.ts");
  shutdown = new Shutdown();
  installShutdownHandlers(shutdown);

  // 1. The X display: the user's, or an embedded one with a small desktop.
  const display = await resolveDisplay(
    command === "demo" ? undefined : config.display,
    config,
    log,
  );

  // 2. A sidecar may say when the streamed app is ready (selkies' --app_wait_ready).
  if (config.appWaitReady) {
    const { waitForReadyFile } = await import("./lib/ready_file.ts");
    await waitForReadyFile(config.appReadyFile, log);
  }

  // 3. Sound (Opus from PulseAudio, the microphone), asked of a helper meanwhile.
  const { resolveSound } = await import("./lib/sound.ts");
  const soundSetup = resolveSound(config, {
    ...(display.env?.PULSE_SERVER ? { pulseServer: display.env.PULSE_SERVER } : {}),
  });
  shutdown.add("sound", async () => (await soundSetup).close());

  // 3a. The capture, and the encoders this machine can run, in the order they are offered
  // (nvh264enc without NVIDIA falls back to the next one with a warning).
  const { chooseCapture, chooseLibx264 } = await import("./lib/capture_choice.ts");
  const captureMode = await chooseCapture(config.capture, display, log);
  const libx264 = await chooseLibx264(config.x264MbInfo, captureMode, log);
  const { requiredElements } = await import("./pipelines/video.ts");
  const { ELEMENT_PACKAGES, probeElements } = await import("./lib/probe.ts");
  const { planEncoders } = await import("./lib/encoder_plan.ts");
  const { ENCODERS } = await import("./lib/protocol/encoders.ts");
  type Encoder = import("./lib/protocol/encoders.ts").Encoder;
  const required = (e: Encoder) => requiredElements(e, captureMode);
  const probe = await probeElements([...new Set(ENCODERS.flatMap(required))]);
  const plan = planEncoders(config, probe, {
    required,
    packages: ELEMENT_PACKAGES,
  });
  for (const warning of plan.warnings) log.warn(warning);
  log.info("Offering {offered} (in this order); also installed: {installed}", {
    offered: plan.offered.join(", "),
    installed: plan.installed.join(", ") || "-",
  });
  const encoder = plan.offered[0]!;

  const sound = await soundSetup;

  // 4. Input: the sinks, chosen once (XTest, uinput, or none); one controller at a time.
  const { Control } = await import("./lib/roles/control.ts");
  const control = new Control();
  const { openInputChannels } = await import("./lib/input/input_setup.ts");
  const channels = await openInputChannels(display, control, log);
  shutdown.add("input", () => channels.close());
  const { HelperProcess } = await import("./lib/helper_process.ts");

  // 5. STUN/TURN servers for browsers and webrtcbin, renewed while Skerry runs.
  const { startIceServers } = await import("./lib/turn/ice_servers_start.ts");
  const iceServers = await startIceServers(config);
  shutdown.add("ice servers", () => iceServers.close());

  // 6. Metrics and statistics files, fed by the session and the browsers.
  const { startMonitoring } = await import("./lib/metrics/monitoring.ts");
  const live: { session?: import("./lib/session.ts").MediaSession } = {};
  const monitoring = await startMonitoring(config, {
    version: VERSION,
    sources: {
      viewers: () => live.session?.viewerCount ?? 0,
      helper: () => live.session?.stats ?? { spawned: 0, crashes: 0 },
      input: () => channels.totals(),
    },
  });
  shutdown.add("monitoring", () => monitoring.close());

  // 7. The media session (spawns the standby helper) and the web server.
  const { MediaSession } = await import("./lib/session.ts");
  const video = await import("./pipelines/video.ts");
  // With cursors the page draws the pointer; the video has it only under pointer lock.
  const showPointer = !config.enableCursors;
  const capture = video.captureSpec({
    display: display.name,
    framerate: config.framerate,
    capture: captureMode,
    showPointer,
  });
  const tierTuning = {
    framerate: config.framerate,
    bitrateKbps: config.videoBitrate,
    keyframeDistance: config.keyframeDistance,
    // Encoder and converter threads: one per core, at most 4.
    threads: Math.max(1, Math.min(4, navigator.hardwareConcurrency ?? 2)),
  };
  const { INPUT_CHANNEL_LABEL } = await import("./lib/protocol/input.ts");
  const session = live.session = new MediaSession({
    monitor: monitoring.monitor,
    // ximagesrc needs the embedded display's cookie; a user's DISPLAY uses their XAUTHORITY.
    spawn: (onMessage) => HelperProcess.spawn({ onMessage, env: display.env ?? {} }),
    // One capture; each encoder in use is an encode tier of it (lib/viewer_encoders.ts).
    start: {
      type: "start",
      pipeline: video.capturePipeline({
        display: display.name,
        framerate: config.framerate,
        showPointer,
        capture: captureMode,
      }),
      ...(capture ? { capture } : {}),
      branch: video.peerBranch(),
      tee: video.CAPTURE_TEE,
      webrtcbin: video.PEER_WEBRTCBIN,
      encoder: video.VIDEO_ENCODER,
      iceAddresses: config.iceAddresses,
      channels: [INPUT_CHANNEL_LABEL],
      // Pointer lock switches ximagesrc's show-pointer (the damage capture draws the pointer itself).
      ...(capture ? {} : { source: video.VIDEO_SOURCE }),
      ...sound.start,
      tuning: {
        videoBitrate: config.videoBitrate,
        framerate: config.framerate,
        audio: config.enableAudio,
        keyframeDistance: config.keyframeDistance,
        congestionControl: config.congestionControl,
        fecPercent: config.videoPacketlossPercent,
      },
    },
    encoders: {
      offered: plan.offered,
      installed: plan.installed,
      tier: (tierEncoder) => ({
        type: "tier-add",
        tier: tierEncoder,
        ...(libx264 && tierEncoder === "x264enc" ? { libx264: tierTuning } : {}),
        pipeline: video.encodeTier({
          libx264,
          encoder: tierEncoder,
          ...tierTuning,
          gpuId: config.gpuId,
        }),
        tee: video.VIDEO_TEE,
        encoder: video.VIDEO_ENCODER,
        frameCounter: video.FRAME_COUNTER,
      }),
    },
    settings: await (await import("./lib/live_settings_config.ts")).liveSettings(config),
    iceServers,
    maxViewers: config.maxViewers,
  });
  shutdown.add("media session", () => session.close());

  // 8. Resize, clipboard and cursors (one X connection, xrandr).
  const { startDesktopFeatures } = await import("./lib/desktop/desktop_features.ts");
  const desktop = await startDesktopFeatures(
    { ...display, env: { DISPLAY: display.name, ...display.env } },
    config,
    {
      showPointer: (visible) => session.showPointer(visible),
      // The screen follows the controller's window; while nobody controls, the first viewer's.
      driver: (viewers) => {
        const controller = control.controller?.peer;
        return controller !== undefined && viewers.includes(controller) ? controller : viewers[0];
      },
    },
  );
  const offControlChange = control.onChange(() => desktop.resize?.driverChanged());
  shutdown.add("desktop features", () => {
    offControlChange();
    return desktop.close();
  });

  const { createApp } = await import("./lib/app.ts");
  const { resolveAuth } = await import("./lib/auth.ts");
  const auth = resolveAuth(config);
  if (!auth && config.basicAuthViewonlyPassword !== undefined) {
    log.warn("--basic-auth-viewonly-password is ignored: authentication is off", {});
  }

  const webRoot = config.webRoot ?? new URL("./client/dist", import.meta.url).pathname;
  const { PageRelease } = await import("./lib/memory/page_release.ts");
  // Start-up and each viewer's set-up touch pages nothing needs afterwards: handed back after.
  const pages = new PageRelease(log);
  shutdown.add("page release", () => pages.stop());
  const app = createApp({
    session,
    version: VERSION,
    webRoot,
    ...(auth
      ? {
        auth: {
          username: auth.username,
          password: auth.password,
          ...(auth.viewOnlyPassword === undefined
            ? {}
            : { viewOnlyPassword: auth.viewOnlyPassword }),
        },
      }
      : {}),
    channels: channels.forPeer,
    control,
    ...(files ? { files } : {}),
    iceServers,
    metrics: monitoring.metrics,
    monitor: monitoring.monitor,
    pwa: {
      name: config.pwaAppName,
      shortName: config.pwaAppShortName,
      startUrl: config.pwaStartUrl,
    },
    https: tls !== undefined,
    allowedOrigins: config.allowedOrigins,
    trustedProxies: config.trustedProxies,
    desktop: desktop.hub,
    viewersChanged: () => pages.soon(),
  });

  const { listen } = await import("./lib/serve.ts");
  const server = await listen(app.fetch, {
    hostname: config.addr,
    port: config.port,
    ...(tls ? { tls } : {}),
  }).catch((error) => {
    // Errors about the certificate files already say what is wrong.
    if (error instanceof Deno.errors.AddrInUse) {
      throw new Error(`Cannot listen on ${config.addr}:${config.port}: the address is in use`);
    }
    if (
      error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.AddrNotAvailable
    ) {
      throw new Error(`Cannot listen on ${config.addr}:${config.port}: ${error.message}`);
    }
    throw error;
  });
  shutdown.add("web server", () => server.shutdown());
  pages.soon();
  const port = server.port;
  if (config.enableMetricsHttp) {
    monitoring.serve({ hostname: config.addr, port: config.metricsHttpPort });
  }
  const host = config.addr === "0.0.0.0" || config.addr === "::" ? "localhost" : config.addr;
  log.info("Serving {scheme} on {addr}:{port} with {encoder} at {framerate} fps", {
    scheme: tls ? "https" : "http",
    addr: config.addr,
    port,
    encoder,
    framerate: config.framerate,
  });
  // The URL (and a generated password) go to stdout for the person who started
  // Skerry, never to the log; with no terminal to read it, the password goes to a 0600 file.
  const scheme = tls ? "https" : "http";
  const lines = [
    `Skerry ${VERSION} is streaming ${display.name}: open ${scheme}://${host}:${port}/`,
  ];
  if (auth?.generated && !Deno.stdout.isTerminal()) {
    const { writePasswordFile } = await import("./lib/password_file.ts");
    const file = await writePasswordFile(auth.password);
    shutdown.add("password file", () => file.remove());
    lines.push(
      `  user: ${auth.username}   password: generated, in ${file.path} (set --basic-auth-password-file to choose one)`,
    );
  } else if (auth) {
    lines.push(
      auth.generated
        ? `  user: ${auth.username}   password: ${auth.password}   (generated; set --basic-auth-password-file to choose one)`
        : `  user: ${auth.username}   password: as configured`,
    );
  } else {
    lines.push(
      "  authentication is OFF: anyone who can reach this port sees and controls the desktop",
    );
  }
  if (auth?.viewOnlyPassword !== undefined) {
    lines.push(`  view-only: user ${auth.username} with the view-only password, as configured`);
  }
  // deno-lint-ignore no-console
  console.log(lines.join("\n"));
}

/**
 * Checks the user's display, or starts an embedded desktop; returns its name,
 * and for an embedded one the cookie and the XAUTHORITY Skerry's own X clients need.
 */
async function resolveDisplay(
  requested: string | undefined,
  config: Config,
  log: { info(message: string, props: Record<string, unknown>): void },
): Promise<
  { name: string; backend?: "xorg" | "xvfb"; cookie?: Uint8Array; env?: Record<string, string> }
> {
  if (requested !== undefined) {
    const { openX11 } = await import("./ffi/x11.ts");
    openX11(requested).close();
    return { name: requested };
  }
  const { startEmbeddedDesktop } = await import("./lib/desktop.ts");
  const desktop = await startEmbeddedDesktop({
    width: config.screen.width,
    height: config.screen.height,
    backend: config.xServer,
    // Its own PulseAudio, so sound from its programs reaches the viewers.
    ...(config.enableAudio || config.enableMicrophone
      ? { sound: { microphone: config.enableMicrophone } }
      : {}),
  });
  shutdown!.add("embedded desktop", () => desktop.stop());
  log.info("Started an embedded desktop on {display} ({backend}, {width}x{height})", {
    display: desktop.name,
    backend: desktop.backend,
    width: desktop.width,
    height: desktop.height,
  });
  const env: Record<string, string> = { XAUTHORITY: desktop.authority };
  if (desktop.pulseServer) env.PULSE_SERVER = desktop.pulseServer;
  return { name: desktop.name, backend: desktop.backend, cookie: desktop.cookie, env };
}

/** Runs the command line in `Deno.args`; resolves once a server is up (or a command is done). */
export async function main(): Promise<void> {
  if (Deno.args[0] === "helper") {
    // The helper is the only part that loads GStreamer, and it loads nothing else of Skerry's.
    const { runHelper } = await import("./helper/main.ts");
    Deno.exit(await runHelper(Deno.args.slice(1)));
  }
  const { OPTION_GROUPS, parseCommandLine } = await import("./lib/config.ts");
  const { helpText } = await import("./lib/options/render.ts");
  let invocation: Invocation;
  try {
    invocation = parseCommandLine(Deno.args, (name) => Deno.env.get(name));
  } catch (error) {
    fail(`${(error as Error).message}. Run "skerry --help" for usage.`, 2);
  }
  switch (invocation.kind) {
    case "help":
      // deno-lint-ignore no-console
      console.log(helpText(VERSION, OPTION_GROUPS));
      return;
    case "version":
      // deno-lint-ignore no-console
      console.log(`skerry ${VERSION}`);
      return;
    case "helper":
      // Branched off above, before the option table was loaded.
      throw new Error("unreachable: the helper starts before the command line is parsed");
    case "run": {
      const { iceOptionProblems } = await import("./lib/turn/ice_sources.ts");
      const problems = iceOptionProblems(invocation.config);
      if (invocation.command === "resize") {
        const { resizeCommand } = await import("./lib/desktop/resize_command.ts");
        const problem = await resizeCommand(invocation.args[0], invocation.config.display);
        if (problem !== undefined) fail(problem.message, problem.code);
        return;
      }
      if (invocation.command === "turn-config") {
        if (problems[0] !== undefined) fail(`${problems[0]}. Run "skerry --help" for usage.`, 2);
        const { printTurnConfig } = await import("./lib/turn/ice_servers_start.ts");
        await printTurnConfig(invocation.config);
        return;
      }
      try {
        const notices = [
          ...invocation.notices,
          ...problems.map((p) => `TURN: ${p}; going on without it`),
        ];
        await serve(invocation.command, invocation.config, notices);
      } catch (error) {
        // deno-lint-ignore no-console
        console.error(`skerry: ${(error as Error).message}`);
        if (!shutdown) Deno.exit(1);
        await shutdown.stop(1);
      }
      return;
    }
  }
}

if (import.meta.main) {
  try {
    await main();
  } catch (error) {
    fail((error as Error).message ?? String(error), 1);
  }
}

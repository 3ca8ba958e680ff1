import assert from "node:assert/strict";
import { parseCommandLine } from "../config.ts";

/**
 * Every option of selkies-gstreamer (its __main__.py argparse list, which
 * its README points to), with a valid value: each must parse as a
 * snake_case flag and as its SELKIES_* variable, so launch scripts run
 * unchanged.
 */
const SEED_OPTIONS: [string, string][] = [
  ["json_config", "/nonexistent/settings.json"],
  ["addr", "127.0.0.1"],
  ["port", "8081"],
  ["web_root", "/opt/gst-web"],
  ["enable_https", "false"],
  ["https_cert", "/etc/ssl/certs/ssl-cert-snakeoil.pem"],
  ["https_key", "/etc/ssl/private/ssl-cert-snakeoil.key"],
  ["enable_basic_auth", "true"],
  ["basic_auth_user", "user"],
  ["basic_auth_password", "mypasswd"],
  ["rtc_config_json", "/tmp/rtc.json"],
  ["turn_rest_uri", "http://localhost:8008"],
  ["turn_rest_username", "selkies-host"],
  ["turn_rest_username_auth_header", "x-auth-user"],
  ["turn_rest_protocol_header", "x-turn-protocol"],
  ["turn_rest_tls_header", "x-turn-tls"],
  ["turn_host", "turn.example.com"],
  ["turn_port", "443"],
  ["turn_protocol", "tcp"],
  ["turn_tls", "true"],
  ["turn_shared_secret", "openrelayprojectsecret"],
  ["turn_username", "user"],
  ["turn_password", "pass"],
  ["stun_host", "stun.l.google.com"],
  ["stun_port", "19302"],
  ["enable_cloudflare_turn", "false"],
  ["cloudflare_turn_token_id", "id"],
  ["cloudflare_turn_api_token", "token"],
  ["app_wait_ready", "false"],
  ["app_ready_file", "/tmp/selkies-appready"],
  ["uinput_mouse_socket", "/tmp/uinput.sock"],
  ["js_socket_path", "/tmp"],
  ["encoder", "vp8enc"],
  ["gpu_id", "0"],
  ["framerate", "30"],
  ["video_bitrate", "4000"],
  ["keyframe_distance", "2.5"],
  ["congestion_control", "false"],
  ["video_packetloss_percent", "5"],
  ["audio_bitrate", "96000"],
  ["audio_channels", "2"],
  ["audio_packetloss_percent", "10"],
  ["enable_clipboard", "out"],
  ["enable_resize", "true"],
  ["enable_cursors", "true"],
  ["debug_cursors", "false"],
  ["cursor_size", "24"],
  ["enable_webrtc_statistics", "false"],
  ["webrtc_statistics_dir", "/tmp"],
  ["enable_metrics_http", "true"],
  ["metrics_http_port", "8000"],
  ["debug", "true"],
];

const noFiles = (path: string): string => {
  throw new Error(`No such file: ${path}`);
};

Deno.test("parseCommandLine() accepts every selkies-gstreamer option as a flag", () => {
  for (const [name, value] of SEED_OPTIONS) {
    const result = parseCommandLine([`--${name}=${value}`], () => undefined, noFiles);
    assert.equal(result.kind, "run", name);
  }
});

Deno.test("parseCommandLine() accepts every selkies-gstreamer option as SELKIES_*", () => {
  for (const [name, value] of SEED_OPTIONS) {
    const env = (n: string) => n === `SELKIES_${name.toUpperCase()}` ? value : undefined;
    const result = parseCommandLine([], env, noFiles);
    assert.equal(result.kind, "run", name);
  }
});

Deno.test("parseCommandLine() gives selkies-gstreamer values their Skerry meaning", () => {
  const result = parseCommandLine(
    ["--enable_clipboard=in", "--debug", "--keyframe_distance=2.5", "--turn_protocol=TCP"],
    (name) => ({ TURN_HOST: "turn.example.com", WEBRTC_ENABLE_RESIZE: "true" })[name],
    noFiles,
  );
  assert.equal(result.kind, "run");
  if (result.kind !== "run") return;
  assert.equal(result.config.enableClipboard, "from-browser");
  assert.equal(result.config.logLevel, "debug");
  assert.equal(result.config.keyframeDistance, 2.5);
  assert.equal(result.config.turnProtocol, "tcp");
  assert.equal(result.config.turnHost, "turn.example.com");
  assert.equal(result.config.enableResize, true);
});

Deno.test("parseCommandLine() says once why an ignored option does nothing", () => {
  const result = parseCommandLine(["--js_socket_path=/tmp"], () => undefined, noFiles);
  assert.equal(result.kind, "run");
  if (result.kind !== "run") return;
  assert.equal(result.notices.length, 1);
  assert.match(result.notices[0]!, /^Ignoring --js_socket_path: .*uinput/);
});

Deno.test("parseCommandLine() reads secrets from --x-file and X_FILE, first line only", () => {
  const files: Record<string, string> = { "/run/pw": "s3cret\nignored\n", "/run/t": "tt\r\n" };
  const read = (path: string) => {
    if (!(path in files)) throw new Error("No such file or directory (os error 2)");
    return files[path]!;
  };
  const viaFlag = parseCommandLine(["--basic-auth-password-file=/run/pw"], () => undefined, read);
  assert.equal(viaFlag.kind === "run" && viaFlag.config.basicAuthPassword, "s3cret");
  assert.deepEqual(viaFlag.kind === "run" && viaFlag.notices, []);
  const viaEnv = parseCommandLine(
    [],
    (n) => ({ SELKIES_TURN_SHARED_SECRET_FILE: "/run/t" })[n],
    read,
  );
  assert.equal(viaEnv.kind === "run" && viaEnv.config.turnSharedSecret, "tt");
  const snake = parseCommandLine(["--basic_auth_password_file=/run/pw"], () => undefined, read);
  assert.equal(snake.kind === "run" && snake.config.basicAuthPassword, "s3cret");
});

Deno.test("parseCommandLine() warns when a secret is on the command line", () => {
  const result = parseCommandLine(["--basic_auth_password=hunter2"], () => undefined, noFiles);
  assert.equal(result.kind, "run");
  if (result.kind !== "run") return;
  assert.deepEqual(result.notices, [
    "--basic_auth_password is visible to every local user in ps: prefer --basic-auth-password-file or SKERRY_BASIC_AUTH_PASSWORD_FILE",
  ]);
  assert.ok(!result.notices.join(" ").includes("hunter2"));
});

Deno.test("parseCommandLine() lets the --json-config file win, as selkies-gstreamer does", () => {
  const read = (path: string) => {
    assert.equal(path, "/var/lib/skerry.json");
    return JSON.stringify({ framerate: 30, encoder: "vp8enc", video_bitrate: "bad", port: 1 });
  };
  const result = parseCommandLine(
    ["--json_config=/var/lib/skerry.json", "--framerate=60", "--port=9000"],
    () => undefined,
    read,
  );
  assert.equal(result.kind, "run");
  if (result.kind !== "run") return;
  assert.equal(result.config.framerate, 30);
  assert.equal(result.config.encoder, "vp8enc");
  assert.equal(result.config.videoBitrate, 8000);
  assert.equal(result.config.port, 9000, "only viewer settings are remembered");
  assert.deepEqual(result.notices, [
    "Ignoring video_bitrate in /var/lib/skerry.json: value must be an integer 100-1000000",
  ]);
});

Deno.test("parseCommandLine() starts without a --json-config file and says so when it is bad", () => {
  const missing = parseCommandLine(["--json-config=/nope.json"], () => undefined, noFiles);
  assert.deepEqual(missing.kind === "run" && missing.notices, []);
  const bad = parseCommandLine(["--json-config=/bad.json"], () => undefined, () => "{oops");
  assert.deepEqual(bad.kind === "run" && bad.notices, [
    'Ignoring --json-config "/bad.json": it is not JSON',
  ]);
});

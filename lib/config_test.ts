import assert from "node:assert/strict";
import { OPTION_GROUPS, OPTIONS, parseCommandLine, redactedConfig } from "./config.ts";
import { helpText, optionsMarkdown } from "./options/render.ts";

const noEnv = () => undefined;
const envOf = (vars: Record<string, string>) => (name: string) => vars[name];

function run(args: string[], env: (name: string) => string | undefined = noEnv) {
  const result = parseCommandLine(args, env);
  assert.equal(result.kind, "run");
  return result.kind === "run" ? result : assert.fail();
}

Deno.test("parseCommandLine() gives the documented defaults", () => {
  const { command, config, args, notices } = run([]);
  assert.equal(command, "serve");
  assert.deepEqual(args, []);
  assert.deepEqual(notices, []);
  assert.deepEqual(
    {
      addr: config.addr,
      port: config.port,
      display: config.display,
      encoder: config.encoder,
      framerate: config.framerate,
      videoBitrate: config.videoBitrate,
      keyframeDistance: config.keyframeDistance,
      webRoot: config.webRoot,
      enableBasicAuth: config.enableBasicAuth,
      basicAuthUser: config.basicAuthUser,
      basicAuthPassword: config.basicAuthPassword,
      screen: config.screen,
      xServer: config.xServer,
      iceAddresses: config.iceAddresses,
      logLevel: config.logLevel,
      enableHttps: config.enableHttps,
      stunHost: config.stunHost,
      turnHost: config.turnHost,
      turnProtocol: config.turnProtocol,
      enableAudio: config.enableAudio,
      audioBitrate: config.audioBitrate,
      enableClipboard: config.enableClipboard,
      enableResize: config.enableResize,
      congestionControl: config.congestionControl,
      jsonConfig: config.jsonConfig,
    },
    {
      addr: "0.0.0.0",
      port: 8080,
      display: undefined,
      encoder: "x264enc",
      framerate: 60,
      videoBitrate: 8000,
      keyframeDistance: -1,
      webRoot: undefined,
      enableBasicAuth: true,
      basicAuthUser: "skerry",
      basicAuthPassword: undefined,
      screen: { width: 1280, height: 720 },
      xServer: "auto",
      iceAddresses: [],
      logLevel: "info",
      enableHttps: false,
      stunHost: undefined,
      turnHost: undefined,
      turnProtocol: "udp",
      enableAudio: true,
      audioBitrate: 128000,
      enableClipboard: "both",
      enableResize: false,
      congestionControl: true,
      jsonConfig: undefined,
    },
  );
  assert.equal(Object.keys(config).length, OPTIONS.length);
  assert.ok(Object.isFrozen(config));
});

Deno.test("parseCommandLine() reads flags in both --x=v and --x v forms", () => {
  const { config } = run(["--port=9000", "--encoder", "vp8enc", "--framerate", "30"]);
  assert.equal(config.port, 9000);
  assert.equal(config.encoder, "vp8enc");
  assert.equal(config.framerate, 30);
});

Deno.test("parseCommandLine() accepts selkies-gstreamer flag and env names", () => {
  const { config } = run(
    ["--web_root=/srv/web", "--video_bitrate=4000"],
    envOf({
      WEBRTC_ENCODER: "vp9enc",
      WEB_ROOT: "/ignored",
      SELKIES_PORT: "8443",
    }),
  );
  assert.equal(config.webRoot, "/srv/web");
  assert.equal(config.videoBitrate, 4000);
  assert.equal(config.encoder, "vp9enc");
  assert.equal(config.port, 8443);
});

Deno.test("parseCommandLine() ranks flag over SKERRY_ env over alias env", () => {
  const env = envOf({ SKERRY_ENCODER: "vp8enc", WEBRTC_ENCODER: "vp9enc" });
  assert.equal(run([], env).config.encoder, "vp8enc");
  assert.equal(run(["--encoder=openh264enc"], env).config.encoder, "openh264enc");
});

Deno.test("parseCommandLine() honours DISPLAY", () => {
  assert.equal(run([], envOf({ DISPLAY: ":3" })).config.display, ":3");
  assert.equal(run([], envOf({ DISPLAY: "" })).config.display, undefined);
});

Deno.test("parseCommandLine() takes booleans as --x, --no-x and --x=false", () => {
  assert.equal(run(["--enable-basic-auth"]).config.enableBasicAuth, true);
  assert.equal(run(["--no-enable-basic-auth"]).config.enableBasicAuth, false);
  assert.equal(run(["--enable_basic_auth=false"]).config.enableBasicAuth, false);
  assert.equal(run([], envOf({ SELKIES_ENABLE_BASIC_AUTH: "0" })).config.enableBasicAuth, false);
});

Deno.test("parseCommandLine() parses sizes and address lists", () => {
  const { config } = run(["--screen=1920x1080", "--ice-address=127.0.0.1, ::1"]);
  assert.deepEqual(config.screen, { width: 1920, height: 1080 });
  assert.deepEqual(config.iceAddresses, ["127.0.0.1", "::1"]);
});

Deno.test("parseCommandLine() recognises commands, help and version", () => {
  assert.equal(run(["demo", "--port=1"]).command, "demo");
  assert.equal(
    run(["turn-config", "--turn-host=t", "--turn-shared-secret=s"]).command,
    "turn-config",
  );
  assert.deepEqual(parseCommandLine(["--help"], noEnv), { kind: "help" });
  assert.deepEqual(parseCommandLine(["-V"], noEnv), { kind: "version" });
  assert.deepEqual(parseCommandLine(["helper", "--probe", "x"], noEnv), {
    kind: "helper",
    args: ["--probe", "x"],
  });
});

Deno.test("parseCommandLine() rejects bad input with one precise line", () => {
  const cases: [string[], Record<string, string>, string][] = [
    [["--port=0x"], {}, 'Cannot parse --port: value must be an integer 0-65535, received "0x"'],
    [
      ["--port", "70000"],
      {},
      'Cannot parse --port: value must be an integer 0-65535, received "70000"',
    ],
    [
      ["--encoder=h266"],
      {},
      'Cannot parse --encoder: value must be one of x264enc, openh264enc, vp8enc, vp9enc, av1enc, nvh264enc, received "h266"',
    ],
    [
      [],
      { WEBRTC_ENCODER: "nope" },
      'Cannot parse WEBRTC_ENCODER: value must be one of x264enc, openh264enc, vp8enc, vp9enc, av1enc, nvh264enc, received "nope"',
    ],
    [
      ["--screen=big"],
      {},
      'Cannot parse --screen: value must be WIDTHxHEIGHT between 64x64 and 7680x4320, received "big"',
    ],
    [
      ["--keyframe-distance=0"],
      {},
      'Cannot parse --keyframe-distance: value must be -1 or a number of seconds > 0, received "0"',
    ],
    [
      ["--enable-basic-auth=maybe"],
      {},
      'Cannot parse --enable-basic-auth: value must be true or false, received "maybe"',
    ],
    [["--bogus"], {}, "Unknown option '--bogus'"],
    [["--port"], {}, "Option '--port <value>' argument missing"],
    [["launch"], {}, 'Unknown command "launch": expected one of serve, demo, helper, turn-config'],
    [["--enable-clipboard=sideways"], {}, "Cannot parse --enable-clipboard: value must be one of"],
    [
      ["--turn-protocol=sctp"],
      {},
      'Cannot parse --turn-protocol: value must be one of udp, tcp, received "sctp"',
    ],
    [
      ["--stun_port=0"],
      {},
      'Cannot parse --stun_port: value must be an integer 1-65535, received "0"',
    ],
    [["--turn_host=a b"], {}, "Cannot parse --turn_host: value must be a host name"],
    [["--allowed-origins=evil"], {}, 'Cannot parse --allowed-origins: "evil" is not an origin'],
    [["--turn_rest_uri=ftp://x"], {}, "Cannot parse --turn_rest_uri: value must be an http://"],
    [
      ["--basic-auth-password-file=/nonexistent"],
      {},
      'Cannot read --basic-auth-password-file "/nonexistent"',
    ],
    [["serve", "extra"], {}, "Unexpected argument 'extra'"],
  ];
  for (const [args, env, message] of cases) {
    assert.throws(() => parseCommandLine(args, envOf(env)), (error: Error) => {
      assert.ok(error instanceof RangeError);
      assert.equal(error.message.split("\n").length, 1);
      assert.ok(error.message.startsWith(message), `${error.message} !~ ${message}`);
      return true;
    });
  }
});

Deno.test("redactedConfig() hides secrets that parseCommandLine() read", () => {
  const spec = OPTIONS.find((o) => o.secret)!;
  assert.equal(spec.key, "basicAuthPassword");
  // A secret cannot fail to parse today; check the redaction path directly.
  const { config } = run(["--basic-auth-password=hunter2"]);
  assert.equal(config.basicAuthPassword, "hunter2");
  assert.equal(redactedConfig(config).basicAuthPassword, "<set>");
  assert.equal(redactedConfig(run([]).config).basicAuthPassword, "<unset>");
});

Deno.test("helpText() lists every flag, its env var and its aliases", () => {
  const help = helpText("1.2.3", OPTION_GROUPS);
  for (const spec of OPTIONS) {
    assert.ok(help.includes(`--${spec.flag}`), spec.flag);
    assert.ok(help.includes(`env ${spec.env}`), spec.env);
    for (const alias of spec.envAliases ?? []) assert.ok(help.includes(alias), alias);
  }
  assert.ok(help.startsWith("skerry 1.2.3:"));
});

Deno.test("the README option table is the one the code renders", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  const start = readme.indexOf("<!-- options:start -->");
  const end = readme.indexOf("<!-- options:end -->");
  assert.ok(start >= 0 && end > start, "README.md lacks the options markers");
  const table = readme.slice(start + "<!-- options:start -->".length, end);
  // deno fmt pads the columns; compare cell by cell.
  const cells = (markdown: string) =>
    markdown.split("\n").filter((l) => l.trim()).map((l) =>
      l.split(/(?<!\\)\|/).map((c) => c.trim().replace(/^-+$/, "---"))
    );
  assert.deepEqual(
    cells(table),
    cells(optionsMarkdown(OPTION_GROUPS)),
    "run `deno task readme` to regenerate it",
  );
});

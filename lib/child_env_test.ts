import assert from "node:assert/strict";
import { childEnv, isDeniedName } from "./child_env.ts";

const PARENT = {
  PATH: "/usr/bin:/bin",
  HOME: "/home/ada",
  USER: "ada",
  SHELL: "/bin/bash",
  LANG: "en_GB.UTF-8",
  LC_TIME: "de_DE.UTF-8",
  TZ: "Europe/London",
  XDG_RUNTIME_DIR: "/run/user/1000",
  DISPLAY: ":0",
  XAUTHORITY: "/home/ada/.Xauthority",
  GST_DEBUG: "3",
  GST_PLUGIN_PATH: "/opt/gst",
  DENO_DIR: "/cache/deno",
  DENO_AUTH_TOKENS: "abc@example.com",
  SKERRY_BASIC_AUTH_PASSWORD: "hunter2",
  SKERRY_BASIC_AUTH_PASSWORD_FILE: "/run/secrets/pw",
  SELKIES_TURN_SHARED_SECRET: "turn-secret",
  TURN_PASSWORD: "turn-pw",
  GITHUB_TOKEN: "ghp_x",
  AWS_SECRET_ACCESS_KEY: "aws",
  MY_API_KEY: "k",
  LD_PRELOAD: "/tmp/evil.so",
  LD_LIBRARY_PATH: "/opt/lib",
  DBUS_SESSION_BUS_ADDRESS: "unix:path=/run/user/1000/bus",
  SSH_AUTH_SOCK: "/tmp/ssh-agent",
  TERM: "xterm-256color",
};

Deno.test("childEnv() gives the X server only the common names", () => {
  assert.deepEqual(childEnv("x-server", PARENT), {
    PATH: "/usr/bin:/bin",
    HOME: "/home/ada",
    LANG: "en_GB.UTF-8",
    LC_TIME: "de_DE.UTF-8",
    TZ: "Europe/London",
    XDG_RUNTIME_DIR: "/run/user/1000",
    DISPLAY: ":0",
    XAUTHORITY: "/home/ada/.Xauthority",
  });
});

Deno.test("childEnv() gives the desktop the user's identity and the embedded display", () => {
  assert.deepEqual(
    childEnv("desktop", PARENT, { DISPLAY: ":20", XAUTHORITY: "/tmp/skerry-x-1/Xauthority" }),
    {
      PATH: "/usr/bin:/bin",
      HOME: "/home/ada",
      USER: "ada",
      SHELL: "/bin/bash",
      LANG: "en_GB.UTF-8",
      LC_TIME: "de_DE.UTF-8",
      TZ: "Europe/London",
      XDG_RUNTIME_DIR: "/run/user/1000",
      DISPLAY: ":20",
      XAUTHORITY: "/tmp/skerry-x-1/Xauthority",
    },
  );
});

Deno.test("childEnv() gives the helper GStreamer's variables and DENO_DIR, not Deno's tokens", () => {
  const env = childEnv("helper", PARENT, { NO_COLOR: "1" });
  assert.equal(env.GST_DEBUG, "3");
  assert.equal(env.GST_PLUGIN_PATH, "/opt/gst");
  assert.equal(env.DENO_DIR, "/cache/deno");
  assert.equal(env.NO_COLOR, "1");
  assert.equal(env.DENO_AUTH_TOKENS, undefined);
  assert.equal(env.USER, undefined);
});

Deno.test("childEnv() never passes a secret, Skerry's settings or the loader's variables", () => {
  const secrets = ["hunter2", "turn-secret", "turn-pw", "ghp_x", "aws", "k", "/run/secrets/pw"];
  for (const role of ["x-server", "desktop", "helper"] as const) {
    const env = childEnv(role, PARENT);
    for (const name of Object.keys(env)) assert.equal(isDeniedName(name), false, name);
    for (const secret of secrets) assert.ok(!Object.values(env).includes(secret), secret);
    for (const name of ["LD_PRELOAD", "LD_LIBRARY_PATH", "DBUS_SESSION_BUS_ADDRESS", "TERM"]) {
      assert.equal(env[name], undefined, name);
    }
  }
});

Deno.test("childEnv() refuses to set a name that marks a secret", () => {
  assert.throws(() => childEnv("helper", {}, { GST_SECRET_TOKEN: "x" }), {
    name: "RangeError",
    message: "Cannot pass GST_SECRET_TOKEN to a child: the name marks a secret",
  });
});

Deno.test("isDeniedName() matches Skerry's, selkies' and TURN names and secret-looking ones", () => {
  for (
    const name of [
      "SKERRY_PORT",
      "SELKIES_ENCODER",
      "TURN_HOST",
      "DB_PASSWORD",
      "PASSWD",
      "CLIENT_SECRET",
      "NPM_TOKEN",
      "AWS_ACCESS_KEY_ID",
      "KEY",
      "GOOGLE_APPLICATION_CREDENTIALS",
      "LD_PRELOAD",
    ]
  ) {
    assert.equal(isDeniedName(name), true, name);
  }
  for (const name of ["PATH", "XAUTHORITY", "GST_DEBUG", "KEYBOARD", "MONKEY", "LC_ALL"]) {
    assert.equal(isDeniedName(name), false, name);
  }
});

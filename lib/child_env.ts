/**
 * The environment of every child Skerry starts: an allow-list, so a password,
 * a TURN secret or a token in Skerry's own environment never reaches the X
 * server, the helper or a remote desktop user typing `env` in the terminal.
 *
 * @module
 */

/**
 * Who the child is, which decides the names it may inherit beyond the common
 * ones: `x-server` (Xorg, Xvfb), `desktop` (the window manager, terminal,
 * clock and X tools, which a remote user can see), `helper` (the media
 * helper, which also needs GStreamer's and Deno's own variables).
 */
export type ChildRole = "x-server" | "desktop" | "helper";

/** Names every child inherits when Skerry has them. */
const COMMON = [
  "PATH",
  "HOME",
  "LANG",
  "LANGUAGE",
  "TZ",
  "TMPDIR",
  "XDG_RUNTIME_DIR",
  "NO_COLOR",
  // The user's display (`skerry serve` on their DISPLAY) and its cookie; an
  // embedded display sets both explicitly.
  "DISPLAY",
  "XAUTHORITY",
];

/** Further names by role. */
const BY_ROLE: Record<ChildRole, readonly string[]> = {
  "x-server": [],
  desktop: [
    "USER",
    "LOGNAME",
    "SHELL",
    "PULSE_SERVER",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_CACHE_HOME",
    "XDG_STATE_HOME",
    "XDG_CONFIG_DIRS",
    "XDG_DATA_DIRS",
  ],
  // DENO_DIR: where `deno run` finds its cache when running from a checkout.
  helper: ["PULSE_SERVER", "DENO_DIR"],
};

/** Name prefixes a role inherits (`LC_ALL`, `LC_TIME` …; `GST_DEBUG`, `GST_PLUGIN_PATH` …). */
const PREFIXES_BY_ROLE: Record<ChildRole, readonly string[]> = {
  "x-server": ["LC_"],
  desktop: ["LC_"],
  helper: ["LC_", "GST_"],
};

/**
 * Names never passed on, even when allow-listed above or set explicitly:
 * Skerry's and selkies-gstreamer's own settings, TURN settings, anything
 * that names itself a password, secret, token, credential or key, and the
 * dynamic loader's variables (a library injected into every child).
 */
export function isDeniedName(name: string): boolean {
  return /^(SKERRY|SELKIES|TURN)_/i.test(name) ||
    /PASSW(OR)?D|SECRET|TOKEN|CREDENTIAL|(^|_)(API_?)?KEY($|_)|COOKIE/i.test(name) ||
    /^LD_/.test(name);
}

/**
 * The environment for a child with `role`: the allow-listed names from
 * `parent` (Skerry's environment), then `set` on top (DISPLAY and XAUTHORITY
 * of an embedded display, GST_DEBUG …). A denied name is dropped from
 * `parent` and refused in `set` with a `RangeError` (a programming error).
 * Spawn with `clearEnv: true` so nothing else is inherited.
 */
export function childEnv(
  role: ChildRole,
  parent: Readonly<Record<string, string>>,
  set: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const names = new Set([...COMMON, ...BY_ROLE[role]]);
  const prefixes = PREFIXES_BY_ROLE[role];
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (isDeniedName(name)) continue;
    if (names.has(name) || prefixes.some((p) => name.startsWith(p))) env[name] = value;
  }
  for (const [name, value] of Object.entries(set)) {
    if (isDeniedName(name)) {
      throw new RangeError(`Cannot pass ${name} to a child: the name marks a secret`);
    }
    env[name] = value;
  }
  return env;
}

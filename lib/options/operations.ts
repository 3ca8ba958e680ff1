/** Options for operators: logs, metrics, statistics, persisted settings. */

import { option, type OptionGroup } from "./option.ts";
import { anything, bool, int, oneOf, optionalText, text } from "./parse.ts";
import { selkies } from "./selkies.ts";

/** Log levels, most verbose first. */
export const LOG_LEVELS = ["debug", "info", "warning", "error"] as const;
/** One of {@linkcode LOG_LEVELS}. */
export type LogLevel = typeof LOG_LEVELS[number];

/** Operations options. */
export const OPERATIONS_OPTIONS = [
  option({
    key: "logLevel",
    flag: "log-level",
    value: "LEVEL",
    env: "SKERRY_LOG_LEVEL",
    default: "info",
    help: `Log level: ${LOG_LEVELS.join(", ")}`,
    parse: oneOf(LOG_LEVELS),
  }),
  option({
    key: "debug",
    flag: "debug",
    env: "SKERRY_DEBUG",
    ...selkies("debug"),
    default: "false",
    boolean: true,
    help: "Same as --log-level=debug",
    parse: bool,
  }),
  option({
    key: "jsonConfig",
    flag: "json-config",
    value: "FILE",
    env: "SKERRY_JSON_CONFIG",
    ...selkies("json_config"),
    default: "",
    help:
      "File remembering settings viewers change (encoder, framerate, bitrates, resize); its values win at start-up",
    parse: optionalText,
  }),
  option({
    key: "enableMetricsHttp",
    flag: "enable-metrics-http",
    env: "SKERRY_ENABLE_METRICS_HTTP",
    ...selkies("enable_metrics_http"),
    default: "false",
    boolean: true,
    help:
      "Also serve /metrics on --metrics-http-port without authentication, for a Prometheus on an internal network (the main port always serves it, authenticated)",
    parse: bool,
  }),
  option({
    key: "metricsHttpPort",
    flag: "metrics-http-port",
    value: "PORT",
    env: "SKERRY_METRICS_HTTP_PORT",
    ...selkies("metrics_http_port"),
    default: "8000",
    help: "Port of the separate Prometheus endpoint",
    parse: int(0, 65535),
  }),
  option({
    key: "enableWebrtcStatistics",
    flag: "enable-webrtc-statistics",
    env: "SKERRY_ENABLE_WEBRTC_STATISTICS",
    ...selkies("enable_webrtc_statistics"),
    default: "false",
    boolean: true,
    help:
      "Write each viewer's WebRTC statistics, once a second, to a CSV file of its own in --webrtc-statistics-dir",
    parse: bool,
  }),
  option({
    key: "webrtcStatisticsDir",
    flag: "webrtc-statistics-dir",
    value: "DIR",
    env: "SKERRY_WEBRTC_STATISTICS_DIR",
    ...selkies("webrtc_statistics_dir"),
    default: "/tmp",
    help: "Directory of the WebRTC statistics CSV files",
    parse: text,
  }),
] as const;

/** Options selkies-gstreamer has that cannot apply to Skerry: accepted, said so, unused. */
export const IGNORED_OPTIONS = [
  option({
    key: "uinputMouseSocket",
    flag: "uinput-mouse-socket",
    value: "PATH",
    env: "SKERRY_UINPUT_MOUSE_SOCKET",
    ...selkies("uinput_mouse_socket"),
    default: "",
    ignored: "Skerry drives /dev/uinput itself; no socket to a separate uinput process is needed",
    help: "Ignored: Skerry drives /dev/uinput itself",
    parse: anything,
  }),
  option({
    key: "jsSocketPath",
    flag: "js-socket-path",
    value: "DIR",
    env: "SKERRY_JS_SOCKET_PATH",
    ...selkies("js_socket_path"),
    default: "",
    ignored:
      "Skerry's gamepads are real uinput devices, not sockets for selkies' LD_PRELOAD joystick interposer",
    help: "Ignored: gamepads are uinput devices, not interposer sockets",
    parse: optionalText,
  }),
] as const;

/** The operations section of `--help` and the README. */
export const OPERATIONS_GROUP: OptionGroup = {
  title: "Operations",
  options: OPERATIONS_OPTIONS,
};
/** The ignored section of `--help` and the README. */
export const IGNORED_GROUP: OptionGroup = {
  title: "Accepted for selkies-gstreamer scripts, ignored",
  options: IGNORED_OPTIONS,
};

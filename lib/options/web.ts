/** Options of the web server: where it listens, TLS, origins, the client. */

import { option, type OptionGroup } from "./option.ts";
import { addresses, bool, int, optionalText, origins, text } from "./parse.ts";
import { selkies } from "./selkies.ts";

/** The web server's options. */
export const WEB_OPTIONS = [
  option({
    key: "addr",
    flag: "addr",
    value: "ADDR",
    env: "SKERRY_ADDR",
    ...selkies("addr"),
    default: "0.0.0.0",
    help: "Address to listen on",
    parse: text,
  }),
  option({
    key: "port",
    flag: "port",
    value: "PORT",
    env: "SKERRY_PORT",
    ...selkies("port"),
    default: "8080",
    help: "Port for the web client, signalling and everything else (0: any free port)",
    parse: int(0, 65535),
  }),
  option({
    key: "enableHttps",
    flag: "enable-https",
    env: "SKERRY_ENABLE_HTTPS",
    ...selkies("enable_https"),
    default: "false",
    boolean: true,
    help: "Serve HTTPS (and wss:) with --https-cert and --https-key, reloaded when they change",
    parse: bool,
  }),
  option({
    key: "httpsCert",
    flag: "https-cert",
    value: "FILE",
    env: "SKERRY_HTTPS_CERT",
    ...selkies("https_cert"),
    default: "",
    help: "PEM certificate chain for HTTPS (unset: Debian's snake-oil pair, if readable)",
    parse: optionalText,
  }),
  option({
    key: "httpsKey",
    flag: "https-key",
    value: "FILE",
    env: "SKERRY_HTTPS_KEY",
    ...selkies("https_key"),
    default: "",
    help: "PEM private key for HTTPS (unset: the key is in the --https-cert file)",
    parse: optionalText,
  }),
  option({
    key: "allowedOrigins",
    flag: "allowed-origins",
    value: "ORIGIN[,ORIGIN]",
    env: "SKERRY_ALLOWED_ORIGINS",
    default: "",
    help:
      "Other page origins allowed to open the WebSocket (a reverse proxy on another host); the page's own origin always is",
    parse: origins,
  }),
  option({
    key: "trustedProxies",
    flag: "trusted-proxies",
    value: "ADDR[,ADDR]",
    env: "SKERRY_TRUSTED_PROXIES",
    default: "",
    help:
      "Reverse proxies whose X-Forwarded-For names the client (failed-login limit, logs); others' is ignored",
    parse: addresses,
  }),
  option({
    key: "webRoot",
    flag: "web-root",
    value: "DIR",
    env: "SKERRY_WEB_ROOT",
    ...selkies("web_root", "WEB_ROOT"),
    default: "",
    help: "Serve a custom web client from this directory instead of the built-in one",
    parse: optionalText,
  }),
  option({
    key: "pwaAppName",
    flag: "pwa-app-name",
    value: "NAME",
    env: "SKERRY_PWA_APP_NAME",
    envAliases: ["PWA_APP_NAME"],
    default: "Skerry",
    help: "Name of the installable web app (PWA manifest)",
    parse: text,
  }),
  option({
    key: "pwaAppShortName",
    flag: "pwa-app-short-name",
    value: "NAME",
    env: "SKERRY_PWA_APP_SHORT_NAME",
    envAliases: ["PWA_APP_SHORT_NAME"],
    default: "Skerry",
    help: "Short name of the installable web app (home screen label)",
    parse: text,
  }),
  option({
    key: "pwaStartUrl",
    flag: "pwa-start-url",
    value: "URL",
    env: "SKERRY_PWA_START_URL",
    envAliases: ["PWA_START_URL"],
    default: "./",
    help: "Start URL of the installable web app, relative to the page",
    parse: text,
  }),
] as const;

/** The web server's section of `--help` and the README. */
export const WEB_GROUP: OptionGroup = { title: "Web server", options: WEB_OPTIONS };

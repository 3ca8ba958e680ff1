/**
 * Options of network reach: STUN, TURN (shared secret, long-term
 * credentials, a TURN REST service, Cloudflare, or an RTC configuration
 * file) and the ICE addresses offered. The browser and webrtcbin get the
 * same servers.
 *
 * @module
 */

import { option, type OptionGroup } from "./option.ts";
import { addresses, bool, host, int, oneOf, optionalText, optionalUrl, text } from "./parse.ts";
import { selkies } from "./selkies.ts";

/** Network options. */
export const NETWORK_OPTIONS = [
  option({
    key: "stunHost",
    flag: "stun-host",
    value: "HOST",
    env: "SKERRY_STUN_HOST",
    ...selkies("stun_host"),
    default: "",
    help:
      "STUN server for server-reflexive candidates (unset: none; nothing is sent to third parties)",
    parse: host,
  }),
  option({
    key: "stunPort",
    flag: "stun-port",
    value: "PORT",
    env: "SKERRY_STUN_PORT",
    ...selkies("stun_port"),
    default: "3478",
    help: "STUN server port",
    parse: int(1, 65535),
  }),
  option({
    key: "turnHost",
    flag: "turn-host",
    value: "HOST",
    env: "SKERRY_TURN_HOST",
    ...selkies("turn_host", "TURN_HOST"),
    default: "",
    help: "TURN server host, with --turn-shared-secret or --turn-username/--turn-password",
    parse: host,
  }),
  option({
    key: "turnPort",
    flag: "turn-port",
    value: "PORT",
    env: "SKERRY_TURN_PORT",
    ...selkies("turn_port", "TURN_PORT"),
    default: "3478",
    help: "TURN server port",
    parse: int(1, 65535),
  }),
  option({
    key: "turnProtocol",
    flag: "turn-protocol",
    value: "PROTOCOL",
    env: "SKERRY_TURN_PROTOCOL",
    ...selkies("turn_protocol", "TURN_PROTOCOL"),
    default: "udp",
    help: "Transport to the TURN server: udp, or tcp where UDP is blocked",
    parse: (raw) => oneOf(["udp", "tcp"] as const)(raw.toLowerCase()),
  }),
  option({
    key: "turnTls",
    flag: "turn-tls",
    env: "SKERRY_TURN_TLS",
    ...selkies("turn_tls", "TURN_TLS"),
    default: "false",
    boolean: true,
    help: "TURN over TLS (turns:), needs a certificate the browser trusts on the TURN server",
    parse: bool,
  }),
  option({
    key: "turnSharedSecret",
    flag: "turn-shared-secret",
    value: "SECRET",
    env: "SKERRY_TURN_SHARED_SECRET",
    ...selkies("turn_shared_secret", "TURN_SHARED_SECRET", "TURN_SECRET"),
    default: "",
    secret: true,
    help: "Shared secret of a TURN server with use-auth-secret: short-lived HMAC credentials",
    parse: optionalText,
  }),
  option({
    key: "turnUsername",
    flag: "turn-username",
    value: "USER",
    env: "SKERRY_TURN_USERNAME",
    ...selkies("turn_username", "TURN_USERNAME", "TURN_USER"),
    default: "",
    help: "Long-term TURN user name (takes priority over the shared secret)",
    parse: optionalText,
  }),
  option({
    key: "turnPassword",
    flag: "turn-password",
    value: "PASSWORD",
    env: "SKERRY_TURN_PASSWORD",
    ...selkies("turn_password", "TURN_PASSWORD"),
    default: "",
    secret: true,
    help: "Long-term TURN password",
    parse: optionalText,
  }),
  option({
    key: "turnRestUri",
    flag: "turn-rest-uri",
    value: "URL",
    env: "SKERRY_TURN_REST_URI",
    ...selkies("turn_rest_uri"),
    default: "",
    help: "TURN REST service returning an RTC configuration (overrides host/secret options)",
    parse: optionalUrl,
  }),
  option({
    key: "turnRestUsername",
    flag: "turn-rest-username",
    value: "USER",
    env: "SKERRY_TURN_REST_USERNAME",
    ...selkies("turn_rest_username"),
    default: "",
    help:
      "User name sent to the TURN REST service and used in HMAC credentials (unset: skerry-HOSTNAME)",
    parse: optionalText,
  }),
  option({
    key: "turnRestUsernameAuthHeader",
    flag: "turn-rest-username-auth-header",
    value: "HEADER",
    env: "SKERRY_TURN_REST_USERNAME_AUTH_HEADER",
    ...selkies("turn_rest_username_auth_header"),
    default: "x-auth-user",
    help: "Header carrying the user name to the TURN REST service",
    parse: text,
  }),
  option({
    key: "turnRestProtocolHeader",
    flag: "turn-rest-protocol-header",
    value: "HEADER",
    env: "SKERRY_TURN_REST_PROTOCOL_HEADER",
    ...selkies("turn_rest_protocol_header"),
    default: "x-turn-protocol",
    help: "Header carrying --turn-protocol to the TURN REST service",
    parse: text,
  }),
  option({
    key: "turnRestTlsHeader",
    flag: "turn-rest-tls-header",
    value: "HEADER",
    env: "SKERRY_TURN_REST_TLS_HEADER",
    ...selkies("turn_rest_tls_header"),
    default: "x-turn-tls",
    help: "Header carrying --turn-tls to the TURN REST service",
    parse: text,
  }),
  option({
    key: "rtcConfigJson",
    flag: "rtc-config-json",
    value: "FILE",
    env: "SKERRY_RTC_CONFIG_JSON",
    ...selkies("rtc_config_json"),
    default: "",
    help:
      'RTC configuration file ({"iceServers": [...]}) overriding every STUN/TURN option; re-read when it changes',
    parse: optionalText,
  }),
  option({
    key: "enableCloudflareTurn",
    flag: "enable-cloudflare-turn",
    env: "SKERRY_ENABLE_CLOUDFLARE_TURN",
    ...selkies("enable_cloudflare_turn"),
    default: "false",
    boolean: true,
    help:
      "Get TURN credentials from Cloudflare's TURN service (overrides every other STUN/TURN option)",
    parse: bool,
  }),
  option({
    key: "cloudflareTurnTokenId",
    flag: "cloudflare-turn-token-id",
    value: "ID",
    env: "SKERRY_CLOUDFLARE_TURN_TOKEN_ID",
    ...selkies("cloudflare_turn_token_id"),
    default: "",
    help: "Cloudflare TURN key id",
    parse: optionalText,
  }),
  option({
    key: "cloudflareTurnApiToken",
    flag: "cloudflare-turn-api-token",
    value: "TOKEN",
    env: "SKERRY_CLOUDFLARE_TURN_API_TOKEN",
    ...selkies("cloudflare_turn_api_token"),
    default: "",
    secret: true,
    help: "Cloudflare TURN API token",
    parse: optionalText,
  }),
  option({
    key: "iceAddresses",
    flag: "ice-address",
    value: "IP[,IP]",
    env: "SKERRY_ICE_ADDRESS",
    default: "",
    help:
      "Local addresses to offer as ICE candidates besides the interfaces found (e.g. 127.0.0.1)",
    parse: addresses,
  }),
] as const;

/** The network section of `--help` and the README. */
export const NETWORK_GROUP: OptionGroup = {
  title: "Network: STUN, TURN and ICE",
  options: NETWORK_OPTIONS,
};

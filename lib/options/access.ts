/** Options of access control: who may watch and control the desktop. */

import { option, type OptionGroup } from "./option.ts";
import { bool, int, optionalText, text } from "./parse.ts";
import { selkies } from "./selkies.ts";
import { DEFAULT_MAX_VIEWERS } from "../protocol/signalling.ts";

/** Access options. */
export const ACCESS_OPTIONS = [
  option({
    key: "maxViewers",
    flag: "max-viewers",
    value: "N",
    env: "SKERRY_MAX_VIEWERS",
    default: String(DEFAULT_MAX_VIEWERS),
    // Each viewer is a webrtcbin of its own (DTLS, SRTP, congestion control) in the helper.
    help: 'Most viewers at once; one more is refused with "server full" until a seat frees',
    parse: int(1, 256),
  }),
  option({
    key: "enableBasicAuth",
    flag: "enable-basic-auth",
    env: "SKERRY_ENABLE_BASIC_AUTH",
    ...selkies("enable_basic_auth"),
    default: "true",
    boolean: true,
    help: "Require HTTP Basic authentication on every route, the WebSocket included",
    parse: bool,
  }),
  option({
    key: "basicAuthUser",
    flag: "basic-auth-user",
    value: "USER",
    env: "SKERRY_BASIC_AUTH_USER",
    ...selkies("basic_auth_user"),
    default: "skerry",
    help: "User name for Basic authentication",
    parse: text,
  }),
  option({
    key: "basicAuthPassword",
    flag: "basic-auth-password",
    value: "PASSWORD",
    env: "SKERRY_BASIC_AUTH_PASSWORD",
    ...selkies("basic_auth_password"),
    default: "",
    secret: true,
    help:
      "Password for Basic authentication (prefer --basic-auth-password-file: flags show in ps); unset: a random one, shown on the terminal or else written to a 0600 file",
    parse: optionalText,
  }),
] as const;

/** The access section of `--help` and the README. */
export const ACCESS_GROUP: OptionGroup = { title: "Access", options: ACCESS_OPTIONS };

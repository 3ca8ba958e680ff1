/** Options of access control: who may watch and control the desktop. */

import { option, type OptionGroup } from "./option.ts";
import { bool, int, oneOf, optionalText, text } from "./parse.ts";
import { selkies } from "./selkies.ts";
import { DEFAULT_MAX_VIEWERS } from "../protocol/signalling.ts";

/** What `--file-transfers` may say. */
export const FILE_TRANSFERS = ["none", "upload", "download", "both"] as const;
/** Which file transfers are on. */
export type FileTransfers = typeof FILE_TRANSFERS[number];

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
  option({
    key: "basicAuthViewonlyPassword",
    flag: "basic-auth-viewonly-password",
    value: "PASSWORD",
    env: "SKERRY_BASIC_AUTH_VIEWONLY_PASSWORD",
    default: "",
    secret: true,
    help:
      "A second password (same user name) that only watches: no input, clipboard or files (neko's model); unset: no view-only login",
    parse: optionalText,
  }),
  option({
    key: "fileTransfers",
    flag: "file-transfers",
    value: "WHICH",
    env: "SKERRY_FILE_TRANSFERS",
    default: "none",
    help:
      "File transfer for full-control viewers: none, upload (drop a file on the page), download (files put in the folder), both",
    parse: oneOf(FILE_TRANSFERS),
  }),
  option({
    key: "fileTransferDir",
    flag: "file-transfer-dir",
    value: "DIR",
    env: "SKERRY_FILE_TRANSFER_DIR",
    default: "",
    help:
      "Folder uploads land in and downloads come from (made if missing); unset: $HOME/Downloads. Deno must be allowed to write there",
    parse: optionalText,
  }),
  option({
    key: "fileTransferMaxMb",
    flag: "file-transfer-max-mb",
    value: "MB",
    env: "SKERRY_FILE_TRANSFER_MAX_MB",
    default: "1024",
    help:
      "Largest upload, in MiB: a larger one is refused before it is written, and one that lies about its size is cut off and removed",
    parse: int(1, 1024 * 1024),
  }),
] as const;

/** The access section of `--help` and the README. */
export const ACCESS_GROUP: OptionGroup = { title: "Access", options: ACCESS_OPTIONS };

/**
 * Basic authentication settings: the configured credentials, or a generated
 * password when none is set (never a default password), and the optional
 * view-only password: same user name, a login that only watches.
 *
 * @module
 */

import type { Config } from "./config.ts";

/** Credentials the server enforces. */
export interface Auth {
  username: string;
  password: string;
  /** Whether the password was generated at start-up (and must be shown to the user). */
  generated: boolean;
  /** The view-only password (role `view`), if one is configured. */
  viewOnlyPassword?: string;
}

/** Length of a generated password, in characters. */
export const GENERATED_PASSWORD_LENGTH = 20;

/** Returns the credentials to enforce, or undefined when auth is off. */
export function resolveAuth(
  config: Pick<
    Config,
    "enableBasicAuth" | "basicAuthUser" | "basicAuthPassword" | "basicAuthViewonlyPassword"
  >,
): Auth | undefined {
  if (!config.enableBasicAuth) return undefined;
  const viewOnly = config.basicAuthViewonlyPassword;
  if (viewOnly !== undefined && viewOnly === config.basicAuthPassword) {
    throw new RangeError(
      "Cannot use --basic-auth-viewonly-password: it is the full-control password; choose another",
    );
  }
  const extra = viewOnly === undefined ? {} : { viewOnlyPassword: viewOnly };
  if (config.basicAuthPassword !== undefined) {
    return {
      username: config.basicAuthUser,
      password: config.basicAuthPassword,
      generated: false,
      ...extra,
    };
  }
  return {
    username: config.basicAuthUser,
    password: generatePassword(),
    generated: true,
    ...extra,
  };
}

/** A random password of letters and digits (about 117 bits at 20 characters), easy to copy. */
export function generatePassword(length = GENERATED_PASSWORD_LENGTH): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  // Rejection sampling keeps every character equally likely.
  const limit = 256 - (256 % alphabet.length);
  let out = "";
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/**
 * Basic authentication settings: the configured credentials, or a generated
 * password when none is set (never a default password).
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
}

/** Length of a generated password, in characters. */
export const GENERATED_PASSWORD_LENGTH = 20;

/** Returns the credentials to enforce, or undefined when auth is off. */
export function resolveAuth(
  config: Pick<Config, "enableBasicAuth" | "basicAuthUser" | "basicAuthPassword">,
): Auth | undefined {
  if (!config.enableBasicAuth) return undefined;
  if (config.basicAuthPassword !== undefined) {
    return { username: config.basicAuthUser, password: config.basicAuthPassword, generated: false };
  }
  return { username: config.basicAuthUser, password: generatePassword(), generated: true };
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

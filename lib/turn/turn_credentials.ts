/**
 * Time-limited TURN credentials from a shared secret, as coturn's
 * `use-auth-secret` (the "TURN REST API" scheme) checks them: the user name
 * is `<expiry unix seconds>:<user>` and the password is
 * `base64(HMAC-SHA1(secret, username))`. Computed with WebCrypto.
 *
 * @module
 */

/** Lifetime of generated credentials, in seconds: 24 h, as selkies-gstreamer. */
export const TURN_CREDENTIAL_LIFETIME_S = 24 * 3600;

/** A TURN user name and password, and when they stop working. */
export interface TurnCredentials {
  username: string;
  credential: string;
  /** Expiry, in ms since the epoch (a whole second). */
  expiresAtMs: number;
}

/** Options of {@linkcode turnCredentials}. */
export interface TurnCredentialOptions {
  /** The current time, in ms since the epoch. Default `Date.now()`. */
  nowMs?: number;
  /** How long the credentials last, in seconds. Default 86400 (24 h). */
  lifetimeS?: number;
}

/**
 * Makes credentials for `user` that a TURN server sharing `secret` accepts
 * until now + lifetime. `:` in `user` becomes `-` (coturn splits the
 * timestamp at the first `:`).
 */
export async function turnCredentials(
  secret: string,
  user: string,
  options: TurnCredentialOptions = {},
): Promise<TurnCredentials> {
  const nowS = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const expiry = nowS + (options.lifetimeS ?? TURN_CREDENTIAL_LIFETIME_S);
  const username = `${expiry}:${user.replaceAll(":", "-")}`;
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-1" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(username));
  return { username, credential: new Uint8Array(mac).toBase64(), expiresAtMs: expiry * 1000 };
}

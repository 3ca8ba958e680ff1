/**
 * Per-page tokens, the second lock on `/ws` after the Origin check: the page
 * fetches a short-lived token from an authenticated same-origin endpoint and
 * offers it when it opens the WebSocket. A foreign page cannot read that
 * endpoint (the same-origin policy; Skerry sends no CORS headers), so it
 * cannot open the socket even where the Origin check would let it.
 *
 * A token is `<expiry>.<mac>`: the expiry in seconds since the epoch (base
 * 36) and an HMAC-SHA-256 of it under a key made at start-up. Tokens are
 * checked without state, so issuing them costs no memory, and none survives
 * a restart of the server. A token may be bound to a scope (the login's
 * role): the MAC then covers it, and the token verifies for that scope only.
 *
 * @module
 */

/** Options of {@linkcode PageTokens}. */
export interface PageTokensOptions {
  /** How long a token stays valid, in ms. Default 60000: the page uses it at once. */
  ttlMs?: number;
  /** The clock, in ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

const encoder = new TextEncoder();

/** Issues and checks page tokens; one instance per server process. */
export class PageTokens {
  readonly #key: Promise<CryptoKey>;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: PageTokensOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    this.#key = crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
  }

  /** A new token, valid for the configured time (and for `scope` only, when given). */
  async issue(scope = ""): Promise<string> {
    const expiry = Math.ceil((this.#now() + this.#ttlMs) / 1000).toString(36);
    const mac = await crypto.subtle.sign("HMAC", await this.#key, signed(expiry, scope));
    return `${expiry}.${base64url(new Uint8Array(mac))}`;
  }

  /** Whether `token` was issued by this instance for `scope` and has not expired. */
  async verify(token: string | undefined, scope = ""): Promise<boolean> {
    const match = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token ?? "");
    if (!match) return false;
    const [, expiry, mac] = match as unknown as [string, string, string];
    if (parseInt(expiry, 36) * 1000 <= this.#now()) return false;
    return await crypto.subtle.verify(
      "HMAC",
      await this.#key,
      fromBase64url(mac),
      signed(expiry, scope),
    );
  }
}

/** The bytes a token's MAC covers: the expiry, and the scope if any (`/` never occurs in base 36). */
function signed(expiry: string, scope: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(scope === "" ? expiry : `${expiry}/${scope}`);
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * How a page proves it is Skerry's own page when it opens the signalling
 * WebSocket (docs/PROTOCOL.md, "Opening the socket"). Shared by both sides.
 *
 * @module
 */

/** The page fetches a token here (relative to the page), right before each WebSocket attempt. */
export const PAGE_TOKEN_PATH = "ws-token";
/** The subprotocol the server selects; the client offers it first. */
export const SIGNALLING_SUBPROTOCOL = "skerry";
/** The client offers the token as a second subprotocol: this prefix, then the token. */
export const PAGE_TOKEN_SUBPROTOCOL_PREFIX = "skerry-token.";

/** The body of `GET ws-token`. */
export interface PageTokenResponse {
  token: string;
}

/** The subprotocols a client offers on `/ws`, the page token among them. */
export function signallingProtocols(token: string): string[] {
  return [SIGNALLING_SUBPROTOCOL, `${PAGE_TOKEN_SUBPROTOCOL_PREFIX}${token}`];
}

/** The page token inside a `Sec-WebSocket-Protocol` header value, if any. */
export function tokenFromProtocols(header: string | null | undefined): string | undefined {
  for (const value of (header ?? "").split(",")) {
    const protocol = value.trim();
    if (protocol.startsWith(PAGE_TOKEN_SUBPROTOCOL_PREFIX)) {
      return protocol.slice(PAGE_TOKEN_SUBPROTOCOL_PREFIX.length);
    }
  }
  return undefined;
}

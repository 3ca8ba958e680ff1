/**
 * Registers the server's service worker (`sw.js` beside the page), which
 * makes the client installable as an app. Browsers allow it only in a secure
 * context (HTTPS, or localhost); elsewhere this does nothing.
 *
 * @module
 */

/** Registers `./sw.js`; resolves false when the browser cannot or will not. */
export async function registerServiceWorker(
  container: ServiceWorkerContainer | undefined = globalThis.navigator?.serviceWorker,
): Promise<boolean> {
  if (!container || !globalThis.isSecureContext) return false;
  try {
    await container.register("./sw.js");
    return true;
  } catch {
    // A failed registration only means no install prompt; the client works as before.
    return false;
  }
}

import assert from "node:assert/strict";
import { serviceWorkerScript } from "./service_worker.ts";
import { webManifest } from "./web_manifest.ts";

Deno.test("webManifest() carries the configured names, start URL and installable icons", () => {
  assert.deepEqual(webManifest({ name: "Selkies WebRTC", shortName: "selkies", startUrl: "./" }), {
    name: "Selkies WebRTC",
    short_name: "selkies",
    start_url: "./",
    display: "standalone",
    background_color: "#0d2b45",
    theme_color: "#0d2b45",
    icons: [
      { src: "icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      { src: "icon-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
  });
});

Deno.test("serviceWorkerScript() escapes the app name into its offline page", () => {
  const script = serviceWorkerScript({ name: `Desk</p><script>x()</script>"'` });
  assert.doesNotMatch(script, /<script>/);
  assert.match(script, /Desk&#60;\/p&#62;&#60;script&#62;x\(\)&#60;\/script&#62;&#34;&#39;/);
  // It is valid JavaScript.
  new Function("self", script);
});

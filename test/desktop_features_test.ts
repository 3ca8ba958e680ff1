/**
 * Resize, cursors and the clipboard end to end: a real Xorg dummy display
 * with an xterm, a real Skerry server streaming it, Debian's Chromium.
 *
 * - the browser window changes size: the X screen and the decoded video follow;
 *   `skerry resize 1024x768` changes the X screen;
 * - the pointer over the xterm makes the page's CSS cursor the xterm's text
 *   cursor (the image and hotspot XFixes gives);
 * - non-Latin text copied with xclip reaches the browser clipboard and back;
 *   Ctrl+V in the page hands the browser's copy over without a permission;
 *   a PNG goes both ways, over INCR-sized data too.
 *
 * One server and one browser for every step. Needs root (Xorg).
 *
 * @module
 */

import assert from "node:assert/strict";
import { openX11 } from "../ffi/x11.ts";
import { fakeMotion, flush, rootSize } from "../ffi/x11.ts";
import { cursorImage } from "../ffi/xfixes.ts";
import { startXorgDummy } from "../lib/display.ts";
import { encodePng } from "../lib/pwa/png.ts";
import {
  launchBrowser,
  ROOT,
  signallingSocket,
  startServer,
  videoStats,
  waitFor,
} from "./_harness.ts";

const isRoot = Deno.uid() === 0;

/** Runs `program` on the test display; resolves with its stdout (bytes). */
async function onDisplay(
  env: Record<string, string>,
  program: string,
  args: string[],
  stdin?: Uint8Array,
): Promise<Uint8Array> {
  const child = new Deno.Command(program, {
    args,
    env,
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin) {
    const writer = child.stdin.getWriter();
    await writer.write(stdin);
    await writer.close();
  }
  const out = await child.output();
  if (!out.success) {
    throw new Error(`${program} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return out.stdout;
}

/**
 * xclip owning CLIPBOARD with `bytes`: it forks and serves until another
 * owner takes over (then exits by itself). Its output is not piped: the
 * forked server would hold the pipe open.
 */
async function xclipSet(env: Record<string, string>, bytes: Uint8Array, target?: string) {
  const child = new Deno.Command("xclip", {
    args: ["-selection", "clipboard", ...(target ? ["-t", target] : []), "-i"],
    env,
    stdin: "piped",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(bytes);
  await writer.close();
  assert.equal((await child.status).code, 0);
}

Deno.test({
  name: "resize, cursors and the clipboard follow the browser and the X display",
  ignore: !isRoot,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const display = await startXorgDummy({ width: 1280, height: 720 });
    const env = { ...display.env };
    const xterm = new Deno.Command("xterm", {
      args: ["-geometry", "80x24+0+0", "-bg", "black", "-fg", "white"],
      env,
      stdout: "null",
      stderr: "null",
    }).spawn();
    const server = await startServer({ display, args: ["--enable-resize"] });
    const browser = await launchBrowser(server.url);
    const x = openX11(display.name, { cookie: display.cookie });
    try {
      await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], {
        origin: new URL(server.url).origin,
      });
      const page = await browser.open(server.url);
      await waitFor("video frames", async () => (await videoStats(page)).framesDecoded > 0, 30_000);

      await t.step("the X screen and the video follow the browser window", async () => {
        // The first viewer's window applies at connect: the 1280x720 page.
        for (const [w, h] of [[1000, 700], [1278, 642]] as const) {
          const started = performance.now();
          await page.setViewportSize({ width: w, height: h });
          await waitFor(`X screen ${w}x${h}`, () => {
            const size = rootSize(x);
            return size.width === w && size.height === h;
          }, 3000);
          await waitFor(`video ${w}x${h}`, async () => {
            const s = await videoStats(page);
            return s.frameWidth === w && s.frameHeight === h;
          }, 3000);
          // deno-lint-ignore no-console
          console.log(`resize to ${w}x${h}: ${Math.round(performance.now() - started)} ms`);
        }
        assert.equal((await videoStats(page)).connections, 1, "no new peer connection");
      });

      await t.step("skerry resize 1024x768 changes the X screen", async () => {
        const out = await new Deno.Command(Deno.execPath(), {
          args: ["run", "--allow-all", `${ROOT}cli.ts`, "resize", "1024x768"],
          env,
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
        assert.deepEqual(rootSize(x), { width: 1024, height: 768 });
        const bad = await new Deno.Command(Deno.execPath(), {
          args: ["run", "--allow-all", `${ROOT}cli.ts`, "resize", "big"],
          env,
          stderr: "piped",
        }).output();
        assert.equal(bad.code, 2);
        assert.match(new TextDecoder().decode(bad.stderr), /^skerry: Cannot parse size "big"/);
      });

      await t.step(
        "the pointer over the xterm turns the page cursor into its text cursor",
        async () => {
          const cssCursor = () =>
            page.evaluate(() => document.querySelector("video")!.style.cursor);
          // Over the root window first, then over the xterm.
          fakeMotion(x, 1000, 700);
          flush(x);
          const before = await waitFor("a root cursor", async () => (await cssCursor()) || null);
          fakeMotion(x, 100, 100);
          flush(x);
          const after = await waitFor("the xterm cursor", async () => {
            const css = await cssCursor();
            return css !== before ? css : null;
          });
          const image = cursorImage(x)!;
          const match = /base64,([^"]+)"\) (\d+) (\d+)/.exec(after)!;
          assert.deepEqual([Number(match[2]), Number(match[3])], [image.hotX, image.hotY]);
          // The PNG's size is the XFixes image's (IHDR width and height).
          const png = Uint8Array.fromBase64(match[1]!);
          const view = new DataView(png.buffer);
          assert.deepEqual([view.getUint32(16), view.getUint32(20)], [image.width, image.height]);
          // xterm's text cursor is the I-beam: taller than wide, hotspot near its middle.
          assert.ok(image.height > image.width, `${image.width}x${image.height}`);
        },
      );

      await t.step("pointer lock draws the pointer into the video, and only then", async () => {
        await onDisplay(env, "xsetroot", ["-solid", "#ffffff"]);
        // Over the white root window (the screen is 1024x768 since skerry resize).
        fakeMotion(x, 900, 600);
        flush(x);
        const darkPixels = () =>
          page.evaluate(() => {
            const video = document.querySelector("video")!;
            const canvas = document.createElement("canvas");
            canvas.width = video.videoWidth;
            canvas.height = video.videoHeight;
            const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
            ctx.drawImage(video, 0, 0);
            const d = ctx.getImageData(892, 592, 24, 24).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i]! < 100) n++;
            return n;
          });
        await waitFor("a white root under the page cursor", async () => (await darkPixels()) === 0);
        // A second viewer enters pointer lock (a raw socket: headless pages cannot lock).
        const ws = await signallingSocket(server, { origin: new URL(server.url).origin });
        ws.send(JSON.stringify({ type: "hello", protocol: 1 }));
        ws.send(JSON.stringify({ type: "pointer-lock", locked: true }));
        await waitFor("the pointer in the video", async () => (await darkPixels()) > 10);
        ws.send(JSON.stringify({ type: "pointer-lock", locked: false }));
        await waitFor("no pointer in the video", async () => (await darkPixels()) === 0);
        ws.close();
      });

      await t.step(
        "non-Latin text copied in X reaches the browser clipboard and back",
        async () => {
          const text = "Grüße, 世界, Ж";
          const started = performance.now();
          await xclipSet(env, new TextEncoder().encode(text));
          await waitFor(
            "the browser clipboard",
            async () => await page.evaluate(() => navigator.clipboard.readText()) === text,
          );
          // deno-lint-ignore no-console
          console.log(`X -> browser text: ${Math.round(performance.now() - started)} ms`);

          const reply = "Привет, 🌍, ünïcödé";
          const back = performance.now();
          await page.evaluate(async (value) => {
            await navigator.clipboard.writeText(value);
            // What a user's return to the tab does: the page reads its clipboard on focus.
            globalThis.dispatchEvent(new Event("focus"));
          }, reply);
          await waitFor("the X clipboard", async () => {
            const out = await onDisplay(env, "xclip", ["-selection", "clipboard", "-o"]);
            return new TextDecoder().decode(out) === reply;
          });
          // deno-lint-ignore no-console
          console.log(`browser -> X text: ${Math.round(performance.now() - back)} ms`);
        },
      );

      await t.step(
        "Ctrl+V in the page, without the clipboard-read permission, pastes the browser's copy",
        async () => {
          const origin = new URL(server.url).origin;
          // As a user who never allowed reading: only a paste can hand the copy over.
          await browser.context.clearPermissions();
          await browser.context.grantPermissions(["clipboard-write"], { origin });
          const copied = "Ctrl+V: ключ, 鍵";
          await page.evaluate(async (value) => {
            await navigator.clipboard.writeText(value);
            document.querySelector("textarea")!.focus();
          }, copied);
          await page.keyboard.press("Control+V");
          await waitFor("the X clipboard", async () => {
            const out = await onDisplay(env, "xclip", ["-selection", "clipboard", "-o"]);
            return new TextDecoder().decode(out) === copied;
          });
          await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
        },
      );

      await t.step("a PNG image goes from X to the browser and back", async () => {
        // 300x200 of noise: about 240 KB, past the clipboard chunk size, near INCR.
        const rgba = new Uint8Array(300 * 200 * 4);
        for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 7919) % 251;
        for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
        const png = await encodePng(rgba, { width: 300, height: 200 });
        await xclipSet(env, png, "image/png");
        const seen = await waitFor(
          "an image in the browser clipboard",
          () =>
            page.evaluate(async () => {
              const items = await navigator.clipboard.read().catch(() => []);
              const item = items.find((i) => i.types.includes("image/png"));
              if (!item) return null;
              const bitmap = await createImageBitmap(await item.getType("image/png"));
              const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
              const ctx = canvas.getContext("2d")!;
              ctx.drawImage(bitmap, 0, 0);
              return {
                w: bitmap.width,
                h: bitmap.height,
                px: [...ctx.getImageData(5, 7, 1, 1).data],
              };
            }),
        );
        const at = (7 * 300 + 5) * 4;
        assert.deepEqual(seen, { w: 300, h: 200, px: [...rgba.subarray(at, at + 4)] });

        // Browser to X: a pasted PNG of noise, past INCR's 256 KiB on the X side, under 1 MiB.
        let seed = 2463534242;
        const noise = new Uint8Array(480 * 400 * 4).map(() => {
          // xorshift32: bytes a PNG cannot compress.
          seed ^= seed << 13;
          seed ^= seed >>> 17;
          seed ^= seed << 5;
          return seed & 0xff;
        });
        const big = await encodePng(noise, { width: 480, height: 400 });
        assert.ok(big.length > 256 * 1024 && big.length < 1 << 20, `${big.length}`);
        await page.evaluate((b64) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const data = new DataTransfer();
          data.items.add(new File([bytes], "shot.png", { type: "image/png" }));
          document.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data }));
        }, big.toBase64());
        const got = await waitFor("the PNG on the X clipboard", async () => {
          const out = await onDisplay(env, "xclip", [
            "-selection",
            "clipboard",
            "-t",
            "image/png",
            "-o",
          ]).catch(() => new Uint8Array());
          return out.length === big.length ? out : null;
        });
        assert.deepEqual(got, big);

        // X to browser past 256 KiB: xclip sends it by INCR.
        await xclipSet(env, big, "image/png");
        await waitFor("the large image in the browser clipboard", () =>
          page.evaluate(async () => {
            const items = await navigator.clipboard.read().catch(() => []);
            const item = items.find((i) => i.types.includes("image/png"));
            if (!item) return false;
            const bitmap = await createImageBitmap(await item.getType("image/png"));
            return bitmap.width === 480 && bitmap.height === 400;
          }));
      });
    } finally {
      x.close();
      await browser.close();
      await server.stop();
      try {
        xterm.kill();
      } catch {
        // already gone
      }
      await xterm.status;
      await display.stop();
    }
  },
});

/**
 * Roles and file transfer on a real server streaming a real Xvfb, with a
 * real X client recording what the X server delivered, and one headless
 * Chromium holding two logins: full control (two tabs, "Ada" and "Bob") and
 * view-only (one tab).
 *
 * - a view-only viewer watches but its keys never reach X, even sent raw on
 *   the data channel by a modified client; the server counts them;
 * - "Take control" moves input from one viewer to the other, releasing the
 *   keys the first one held, and every tab shows who controls;
 * - a file dropped on the page lands in the folder with the right bytes;
 *   hostile names, a planted symlink and a file over the limit are refused
 *   with their reason; a file the desktop put there is listed and
 *   downloaded; view-only logins get 403.
 */

import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import { startXvfb } from "../lib/display.ts";
import { openX11 } from "../ffi/x11.ts";
import { keysDown } from "./fixtures/x11_client.ts";
import { encodeInput, Op } from "../lib/protocol/input.ts";
import { FILE_TOKEN_HEADER } from "../lib/protocol/files.ts";
import {
  AUTH,
  launchBrowser,
  openContext,
  startServer,
  type TestServer,
  videoStats,
  waitFor,
} from "./_harness.ts";
import { type RecordedEvent, type Recorder, startRecorder } from "./_recorder.ts";

const VIEW_ONLY = { username: AUTH.username, password: "just-watching-please" };
/** Upload limit of the test server, in MiB. */
const MAX_MB = 1;
/** Keysym of F2, the marker key: typed by no step, no text. */
const MARKER = 0xffbf;

const basic = (c: { username: string; password: string }) =>
  `Basic ${btoa(`${c.username}:${c.password}`)}`;

/** Input messages the server refused so far (view-only or not in control), from /metrics. */
async function refused(server: TestServer): Promise<number> {
  const res = await fetch(`${server.url}metrics`, { headers: { Authorization: basic(AUTH) } });
  const text = await res.text();
  return Number(/^skerry_input_messages_total\{result="refused"\} (\d+)$/m.exec(text)?.[1] ?? 0);
}

/** Opens the client in `context` and waits for video and an open input channel. */
async function openClient(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await waitFor("video", async () => (await videoStats(page)).framesDecoded > 0, 30_000);
  await waitFor(
    "input channel",
    () =>
      page.evaluate(() =>
        (globalThis as unknown as { __channels: RTCDataChannel[] }).__channels.some((c) =>
          c.readyState === "open"
        )
      ),
  );
  return page;
}

/** The control pill's state and text. */
function pill(page: Page): Promise<[string | null, string]> {
  return page.locator(".control").evaluate((e) => [e.getAttribute("data-control"), e.textContent]);
}

/** Types `keys` on `page` and waits until the marker after them reached X. */
async function typeAndSettle(page: Page, recorder: Recorder, keys: string): Promise<void> {
  const markers = (e: RecordedEvent[]) => e.filter((k) => k.keysym === MARKER && !k.down).length;
  const before = markers(recorder.events);
  await page.bringToFront();
  if (keys) await page.keyboard.type(keys);
  await page.keyboard.press("F2");
  await recorder.until("the marker key", (e) => markers(e) > before);
}

/** What X received, marker keys left out: `+a` key-down of "a", `-a` its key-up. */
function keys(recorder: Recorder): string[] {
  return recorder.events.filter((e) => e.type === "key" && e.keysym !== MARKER).map((e) =>
    `${e.down ? "+" : "-"}${e.text || e.keysym?.toString(16)}`
  );
}

Deno.test({
  name: "a view-only viewer never types, Take control hands input over, files go both ways",
  async fn(t) {
    const display = await startXvfb({ width: 800, height: 600 });
    const recorder = await startRecorder(display);
    const folder = await Deno.realPath(await Deno.makeTempDir({ prefix: "skerry-files-" }));
    const server = await startServer({
      display,
      args: [
        "--file-transfers=both",
        `--file-transfer-dir=${folder}`,
        `--file-transfer-max-mb=${MAX_MB}`,
      ],
      env: { SKERRY_BASIC_AUTH_VIEWONLY_PASSWORD: VIEW_ONLY.password },
    });
    const probe = openX11(display.name, display);
    const browser = await launchBrowser(server.url);
    const viewContext = await openContext(browser.browser, server.url, { credentials: VIEW_ONLY });
    try {
      const ada = await openClient(browser.context, `${server.url}?name=Ada`);

      await t.step("a full-control viewer alone takes control by typing", async () => {
        await typeAndSettle(ada, recorder, "a");
        assert.deepEqual(keys(recorder), ["+a", "-a"]);
        await waitFor("Ada's pill", async () => (await pill(ada))[0] === "you");
        assert.match((await pill(ada))[1], /You have control/);
      });

      const viewer = await openClient(viewContext, server.url);
      await t.step("a view-only viewer watches, and its keys never reach X", async () => {
        const frames = (await videoStats(viewer)).framesDecoded;
        await waitFor(
          "frames in the view-only tab",
          async () => (await videoStats(viewer)).framesDecoded > frames + 5,
        );
        assert.deepEqual(await pill(viewer), ["view-only", "View only · Ada has control"]);
        assert.equal(await viewer.locator(".control button").count(), 0, "no Take control");
        recorder.clear();
        const before = await refused(server);
        // The page forwards nothing for a view-only login; a modified client sends raw input.
        await viewer.bringToFront();
        await viewer.keyboard.type("v");
        const raw = [
          encodeInput({ op: Op.KeyDown, keysym: 0x77 }),
          encodeInput({ op: Op.KeyUp, keysym: 0x77 }),
          encodeInput({ op: Op.Text, text: "xterm -e rm" }),
          encodeInput({ op: Op.ButtonDown, button: 1 }),
        ].map((m) => [...m]);
        await viewer.evaluate((messages) => {
          const channels = (globalThis as unknown as { __channels: RTCDataChannel[] }).__channels;
          const channel = channels.findLast((c) => c.readyState === "open")!;
          for (const m of messages) channel.send(new Uint8Array(m));
        }, raw);
        await waitFor(
          "the server to refuse the raw input",
          async () => (await refused(server)) >= before + raw.length,
        );
        await typeAndSettle(ada, recorder, "");
        assert.deepEqual(keys(recorder), [], "nothing from the view-only viewer");
        assert.equal(recorder.events.filter((e) => e.type === "button").length, 0);
      });

      const bob = await openClient(browser.context, `${server.url}?name=Bob`);
      await t.step("Take control hands input over, releasing what Ada held", async () => {
        assert.deepEqual(await pill(bob), ["other", "Ada has controlTake control"]);
        recorder.clear();
        // Bob types while Ada controls: dropped and counted.
        const before = await refused(server);
        await bob.bringToFront();
        await bob.keyboard.type("b");
        await waitFor("Bob's keys refused", async () => (await refused(server)) >= before + 2);
        // Ada holds "x"; Bob takes control: Ada's "x" goes up first.
        await ada.bringToFront();
        await ada.keyboard.down("x");
        await waitFor("Ada's x held", () => keysDown(probe).length === 1);
        await bob.bringToFront();
        await bob.getByRole("button", { name: "Take control" }).click();
        // X repeats a held key (release-press pairs): the key map says whether it is up.
        await waitFor("Ada's x released by the hand-over", () => keysDown(probe).length === 0);
        await waitFor(
          "every pill shows Bob",
          async () =>
            (await pill(bob))[0] === "you" && (await pill(ada))[1].startsWith("Bob has control") &&
            (await pill(viewer))[1] === "View only · Bob has control",
        );
        await typeAndSettle(bob, recorder, "c");
        const adaBefore = await refused(server);
        await ada.bringToFront();
        await ada.keyboard.up("x");
        await ada.keyboard.type("d");
        await waitFor("Ada's keys refused", async () => (await refused(server)) >= adaBefore + 3);
        await typeAndSettle(bob, recorder, "");
        const typed = keys(recorder);
        assert.deepEqual(typed.filter((k) => k !== "+x" && k !== "-x"), ["+c", "-c"]);
        assert.equal(typed[typed.indexOf("+c") - 1], "-x", "x went up before Bob typed");
        assert.deepEqual(keysDown(probe), []);
      });

      await t.step("a file dropped on the page lands in the folder", async () => {
        await bob.bringToFront();
        const bytes = Array.from({ length: 300_000 }, (_, i) => (i * 7) & 0xff);
        await dropFile(bob, "Résumé (final).bin", bytes);
        await waitFor(
          "the upload to finish",
          () => bob.locator('.uploads li[data-state="done"]').count(),
        );
        const saved = await Deno.readFile(`${folder}/Résumé (final).bin`);
        assert.deepEqual([...saved], bytes);
        assert.equal((await Deno.stat(`${folder}/Résumé (final).bin`)).mode! & 0o777, 0o600);
        // The same name again is numbered, never overwritten.
        await dropFile(bob, "Résumé (final).bin", [1, 2, 3]);
        await waitFor(
          "the second upload",
          async () =>
            (await bob.locator(".uploads").textContent())?.includes(
              "Uploaded Résumé (final).bin as Résumé (final) (1).bin",
            ),
        );
        assert.deepEqual([...await Deno.readFile(`${folder}/Résumé (final) (1).bin`)], [1, 2, 3]);
      });

      await t.step(
        "hostile names, a planted symlink and a file over the limit are refused",
        async () => {
          const outside = await Deno.makeTempFile();
          await Deno.writeTextFile(outside, "precious");
          await Deno.symlink(outside, `${folder}/notes.txt`);
          // Through the page: the reason is shown.
          await dropFile(bob, "notes.txt", [0x41]);
          await waitFor(
            "the symlink refusal",
            async () =>
              (await bob.locator('.uploads li[data-state="failed"]').textContent())?.includes(
                '"notes.txt" is a symbolic link in the folder: refusing to write through it',
              ),
          );
          assert.equal(await Deno.readTextFile(outside), "precious");
          await Deno.remove(outside);
          // Too big: the page refuses before sending; a raw client is cut off at the limit.
          await dropFile(bob, "big.bin", [], 2 * 1024 * 1024);
          await waitFor(
            "the size refusal",
            async () =>
              (await bob.locator(".uploads").textContent())?.includes(
                '"big.bin" is 2 MiB: over the limit of 1 MiB',
              ),
          );
          const token = await bob.evaluate(async () =>
            (await (await fetch("ws-token")).json()).token
          );
          const headers = {
            Authorization: basic(AUTH),
            Origin: new URL(server.url).origin,
            [FILE_TOKEN_HEADER]: token,
          };
          const post = (name: string, body: BodyInit) =>
            fetch(`${server.url}files?name=${encodeURIComponent(name)}`, {
              method: "POST",
              headers,
              body,
            }).then(async (r) => [r.status, await r.text()]);
          // A body with no length, 8 MiB of it: refused once the limit is passed, nothing kept.
          let sent = 0;
          const endless = new ReadableStream<Uint8Array>({
            pull(controller) {
              if (sent >= 8 * 1024 * 1024) {
                return controller.close();
              }
              sent += 64 * 1024;
              controller.enqueue(new Uint8Array(64 * 1024));
            },
          });
          // The server answers 413 and closes; a client still sending may see the reset instead.
          const [status, text] = await post("lies.bin", endless).catch((e) => [0, String(e)]);
          if (status !== 0) {
            assert.deepEqual([status, text], [413, '"lies.bin" is over the limit of 1 MiB']);
          }
          assert.deepEqual([
            await post("../../etc/x", "x"),
            await post("a\u0000b", "x"),
          ], [
            [
              400,
              'Cannot accept the file name "../../etc/x": it contains a path separator (/ or \\)',
            ],
            [400, 'Cannot accept the file name "a\\u0000b": it contains a NUL character'],
          ]);
          const left = (await Array.fromAsync(Deno.readDir(folder))).map((e) => e.name).sort();
          assert.deepEqual(left, ["Résumé (final) (1).bin", "Résumé (final).bin", "notes.txt"]);
        },
      );

      await t.step("a file the desktop put in the folder is listed and downloaded", async () => {
        await Deno.writeTextFile(`${folder}/from-desktop.txt`, "made on the desktop\n");
        await bob.getByRole("button", { name: "Files" }).click();
        const link = bob.getByRole("link", { name: "from-desktop.txt" });
        await link.waitFor();
        assert.equal(await bob.getByRole("link", { name: "notes.txt" }).count(), 0, "no symlink");
        const [download] = await Promise.all([bob.waitForEvent("download"), link.click()]);
        assert.equal(download.suggestedFilename(), "from-desktop.txt");
        const path = await download.path();
        assert.equal(await Deno.readTextFile(path), "made on the desktop\n");
      });

      await t.step("view-only logins get 403 from every file route", async () => {
        assert.equal(await viewer.locator(".files-button").count(), 0);
        const statuses = await viewer.evaluate(async () => {
          const token = (await (await fetch("ws-token")).json()).token;
          return [
            (await fetch("files")).status,
            (await fetch("files/from-desktop.txt")).status,
            (await fetch("files?name=v.txt", {
              method: "POST",
              body: "v",
              headers: { "X-Skerry-Token": token },
            })).status,
          ];
        });
        assert.deepEqual(statuses, [403, 403, 403]);
        assert.equal(await Deno.lstat(`${folder}/v.txt`).catch(() => "absent"), "absent");
      });
    } finally {
      probe.close();
      await viewContext.close();
      await browser.close();
      await server.stop();
      await recorder.stop();
      await display.stop();
      await Deno.remove(folder, { recursive: true });
    }
  },
});

/**
 * Drops a file on the page as a user would: a `drop` event whose
 * DataTransfer holds a File of `bytes` (or of `size` zero bytes).
 */
async function dropFile(page: Page, name: string, bytes: number[], size?: number): Promise<void> {
  // Base64: playwright passes a long array of numbers slowly (seconds for 300 KB).
  const base64 = new Uint8Array(bytes).toBase64();
  const transfer = await page.evaluateHandle(([n, b, s]) => {
    const data = new DataTransfer();
    const content = s === undefined
      ? Uint8Array.from(atob(b as string), (c) => c.charCodeAt(0))
      : new Uint8Array(s as number);
    data.items.add(new File([content], n as string));
    return data;
  }, [name, base64, size] as const);
  await page.dispatchEvent("video", "dragenter", { dataTransfer: transfer });
  await page.dispatchEvent("video", "drop", { dataTransfer: transfer });
}

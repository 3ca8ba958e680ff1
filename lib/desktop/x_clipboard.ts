/**
 * The X side of the clipboard, driven by X events: XFixes says when the
 * CLIPBOARD selection gets a new owner, and Skerry asks it for TARGETS, then
 * for text or PNG (SelectionNotify, INCR for large data). When a browser's
 * copy arrives Skerry owns CLIPBOARD and answers every SelectionRequest for
 * TARGETS, UTF8_STRING, STRING, TEXT, text/plain;charset=utf-8 and
 * image/png, by INCR past 256 KiB.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import {
  atomName,
  convertSelection,
  createHiddenWindow,
  destroyWindow,
  flushDisplay,
  internAtom,
  None,
  readProperty,
  type SelectionEvent,
  sendSelectionNotify,
  setSelectionOwner,
  watchProperties,
  writeProperty,
} from "../../ffi/x11_selection.ts";
import { watchSelectionOwner } from "../../ffi/xfixes.ts";
import { answerFor, chooseTarget, mimeOfTarget, targetsFor, toUtf8 } from "./clipboard_targets.ts";
import type { ClipboardContents, ClipboardSide } from "./desktop_hub.ts";
import { INCR_THRESHOLD_BYTES, IncrReceiver, IncrSender } from "./incr.ts";
import type { XEventLoop } from "./x_event_loop.ts";

const log = getLogger(["skerry", "clipboard"]);

/** How long an owner may take to answer one step of a read, in ms, before it is given up. */
const READ_TIMEOUT_MS = 5000;

/** A read from the X owner under way. */
type Reading =
  | { phase: "targets" }
  | { phase: "data"; target: string }
  | { phase: "incr"; target: string; type: string; receiver: IncrReceiver };

/** An INCR answer to another client under way. */
interface Sending {
  requestor: bigint;
  property: bigint;
  type: bigint;
  sender: IncrSender;
}

/** The CLIPBOARD selection of one X display. */
export class XClipboard implements ClipboardSide {
  readonly #loop: XEventLoop;
  readonly #maxBytes: number;
  readonly #window: bigint;
  readonly #atoms = new Map<string, bigint>();
  readonly #names = new Map<bigint, string>();
  readonly #listeners = new Set<(contents: ClipboardContents | "too-big") => void>();
  /** What Skerry serves while it owns CLIPBOARD. */
  #owned: ClipboardContents | undefined;
  #reading: Reading | undefined;
  #readTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #sending = new Map<string, Sending>();

  /** Watches CLIPBOARD on the loop's connection; `maxBytes` caps reads from X. */
  constructor(loop: XEventLoop, options: { maxBytes: number }) {
    this.#loop = loop;
    this.#maxBytes = options.maxBytes;
    const display = loop.display;
    this.#window = createHiddenWindow(display);
    for (
      const name of [
        "CLIPBOARD",
        "TARGETS",
        "ATOM",
        "INCR",
        "SKERRY_CLIPBOARD",
        "UTF8_STRING",
        "STRING",
        "TEXT",
        "text/plain;charset=utf-8",
        "image/png",
      ]
    ) this.#atom(name);
    watchSelectionOwner(display, this.#window, this.#atom("CLIPBOARD"));
    loop.on((event) => this.#onEvent(event));
  }

  /** Makes `contents` the X clipboard: Skerry owns CLIPBOARD and serves it. */
  set(contents: ClipboardContents): void {
    this.#owned = contents;
    setSelectionOwner(this.#loop.display, this.#atom("CLIPBOARD"), this.#window);
    flushDisplay(this.#loop.display);
    this.#loop.wake();
  }

  subscribe(listener: (contents: ClipboardContents | "too-big") => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Gives up ownership and destroys the window (the loop closes the connection). */
  close(): void {
    clearTimeout(this.#readTimer);
    destroyWindow(this.#loop.display, this.#window);
  }

  #atom(name: string): bigint {
    let atom = this.#atoms.get(name);
    if (atom === undefined) {
      atom = internAtom(this.#loop.display, name);
      this.#atoms.set(name, atom);
      this.#names.set(atom, name);
    }
    return atom;
  }

  #onEvent(event: SelectionEvent): void {
    const clipboard = this.#atom("CLIPBOARD");
    switch (event.kind) {
      case "owner-changed":
        if (event.selection !== clipboard) return;
        if (event.owner === this.#window || event.owner === None) return;
        // Another program copied: read what it offers.
        this.#owned = undefined;
        return this.#ask({ phase: "targets" }, "TARGETS");
      case "selection-notify":
        if (event.requestor === this.#window && event.selection === clipboard) {
          this.#onNotify(event.property);
        }
        return;
      case "property":
        if (event.window === this.#window && !event.deleted) return this.#onIncrChunk(event.atom);
        if (event.deleted) this.#onIncrDeleted(event.window, event.atom);
        return;
      case "selection-request":
        if (event.selection === clipboard) this.#answer(event);
        return;
      case "selection-clear":
        if (event.selection === clipboard && event.window === this.#window) this.#owned = undefined;
        return;
    }
  }

  /** Asks the owner for `target` into our property, and moves to `next`. */
  #ask(next: Reading, target: string): void {
    this.#reading = next;
    clearTimeout(this.#readTimer);
    this.#readTimer = setTimeout(() => {
      log.warn("The clipboard owner did not answer for {target}", { target });
      this.#reading = undefined;
    }, READ_TIMEOUT_MS);
    convertSelection(this.#loop.display, {
      selection: this.#atom("CLIPBOARD"),
      target: this.#atom(target),
      property: this.#atom("SKERRY_CLIPBOARD"),
      requestor: this.#window,
    });
    flushDisplay(this.#loop.display);
  }

  #done(): void {
    this.#reading = undefined;
    clearTimeout(this.#readTimer);
  }

  #onNotify(property: bigint): void {
    const reading = this.#reading;
    if (!reading) return;
    const display = this.#loop.display;
    if (property === None) {
      // The owner refused: an old one may know UTF8_STRING without TARGETS.
      if (reading.phase === "targets") {
        return this.#ask({ phase: "data", target: "UTF8_STRING" }, "UTF8_STRING");
      }
      return this.#done();
    }
    const value = readProperty(display, this.#window, property, { remove: true });
    if (!value) return this.#done();
    if (reading.phase === "targets") {
      const atoms = new Uint32Array(value.bytes.buffer, 0, value.bytes.length / 4);
      const offered = [...atoms].map((a) => this.#nameOf(BigInt(a)));
      const target = chooseTarget(offered);
      if (!target) {
        log.debug("Clipboard: nothing Skerry carries among {offered}", {
          offered: offered.join(", "),
        });
        return this.#done();
      }
      return this.#ask({ phase: "data", target }, target);
    }
    if (reading.phase === "data") {
      const type = this.#nameOf(value.type);
      if (type === "INCR") {
        // The deletion above asked for the first chunk.
        const size = new DataView(value.bytes.buffer).getUint32(0, true);
        if (size > this.#maxBytes) return this.#tooBig();
        this.#reading = {
          phase: "incr",
          target: reading.target,
          type,
          receiver: new IncrReceiver(this.#maxBytes),
        };
        return;
      }
      return this.#deliver(reading.target, type, value.bytes);
    }
  }

  #onIncrChunk(property: bigint): void {
    const reading = this.#reading;
    if (reading?.phase !== "incr" || property !== this.#atom("SKERRY_CLIPBOARD")) return;
    const value = readProperty(this.#loop.display, this.#window, property, { remove: true });
    if (!value) return;
    const result = reading.receiver.push(value.bytes);
    if (result === "more") {
      reading.type = this.#nameOf(value.type);
      flushDisplay(this.#loop.display);
      return;
    }
    if (result === "too-big") return this.#tooBig();
    this.#deliver(reading.target, reading.type, result);
  }

  #deliver(target: string, type: string, bytes: Uint8Array): void {
    this.#done();
    const mime = mimeOfTarget(target);
    if (!mime) return;
    if (bytes.length > this.#maxBytes) return this.#tooBig();
    const contents = { mime, bytes: mime === "text/plain" ? toUtf8(type, bytes) : bytes };
    log.debug("Clipboard from X: {size} bytes of {mime}", { size: bytes.length, mime });
    for (const listener of this.#listeners) listener(contents);
  }

  #tooBig(): void {
    this.#done();
    log.info("Clipboard from X over --clipboard-max-bytes ({max}): not sent", {
      max: this.#maxBytes,
    });
    for (const listener of this.#listeners) listener("too-big");
  }

  /** Answers another client's request for our clipboard. */
  #answer(request: Extract<SelectionEvent, { kind: "selection-request" }>): void {
    const display = this.#loop.display;
    // Obsolete clients name no property: answer in one named after the target.
    const property = request.property === None ? request.target : request.property;
    const target = this.#nameOf(request.target);
    const owned = this.#owned;
    let answered = false;
    if (owned && target === "TARGETS") {
      const targets = ["TARGETS", ...targetsFor(owned.mime)].map((t) => this.#atom(t));
      writeProperty(display, request.requestor, { name: property, type: this.#atom("ATOM") }, {
        format: 32,
        values: targets,
      });
      answered = true;
    } else if (owned) {
      const answer = answerFor(target, owned);
      if (answer) {
        const type = this.#atom(answer.type);
        if (answer.bytes.length > INCR_THRESHOLD_BYTES) {
          this.#startIncr(request.requestor, property, type, answer.bytes);
        } else {
          writeProperty(display, request.requestor, { name: property, type }, {
            format: 8,
            bytes: answer.bytes,
          });
        }
        answered = true;
      }
    }
    sendSelectionNotify(display, request, answered ? property : None);
    flushDisplay(display);
  }

  #startIncr(requestor: bigint, property: bigint, type: bigint, bytes: Uint8Array): void {
    const display = this.#loop.display;
    // The requestor's deletions of the property ask for each next chunk.
    watchProperties(display, requestor);
    writeProperty(display, requestor, { name: property, type: this.#atom("INCR") }, {
      format: 32,
      values: [BigInt(bytes.length)],
    });
    this.#sending.set(`${requestor}:${property}`, {
      requestor,
      property,
      type,
      sender: new IncrSender(bytes),
    });
  }

  #onIncrDeleted(window: bigint, property: bigint): void {
    const key = `${window}:${property}`;
    const sending = this.#sending.get(key);
    if (!sending) return;
    const chunk = sending.sender.next();
    writeProperty(this.#loop.display, window, { name: property, type: sending.type }, {
      format: 8,
      bytes: chunk,
    });
    if (sending.sender.finished) this.#sending.delete(key);
    flushDisplay(this.#loop.display);
  }

  #nameOf(atom: bigint): string {
    const known = this.#names.get(atom);
    if (known !== undefined) return known;
    const name = atomName(this.#loop.display, atom);
    this.#names.set(atom, name);
    return name;
  }
}

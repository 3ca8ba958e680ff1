/**
 * A real `skerry helper` process for tests that speak its protocol directly
 * (no server): JSON lines in, parsed messages out, its stderr records kept.
 *
 * @module
 */

import { helperCommand } from "../lib/helper_process.ts";
import {
  type FromHelper,
  MAX_HELPER_LINE,
  parseFromHelper,
  type ToHelper,
} from "../lib/protocol/helper.ts";
import { type HelperLogRecord, parseHelperLog } from "../lib/protocol/helper_log.ts";
import { readLines } from "../lib/read_lines.ts";

/** A running helper and what it said. */
export class HelperRig implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #encoder = new TextEncoder();
  readonly #reading: Promise<void>;
  #waiters: (() => void)[] = [];
  #exited = false;
  /** Every message received on stdout, in order. */
  readonly messages: FromHelper[] = [];
  /** Every JSON record received on stderr. */
  readonly records: HelperLogRecord[] = [];
  /** Every other stderr line (GStreamer's, GLib's). */
  readonly otherStderr: string[] = [];
  /** Resolves with the exit status. */
  readonly status: Promise<Deno.CommandStatus>;

  /** Starts a helper; `env` is set over the test's environment (XAUTHORITY …). */
  constructor(env: Readonly<Record<string, string>> = {}) {
    const [program, ...args] = helperCommand();
    this.#child = new Deno.Command(program!, {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1", ...env },
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
    this.status = this.#child.status.then((s) => {
      this.#exited = true;
      this.#wake();
      return s;
    });
    this.#reading = Promise.all([this.#readStdout(), this.#readStderr()]).then(() => {});
  }

  /** The helper's process id. */
  get pid(): number {
    return this.#child.pid;
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return !this.#exited;
  }

  /** Writes one message on the helper's stdin. */
  async send(message: ToHelper): Promise<void> {
    await this.#writer.write(this.#encoder.encode(JSON.stringify(message) + "\n"));
  }

  /**
   * Resolves with the first message at index `from` or later that matches
   * `match`; rejects after `timeoutMs` or when the helper exits.
   */
  async next<T extends FromHelper>(
    match: (m: FromHelper) => m is T,
    options: { from?: number; timeoutMs?: number } = {},
  ): Promise<T> {
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    for (let at = options.from ?? 0;;) {
      for (; at < this.messages.length; at++) {
        const m = this.messages[at]!;
        if (match(m)) return m;
      }
      if (this.#exited) throw new Error(`helper exited: ${this.otherStderr.slice(-3).join(" | ")}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching helper message within ${options.timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends `stop`, closes stdin and waits for the exit (SIGKILL after 5 s). */
  async stop(): Promise<Deno.CommandStatus> {
    if (!this.#exited) {
      await this.send({ type: "stop" }).catch(() => {});
      await this.#writer.close().catch(() => {});
    }
    const timer = setTimeout(() => !this.#exited && this.#child.kill("SIGKILL"), 5000);
    const status = await this.status;
    clearTimeout(timer);
    await this.#reading;
    return status;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  async #readStdout(): Promise<void> {
    for await (const line of readLines(this.#child.stdout, MAX_HELPER_LINE)) {
      this.messages.push(parseFromHelper(line));
      this.#wake();
    }
  }

  async #readStderr(): Promise<void> {
    for await (const line of readLines(this.#child.stderr)) {
      const record = parseHelperLog(line);
      if (record) this.records.push(record);
      else if (line.trim() !== "") this.otherStderr.push(line);
    }
  }
}

/** Matches a message of `type` about `peer`. */
export function about<T extends FromHelper["type"]>(
  type: T,
  peer: string,
): (m: FromHelper) => m is Extract<FromHelper, { type: T }> {
  return (m): m is Extract<FromHelper, { type: T }> =>
    m.type === type && "peer" in m && m.peer === peer;
}

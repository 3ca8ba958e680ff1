/**
 * One `skerry helper` child process: spawn it, write JSON lines to its stdin,
 * read JSON lines from its stdout, copy its stderr into the log, stop it.
 * Supervision (when to start, restart with backoff) lives in `session.ts`,
 * which sees it as a {@linkcode HelperLink}.
 *
 * Writes honour backpressure: bytes handed to the pipe and not yet taken by
 * the helper are counted, and above {@linkcode HELPER_HIGH_WATER} every new
 * message is refused (and counted) instead of queued, so a slow or stopped
 * helper cannot grow the server's memory. A helper that stays above the mark
 * for {@linkcode HELPER_STALL_MS} is treated as dead: SIGKILL, and the
 * session restarts it.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import {
  type FromHelper,
  MAX_HELPER_LINE,
  parseFromHelper,
  type ToHelper,
} from "./protocol/helper.ts";
import { childCommand } from "./child_command.ts";
import type { HelperExitStatus, HelperLink } from "./helper_link.ts";
import { signalProcess, stopProcess } from "./process.ts";
import { MAX_HELPER_LOG_LINE, parseHelperLog } from "./protocol/helper_log.ts";
import { readLines } from "./read_lines.ts";
import { Throttle } from "./throttle.ts";

const log = getLogger(["skerry", "helper"]);

/**
 * Bytes waiting for the helper to read above which new messages are
 * refused. A session's normal traffic is a `start` (a few KB) and, per
 * viewer, an answer (2-10 KB) and a few candidates: 1 MiB waiting means the
 * helper has stopped reading.
 */
export const HELPER_HIGH_WATER = 1 << 20;
/**
 * How long the helper may stay above {@linkcode HELPER_HIGH_WATER} before it
 * is killed, in ms: longer than any pause of its event loop (its GStreamer
 * calls run off the JS thread), shorter than a viewer's patience.
 */
export const HELPER_STALL_MS = 5000;

/** Options of {@linkcode HelperProcess.spawn}. */
export interface HelperProcessOptions {
  /** Called for every valid message on the helper's stdout. */
  onMessage(message: FromHelper): void;
  /**
   * Environment set for the child over the allow-listed one (child_env.ts),
   * e.g. XAUTHORITY of an embedded display or `GST_DEBUG`. Default none.
   */
  env?: Record<string, string>;
  /** Default {@linkcode HELPER_HIGH_WATER}, in bytes. */
  highWaterBytes?: number;
  /** Default {@linkcode HELPER_STALL_MS}, in ms. */
  stallMs?: number;
}

/** Counters of the writes to one helper. */
export interface HelperWriteStats {
  /** Messages written (handed to the pipe). */
  sent: number;
  /** Messages refused because the helper was above the high-water mark. */
  refused: number;
  /** The most bytes that were ever waiting for the helper. */
  maxQueuedBytes: number;
}

/**
 * V8 settings of a helper run from a checkout (`deno run`). The compiled
 * binary runs its helper with the flags compiled into it (deno.json
 * `compile`), the same as the server's.
 *
 * --max-semi-space-size=1 (MB): the young generation stays at most 1 MB a
 * half instead of growing to 8 MB; the helper's short-lived objects (a
 * frame's damage boxes, a stats report) die young either way.
 */
export const HELPER_V8_FLAGS = ["--max-semi-space-size=1"] as const;

/** Where {@linkcode helperArgv} runs the helper from. */
export interface HelperArgvOptions {
  /** A `deno compile` binary (`Deno.build.standalone`). */
  standalone: boolean;
  /** The running executable (`Deno.execPath()`): the binary, or `deno`. */
  execPath: string;
  /** The checkout's root folder, with a trailing slash (holds cli.ts and deno.json). */
  root: string;
}

/**
 * The argv that runs the helper: the compiled binary itself, or `deno run`
 * on the checkout's `cli.ts` with {@linkcode HELPER_V8_FLAGS}. The helper
 * needs only `--allow-ffi` (which is full access: native code can do
 * anything Skerry's user can; it is the part that drives GStreamer) and
 * reading /proc.
 */
export function helperArgv(options: HelperArgvOptions): string[] {
  if (options.standalone) return [options.execPath, "helper"];
  return [
    options.execPath,
    "run",
    "--quiet",
    "--no-prompt",
    `--v8-flags=${HELPER_V8_FLAGS.join(",")}`,
    "--allow-ffi",
    // /proc/self/task: to lower the priority of media threads (thread_priority.ts).
    "--allow-read=/proc",
    `--config=${options.root}deno.json`,
    `${options.root}cli.ts`,
    "helper",
  ];
}

/** {@linkcode helperArgv} for this process: how the server starts its helpers. */
export function helperCommand(): string[] {
  return helperArgv({
    standalone: Deno.build.standalone,
    execPath: Deno.execPath(),
    root: new URL("../", import.meta.url).pathname,
  });
}

/** A running helper child process. */
export class HelperProcess implements HelperLink {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #encoder = new TextEncoder();
  readonly #highWater: number;
  readonly #stallMs: number;
  #writable = true;
  /** Bytes handed to the pipe that the helper has not taken yet. */
  #queued = 0;
  #stall: ReturnType<typeof setTimeout> | undefined;
  readonly #refusalLog = new Throttle(1000);
  /** Resolves when the process has exited and its output is drained. */
  readonly exited: Promise<HelperExitStatus>;
  /** Counters, for tests and metrics. */
  readonly stats: HelperWriteStats = { sent: 0, refused: 0, maxQueuedBytes: 0 };

  private constructor(child: Deno.ChildProcess, options: HelperProcessOptions) {
    this.#child = child;
    this.#highWater = options.highWaterBytes ?? HELPER_HIGH_WATER;
    this.#stallMs = options.stallMs ?? HELPER_STALL_MS;
    const writer = this.#writer = child.stdin.getWriter();
    writer.closed.catch(() => this.#writable = false);
    const stdout = this.#readStdout(options.onMessage);
    const stderr = this.#readStderr();
    this.exited = (async () => {
      const status = await child.status;
      this.#writable = false;
      clearTimeout(this.#stall);
      // Release our end of its stdin: nothing reads it any more (a pipe descriptor per helper otherwise).
      await writer.abort().catch(() => {});
      await Promise.allSettled([stdout, stderr]);
      return { code: status.code, signal: status.signal };
    })();
  }

  /** Starts `argv` (default {@linkcode helperCommand}) with piped stdio. */
  static spawn(options: HelperProcessOptions, argv: string[] = helperCommand()): HelperProcess {
    const [program, ...args] = argv;
    const child = childCommand(program!, {
      args,
      role: "helper",
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1", ...options.env },
    }).spawn();
    log.debug("Helper spawned with {pid}", { pid: child.pid });
    return new HelperProcess(child, options);
  }

  /** The child's process id. */
  get pid(): number {
    return this.#child.pid;
  }

  /** Bytes handed to the helper's stdin that it has not read yet. */
  get queuedBytes(): number {
    return this.#queued;
  }

  /**
   * Writes one message; returns false (and drops it) if the helper's stdin
   * is closed or the helper is above the high-water mark.
   */
  send(message: ToHelper): boolean {
    if (!this.#writable) return false;
    if (this.#queued >= this.#highWater) {
      this.#refuse(message);
      return false;
    }
    const bytes = this.#encoder.encode(JSON.stringify(message) + "\n");
    this.#queued += bytes.length;
    this.stats.sent++;
    this.stats.maxQueuedBytes = Math.max(this.stats.maxQueuedBytes, this.#queued);
    this.#writer.write(bytes).then(() => {
      this.#queued -= bytes.length;
      if (this.#queued < this.#highWater) {
        clearTimeout(this.#stall);
        this.#stall = undefined;
      }
    }, () => this.#writable = false);
    return true;
  }

  #refuse(message: ToHelper): void {
    this.stats.refused++;
    if (this.#refusalLog.due(Date.now())) {
      log.warn("Helper {pid} is not reading: {queued} bytes wait, {refused} messages refused", {
        pid: this.pid,
        queued: this.#queued,
        refused: this.stats.refused,
        type: message.type,
      });
    }
    this.#stall ??= setTimeout(() => {
      log.error("Helper {pid} has not read its input for {ms} ms: killing it", {
        pid: this.pid,
        ms: this.#stallMs,
      });
      this.kill();
    }, this.#stallMs);
  }

  /**
   * Asks the helper to stop, then sends SIGKILL if it has not exited after
   * `graceMs` (default 3000). Resolves with how it ended.
   */
  async stop(graceMs = 3000): Promise<HelperExitStatus> {
    await stopProcess(this.#child, {
      ask: () => this.send({ type: "stop" }),
      graceMs,
      onKill: () =>
        log.warn("Helper {pid} did not stop within {graceMs} ms, killing it", {
          pid: this.pid,
          graceMs,
        }),
    });
    return await this.exited;
  }

  /** SIGKILL, ignoring a process that is already gone. */
  kill(): void {
    signalProcess(this.#child, "SIGKILL");
  }

  async #readStdout(onMessage: (message: FromHelper) => void): Promise<void> {
    for await (const line of readLines(this.#child.stdout, MAX_HELPER_LINE)) {
      if (line.trim() === "") continue;
      let message: FromHelper;
      try {
        message = parseFromHelper(line);
      } catch (error) {
        // A plugin may print to stdout; keep it visible, never act on it.
        log.warn("Ignoring helper output {line}: {reason}", {
          line: line.slice(0, 200),
          reason: (error as Error).message,
        });
        continue;
      }
      try {
        onMessage(message);
      } catch (error) {
        log.error("Helper message {type} failed: {error}", { type: message.type, error });
      }
    }
  }

  async #readStderr(): Promise<void> {
    const pid = this.pid;
    for await (const line of readLines(this.#child.stderr, MAX_HELPER_LOG_LINE)) {
      if (line.trim() === "") continue;
      // The helper's own records carry fields; anything else (GStreamer, GLib) is a warning.
      const record = parseHelperLog(line);
      if (record === null) log.warn("Helper {pid}: {text}", { pid, text: line });
      else log[record.level](`Helper {pid}: ${record.msg}`, { ...record.fields, pid });
    }
  }
}

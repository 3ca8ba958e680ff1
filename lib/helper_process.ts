/**
 * One `skerry helper` child process: spawn it, write JSON lines to its stdin,
 * read JSON lines from its stdout, copy its stderr into the log, stop it.
 * Supervision (when to start, restart with backoff) lives in `session.ts`,
 * which sees it as a {@linkcode HelperLink}.
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

const log = getLogger(["skerry", "helper"]);

/** Options of {@linkcode HelperProcess.spawn}. */
export interface HelperProcessOptions {
  /** Called for every valid message on the helper's stdout. */
  onMessage(message: FromHelper): void;
  /**
   * Environment set for the child over the allow-listed one (child_env.ts),
   * e.g. XAUTHORITY of an embedded display or `GST_DEBUG`. Default none.
   */
  env?: Record<string, string>;
}

/**
 * The argv that runs the helper: the compiled binary itself, or `deno run`
 * on this checkout's `cli.ts`. The helper needs only `--allow-ffi` (which is
 * full access: native code can do anything Skerry's user can; it is the
 * part that drives GStreamer) and reading /proc.
 */
export function helperCommand(): string[] {
  if (Deno.build.standalone) return [Deno.execPath(), "helper"];
  const root = new URL("../", import.meta.url);
  return [
    Deno.execPath(),
    "run",
    "--quiet",
    "--no-prompt",
    "--allow-ffi",
    // /proc/self/task: to lower the priority of media threads (thread_priority.ts).
    "--allow-read=/proc",
    `--config=${new URL("deno.json", root).pathname}`,
    new URL("cli.ts", root).pathname,
    "helper",
  ];
}

/** A running helper child process. */
export class HelperProcess implements HelperLink {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #encoder = new TextEncoder();
  #writable = true;
  /** Resolves when the process has exited and its output is drained. */
  readonly exited: Promise<HelperExitStatus>;

  private constructor(child: Deno.ChildProcess, options: HelperProcessOptions) {
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#writer.closed.catch(() => this.#writable = false);
    const stdout = this.#readStdout(options.onMessage);
    const stderr = this.#readStderr();
    this.exited = (async () => {
      const status = await child.status;
      this.#writable = false;
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

  /** Writes one message; returns false (and drops it) if the helper's stdin is closed. */
  send(message: ToHelper): boolean {
    if (!this.#writable) return false;
    this.#writer.write(this.#encoder.encode(JSON.stringify(message) + "\n")).catch(() => {
      this.#writable = false;
    });
    return true;
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

/**
 * Keeps the media threads from starving input: capture, conversion and
 * encoding threads of the helper run at a lower priority (a higher nice
 * value) than everything on the input path (the webrtcbin, SCTP and JS
 * threads, and the server process). On a loaded machine this trades a
 * little frame rate for keystrokes that arrive in a couple of
 * milliseconds instead of ten.
 *
 * @module
 */

import { libc } from "../ffi/libc.ts";
import { ENCODE_QUEUE } from "../pipelines/video.ts";

/** Nice value for media threads (0 is the default, 19 the lowest priority). */
export const MEDIA_NICE = 8;
/**
 * Names of the media threads: capture and conversion (`ximagesrc0:src`),
 * encoding (`encodequeue:src`, and the encoder's workers, which inherit the
 * name of the thread that made them) and the converter's worker pool
 * (GLib names pool threads `pool-<program>`). Not the viewers' send threads
 * (`sendqueue:src`): sending is light and latency-critical.
 */
const MEDIA_THREAD = new RegExp(`^(ximagesrc\\d*:src|${ENCODE_QUEUE}:src|pool-.*)$`);

/** Whether a thread named `name` does capture, conversion or encoding work. */
export function isMediaThread(name: string): boolean {
  return MEDIA_THREAD.test(name.trim());
}

/**
 * Renices this process's media threads to {@linkcode MEDIA_NICE}; returns
 * how many it changed. Safe to call repeatedly (new encoder threads appear
 * with the first frame and after a restart of the encoder). Throws when
 * `/proc/self/task` cannot be read (Deno 2 asks for `--allow-all` there).
 */
export function lowerMediaPriority(): number {
  if (Deno.build.os !== "linux") return 0;
  const { setpriority } = libc();
  let changed = 0;
  for (const task of Deno.readDirSync("/proc/self/task")) {
    const tid = Number(task.name);
    try {
      const name = Deno.readTextFileSync(`/proc/self/task/${tid}/comm`);
      const stat = Deno.readTextFileSync(`/proc/self/task/${tid}/stat`);
      const nice = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
      if (!isMediaThread(name) || nice >= MEDIA_NICE) continue;
      // PRIO_PROCESS with a thread id sets that one thread's nice value on Linux.
      if (setpriority(0, tid, MEDIA_NICE) === 0) changed++;
    } catch {
      // the thread ended meanwhile
    }
  }
  return changed;
}

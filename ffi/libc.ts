/**
 * The libc calls Skerry makes directly (file descriptors for uinput,
 * executable pages for the native stubs, thread priorities, huge pages off
 * in the helper, pages handed back after start-up), opened once.
 *
 * @module
 */

import { openLibrary } from "./_dlopen.ts";

const symbols = {
  open: { parameters: ["buffer", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  /** read(), off the JS thread (a /proc file the kernel takes milliseconds to write out). */
  read_nb: {
    name: "read",
    parameters: ["i32", "buffer", "usize"],
    result: "isize",
    nonblocking: true,
  },
  pipe: { parameters: ["buffer"], result: "i32" },
  /** ioctl(fd, request, int): ioctl is variadic; an integer third argument is ABI-safe on x86_64/aarch64. */
  ioctl_int: { name: "ioctl", parameters: ["i32", "u64", "u64"], result: "i32" },
  /** ioctl(fd, request, pointer). */
  ioctl_ptr: { name: "ioctl", parameters: ["i32", "u64", "buffer"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
  strerror: { parameters: ["i32"], result: "pointer" },
  mmap: { parameters: ["pointer", "usize", "i32", "i32", "i32", "i64"], result: "pointer" },
  mprotect: { parameters: ["pointer", "usize", "i32"], result: "i32" },
  /** madvise(), off the JS thread: dropping pages takes the kernel a while. */
  madvise_nb: {
    name: "madvise",
    parameters: ["pointer", "usize", "i32"],
    result: "i32",
    nonblocking: true,
  },
  /** malloc_trim(pad), off the JS thread: gives the C heap's free memory back; 1 if any was. */
  malloc_trim_nb: { name: "malloc_trim", parameters: ["usize"], result: "i32", nonblocking: true },
  /** setpriority(which, who, prio): with PRIO_PROCESS and a thread id, one thread's nice value. */
  setpriority: { parameters: ["i32", "u32", "i32"], result: "i32" },
  /** prctl(option, arg2, arg3, arg4, arg5): variadic in C; five integers are ABI-safe on x86_64/aarch64. */
  prctl: { parameters: ["i32", "u64", "u64", "u64", "u64"], result: "i32" },
} as const;

/** The libc symbols. */
export type Libc = Deno.DynamicLibrary<typeof symbols>["symbols"];

let loaded: Libc | undefined;

/** Opens libc once. */
export function libc(): Libc {
  return loaded ??= openLibrary("libc.so.6", symbols);
}

const ERRNO_NAMES: Record<number, string> = {
  1: "EPERM",
  2: "ENOENT",
  13: "EACCES",
  19: "ENODEV",
  22: "EINVAL",
  25: "ENOTTY",
};

/** errno after a failed call, its text, and its name (ENODEV …). */
export function lastError(): { errno: number; text: string; name: string } {
  const c = libc();
  const errno = new Deno.UnsafePointerView(c.__errno_location()!).getInt32();
  const text = Deno.UnsafePointerView.getCString(c.strerror(errno)!);
  return { errno, text, name: ERRNO_NAMES[errno] ?? `errno ${errno}` };
}

/** open() flags: read only, close on exec. */
const O_RDONLY_CLOEXEC = 0o2000000;

/**
 * A file's whole text read with libc, off the JS thread, for /proc/self
 * files Deno 2 refuses to read without `--allow-all` (the process already
 * has `--allow-ffi`, which is full access). Rejects with an `Error` naming
 * the file and errno.
 */
export async function readFileNative(path: string): Promise<string> {
  const c = libc();
  const fd = c.open(new TextEncoder().encode(`${path}\0`), O_RDONLY_CLOEXEC);
  if (fd < 0) throw new Error(`Cannot read ${path}: ${lastError().name}`);
  try {
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    const buffer = new Uint8Array(256 * 1024);
    for (;;) {
      const n = Number(await c.read_nb(fd, buffer, BigInt(buffer.length)));
      if (n < 0) throw new Error(`Cannot read ${path}: ${lastError().name}`);
      if (n === 0) break;
      chunks.push(buffer.slice(0, n));
    }
    return new TextDecoder().decode(await new Blob(chunks).arrayBuffer());
  } finally {
    c.close(fd);
  }
}

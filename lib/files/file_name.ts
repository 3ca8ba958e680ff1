/**
 * Which file names the transfer folder accepts, and the numbered names an
 * upload gets when its name is taken. Pure: no file system here.
 *
 * A name is one path component a person would recognise: not empty, at most
 * {@linkcode MAX_FILE_NAME_BYTES} bytes of UTF-8, no `/` or `\`, not `.` or
 * `..` nor any name starting with a dot (hidden files, and the uploads still
 * being written), no NUL, no control characters, and none of the format
 * characters that make a name display as another (`invoice\u202Efdp.exe`
 * shows as "invoiceexe.pdf").
 *
 * @module
 */

/**
 * Longest name, in bytes of UTF-8. Linux allows 255; the rest leaves room for
 * the " (999)" a taken name gets.
 */
export const MAX_FILE_NAME_BYTES = 240;
/** Highest number a taken name gets before the upload is refused. */
export const MAX_NAME_NUMBER = 999;

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const REORDERING = /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

/**
 * Returns `raw` if it is an acceptable file name; throws `RangeError` saying
 * why not, quoting the name safely (`JSON.stringify`: a NUL shows as `\u0000`).
 */
export function checkFileName(raw: string): string {
  const problem = nameProblem(raw);
  if (problem !== undefined) {
    const shown = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
    throw new RangeError(`Cannot accept the file name ${JSON.stringify(shown)}: ${problem}`);
  }
  return raw;
}

function nameProblem(name: string): string | undefined {
  if (name === "") return "it is empty";
  if (name.includes("\0")) return "it contains a NUL character";
  if (/[/\\]/.test(name)) return "it contains a path separator (/ or \\)";
  if (name === "." || name === "..") return "it names a folder";
  if (name.startsWith(".")) return "it starts with a dot (hidden files are not transferred)";
  if (CONTROL.test(name)) return "it contains a control character";
  if (REORDERING.test(name)) return "it contains an invisible or text-reordering character";
  if (!name.isWellFormed()) return "it is not valid Unicode";
  const bytes = new TextEncoder().encode(name).length;
  if (bytes > MAX_FILE_NAME_BYTES) {
    return `it is ${bytes} bytes long; the limit is ${MAX_FILE_NAME_BYTES}`;
  }
  return undefined;
}

/**
 * The `n`th alternative of a taken name, the number before the extension:
 * `report.pdf` gives `report (1).pdf`, `archive.tar.gz` gives
 * `archive (1).tar.gz`, `Makefile` gives `Makefile (1)`. `n` = 0 is the name
 * itself.
 */
export function numberedName(name: string, n: number): string {
  if (n === 0) return name;
  const match = /^(.+?)((?:\.tar)?\.[^.\s]{1,10})?$/u.exec(name);
  const stem = match?.[1] ?? name;
  const extension = match?.[2] ?? "";
  return `${stem} (${n})${extension}`;
}

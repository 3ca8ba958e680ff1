/**
 * Minimal Xlib binding (placeholder until the XTest work lands): open a
 * display or explain in one line why it cannot be opened.
 *
 * @module
 */

const symbols = {
  XOpenDisplay: { parameters: ["buffer"], result: "pointer" },
  XCloseDisplay: { parameters: ["pointer"], result: "i32" },
} as const;

let lib: Deno.DynamicLibrary<typeof symbols>["symbols"] | undefined;

/** An open Xlib connection. */
export interface X11Handle {
  readonly display: Deno.PointerValue;
  close(): void;
}

/** Opens `name`, or throws a one-line `Error` saying why it cannot. */
export function openX11(name: string): X11Handle {
  lib ??= Deno.dlopen("libX11.so.6", symbols).symbols;
  const display = lib.XOpenDisplay(new TextEncoder().encode(name + "\0"));
  if (display === null) {
    throw new Error(
      `Cannot open X display "${name}": no X server is listening (is DISPLAY right?)`,
    );
  }
  const l = lib;
  return { display, close: () => void l.XCloseDisplay(display) };
}

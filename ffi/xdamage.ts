/**
 * DAMAGE and XFIXES through libxcb-damage and libxcb-xfixes: the X server
 * tells Skerry when something on the root window was drawn (one event when
 * the damaged region stops being empty), and hands over the region, as
 * rectangles, when the capture takes it.
 *
 * @module
 */

import { openLibrary } from "./_dlopen.ts";
import { COOKIE, freeReply, takeXcbError, type XcbConnection, type XcbEvent } from "./xcb.ts";
import type { PixelRect } from "./xshm.ts";

const P = "pointer" as const;
const B = "buffer" as const;

const damageSymbols = {
  xcb_damage_query_version: { parameters: [P, "u32", "u32"], result: COOKIE },
  xcb_damage_query_version_reply: { parameters: [P, COOKIE, B], result: P, nonblocking: true },
  /** (c, damage, drawable, level) */
  xcb_damage_create_checked: { parameters: [P, "u32", "u32", "u8"], result: COOKIE },
  /** (c, damage, repair region or 0 for all, parts region) */
  xcb_damage_subtract: { parameters: [P, "u32", "u32", "u32"], result: COOKIE },
  xcb_damage_destroy: { parameters: [P, "u32"], result: COOKIE },
} as const;

const xfixesSymbols = {
  xcb_xfixes_query_version: { parameters: [P, "u32", "u32"], result: COOKIE },
  xcb_xfixes_query_version_reply: { parameters: [P, COOKIE, B], result: P, nonblocking: true },
  /** (c, region, rectangles_len, rectangles) */
  xcb_xfixes_create_region: { parameters: [P, "u32", "u32", P], result: COOKIE },
  xcb_xfixes_destroy_region: { parameters: [P, "u32"], result: COOKIE },
  xcb_xfixes_fetch_region: { parameters: [P, "u32"], result: COOKIE },
  xcb_xfixes_fetch_region_reply: { parameters: [P, COOKIE, B], result: P, nonblocking: true },
  xcb_xfixes_fetch_region_rectangles: { parameters: [P], result: P },
  xcb_xfixes_fetch_region_rectangles_length: { parameters: [P], result: "i32" },
} as const;

type Damage =
  & Deno.DynamicLibrary<typeof damageSymbols>["symbols"]
  & Deno.DynamicLibrary<typeof xfixesSymbols>["symbols"];

let loaded: Damage | undefined;

function damage(): Damage {
  return loaded ??= {
    ...openLibrary("libxcb-damage.so.0", damageSymbols),
    ...openLibrary("libxcb-xfixes.so.0", xfixesSymbols),
  } as Damage;
}

/** `XCB_DAMAGE_REPORT_LEVEL_NON_EMPTY`: one event each time the region stops being empty. */
const REPORT_NON_EMPTY = 3;
/** `XCB_DAMAGE_NOTIFY`, relative to the extension's first event. */
const DAMAGE_NOTIFY = 0;
/** `sizeof(xcb_rectangle_t)`: x, y (i16), width, height (u16). */
const RECTANGLE_SIZE = 8;

/**
 * Damage tracking of one connection's root window: events announce new
 * damage; {@linkcode DamageTracker.take} fetches and clears the region.
 */
export class DamageTracker {
  readonly #connection: XcbConnection;
  readonly #eventBase: number;
  readonly #damage: number;
  readonly #region: number;
  #closed = false;

  private constructor(
    connection: XcbConnection,
    parts: { eventBase: number; damage: number; region: number },
  ) {
    this.#connection = connection;
    this.#eventBase = parts.eventBase;
    this.#damage = parts.damage;
    this.#region = parts.region;
  }

  /**
   * Starts tracking the root window of `connection`; null when the server
   * lacks DAMAGE or XFIXES 2 (regions).
   */
  static async start(connection: XcbConnection): Promise<DamageTracker | null> {
    const lib = damage();
    const c = connection.pointer;
    const eventBase = await connection.extensionEventBase("DAMAGE");
    if (eventBase === null || (await connection.extensionEventBase("XFIXES")) === null) {
      return null;
    }
    // Both extensions refuse every request until the client has said which version it speaks.
    const fixes = await lib.xcb_xfixes_query_version_reply(
      c,
      lib.xcb_xfixes_query_version(c, 5, 0),
      null,
    );
    const damaged = await lib.xcb_damage_query_version_reply(
      c,
      lib.xcb_damage_query_version(c, 1, 1),
      null,
    );
    freeReply(fixes);
    freeReply(damaged);
    if (fixes === null || damaged === null) return null;
    const region = connection.newId();
    lib.xcb_xfixes_create_region(c, region, 0, null);
    const id = connection.newId();
    const error = await connection.check(
      lib.xcb_damage_create_checked(c, id, connection.root, REPORT_NON_EMPTY),
    );
    if (error !== null) {
      lib.xcb_xfixes_destroy_region(c, region);
      return null;
    }
    return new DamageTracker(connection, { eventBase, damage: id, region });
  }

  /** Whether `event` is this tracker's damage notification. */
  isDamage(event: XcbEvent): boolean {
    return event.code === this.#eventBase + DAMAGE_NOTIFY;
  }

  /**
   * Takes the damaged region (and empties it, so the next drawing sends a
   * new event): one round trip, off the JS thread. The rectangles may
   * overlap the screen's edge after a resize; the caller clips them.
   */
  async take(): Promise<PixelRect[]> {
    const lib = damage();
    const c = this.#connection.pointer;
    lib.xcb_damage_subtract(c, this.#damage, 0, this.#region);
    const error = new BigUint64Array(1);
    const reply = await lib.xcb_xfixes_fetch_region_reply(
      c,
      lib.xcb_xfixes_fetch_region(c, this.#region),
      error,
    );
    const failure = takeXcbError(error);
    if (reply === null) throw new Error(`Cannot read the damaged region: ${failure ?? "no reply"}`);
    const count = lib.xcb_xfixes_fetch_region_rectangles_length(reply);
    const rects: PixelRect[] = [];
    if (count > 0) {
      const data = lib.xcb_xfixes_fetch_region_rectangles(reply)!;
      const view = new DataView(
        Deno.UnsafePointerView.getArrayBuffer(data, count * RECTANGLE_SIZE),
      );
      for (let i = 0; i < count; i++) {
        const at = i * RECTANGLE_SIZE;
        rects.push({
          x: view.getInt16(at, true),
          y: view.getInt16(at + 2, true),
          width: view.getUint16(at + 4, true),
          height: view.getUint16(at + 6, true),
        });
      }
    }
    freeReply(reply);
    return rects;
  }

  /** Stops tracking (once). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#connection.alive) return;
    const lib = damage();
    lib.xcb_damage_destroy(this.#connection.pointer, this.#damage);
    lib.xcb_xfixes_destroy_region(this.#connection.pointer, this.#region);
    this.#connection.flush();
  }
}

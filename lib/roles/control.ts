/**
 * Who controls the desktop: one full-control viewer at a time (neko's
 * model). View-only viewers never do. A full-control viewer takes control
 * with "Take control" (`control-request`), which hands it over at once; the
 * previous controller's held keys, buttons and gamepad buttons are released
 * first (noVNC's and neko's rule), through the revoke listeners. While
 * nobody controls, the first full-control viewer to move the mouse, press a
 * key or a button takes control implicitly (neko's `implicit_hosting`), so a
 * viewer alone never has to ask. A controller who leaves or releases frees
 * control. Every viewer is told who controls (`control`) on each change.
 *
 * Pure: no timer, no I/O; the clock is `Date.now()` (fake in tests).
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import {
  cleanDisplayName,
  type Controller,
  type ControlView,
  defaultDisplayName,
  type Role,
} from "../protocol/control.ts";

const log = getLogger(["skerry", "control"]);

/** What {@linkcode Control.admit} decided about one input message. */
export type Admission =
  /** Inject it: the viewer controls (perhaps since this very message). */
  | "ok"
  /** Drop it: the viewer logged in view-only. */
  | "view-only"
  /** Drop it: another viewer controls. */
  | "not-controller"
  /** Drop it: no such viewer (it left, or never joined). */
  | "unknown";

/** What {@linkcode Control.take} did. */
export type TakeResult = "taken" | "already" | "view-only" | "unknown" | "too-soon";

/** A viewer as {@linkcode Control.join} takes it. */
export interface ControlMember {
  role: Role;
  /** The name the viewer chose; default "viewer N". */
  name?: string;
  /** Tells this viewer who controls (the `control` message). */
  notify(view: ControlView): void;
}

/** Options of {@linkcode Control}. */
export interface ControlOptions {
  /** Whether input takes free control implicitly. Default true. */
  implicit?: boolean;
  /**
   * Shortest time between two explicit takes by one viewer, in ms; sooner
   * ones are refused. Default 1000: two viewers may hand control back and
   * forth at human speed, not flood every viewer with `control` messages.
   */
  takeIntervalMs?: number;
}

/** Counters, for tests and logs. */
export interface ControlStats {
  /** Control taken with `control-request`. */
  explicitTakes: number;
  /** Control taken by input while nobody controlled. */
  implicitTakes: number;
  /** Control given up with `control-release` or by leaving. */
  releases: number;
}

interface Member {
  role: Role;
  name: string;
  notify(view: ControlView): void;
  lastTakeMs: number;
}

/** The control state of one desktop, shared by all its viewers. */
export class Control {
  readonly #members = new Map<string, Member>();
  readonly #revokeListeners = new Set<(peer: string) => void>();
  readonly #changeListeners = new Set<() => void>();
  readonly #implicit: boolean;
  readonly #takeIntervalMs: number;
  #controller: string | undefined;
  /** Counters. */
  readonly stats: ControlStats = { explicitTakes: 0, implicitTakes: 0, releases: 0 };

  constructor(options: ControlOptions = {}) {
    this.#implicit = options.implicit ?? true;
    this.#takeIntervalMs = options.takeIntervalMs ?? 1000;
  }

  /** The viewer in control, or undefined. */
  get controller(): Controller | undefined {
    const peer = this.#controller;
    const member = peer === undefined ? undefined : this.#members.get(peer);
    return peer === undefined || !member ? undefined : { peer, name: member.name };
  }

  /** The role of a viewer, or undefined when it is not here. */
  roleOf(peer: string): Role | undefined {
    return this.#members.get(peer)?.role;
  }

  /** Adds a viewer and tells it who controls. A peer id already here is replaced. */
  join(peer: string, member: ControlMember): void {
    const name = cleanDisplayName(member.name ?? "") || defaultDisplayName(peer);
    const entry: Member = { role: member.role, name, notify: member.notify, lastTakeMs: -Infinity };
    this.#members.set(peer, entry);
    this.#tell(peer, entry);
  }

  /** Removes a viewer; if it controlled, control is free and everyone is told. */
  leave(peer: string): void {
    if (!this.#members.delete(peer)) return;
    if (this.#controller !== peer) return;
    this.#controller = undefined;
    this.stats.releases++;
    log.info("Control is free: {peer} left", { peer });
    this.#broadcast();
  }

  /** Changes a viewer's display name ("" or unshowable: back to "viewer N"). */
  rename(peer: string, raw: string): void {
    const member = this.#members.get(peer);
    if (!member) return;
    const name = cleanDisplayName(raw) || defaultDisplayName(peer);
    if (name === member.name) return;
    member.name = name;
    if (this.#controller === peer) this.#broadcast();
  }

  /**
   * "Take control": hands control to `peer` at once. The previous
   * controller's input is released (revoke listeners) before this returns.
   */
  take(peer: string): TakeResult {
    const member = this.#members.get(peer);
    if (!member) return "unknown";
    if (member.role !== "full") return "view-only";
    if (this.#controller === peer) return "already";
    const now = Date.now();
    if (now - member.lastTakeMs < this.#takeIntervalMs) return "too-soon";
    member.lastTakeMs = now;
    this.stats.explicitTakes++;
    this.#handTo(peer, "asked");
    return "taken";
  }

  /** Gives control up; returns whether `peer` controlled. Its held input is released. */
  release(peer: string): boolean {
    if (this.#controller !== peer) return false;
    this.#revoke(peer);
    this.#controller = undefined;
    this.stats.releases++;
    log.info("Control is free: {peer} released it", { peer });
    this.#broadcast();
    return true;
  }

  /**
   * Whether one input message of `peer` may be injected. `active` input
   * (a move, a press, typing; not a release or a heartbeat) takes control
   * when nobody has it and implicit control is on.
   */
  admit(peer: string, active: boolean): Admission {
    const member = this.#members.get(peer);
    if (!member) return "unknown";
    if (member.role !== "full") return "view-only";
    if (this.#controller === peer) return "ok";
    if (this.#controller === undefined && active && this.#implicit) {
      this.stats.implicitTakes++;
      this.#handTo(peer, "input");
      return "ok";
    }
    return "not-controller";
  }

  /**
   * Calls `listener` with a controller's peer id when control leaves it
   * (taken by another, or released), before anyone else's input is
   * admitted. Returns the function that unsubscribes.
   */
  onRevoke(listener: (peer: string) => void): () => void {
    this.#revokeListeners.add(listener);
    return () => this.#revokeListeners.delete(listener);
  }

  /**
   * Calls `listener` after every viewer has been told of a change (a new
   * controller, control freed, the controller renamed): the screen size
   * follows the controller's window. Returns the function that unsubscribes.
   */
  onChange(listener: () => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  #handTo(peer: string, how: "asked" | "input"): void {
    const previous = this.#controller;
    if (previous !== undefined) this.#revoke(previous);
    this.#controller = peer;
    log.info("Viewer {peer} took control ({how}) from {previous}", {
      peer,
      how,
      previous: previous ?? "nobody",
    });
    this.#broadcast();
  }

  #revoke(peer: string): void {
    for (const listener of this.#revokeListeners) {
      try {
        listener(peer);
      } catch (error) {
        log.error("Releasing the input of {peer} failed: {error}", { peer, error });
      }
    }
  }

  #broadcast(): void {
    for (const [peer, member] of this.#members) this.#tell(peer, member);
    for (const listener of this.#changeListeners) {
      try {
        listener();
      } catch (error) {
        log.error("A control change listener failed: {error}", { error });
      }
    }
  }

  #tell(peer: string, member: Member): void {
    try {
      member.notify({ you: { peer, role: member.role }, controller: this.controller ?? null });
    } catch (error) {
      log.debug("Cannot tell {peer} who controls: {error}", { peer, error });
    }
  }
}

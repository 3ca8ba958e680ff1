import assert from "node:assert/strict";
import type { ControlView, Role } from "../protocol/control.ts";
import { Control, type ControlOptions } from "./control.ts";
import { fakeTime } from "../../test/fixtures/fake_time.ts";

/** The controller's peer id (a function: TypeScript narrows getters it has seen asserted). */
const peerInControl = (control: Control) => control.controller?.peer;

/** A control with viewers whose notifications and revokes are recorded. */
function room(members: Record<string, Role>, options: ControlOptions = {}) {
  const control = new Control(options);
  const told = new Map<string, ControlView[]>();
  const revoked: string[] = [];
  control.onRevoke((peer) => revoked.push(peer));
  const add = (peer: string, role: Role, name?: string) => {
    told.set(peer, []);
    control.join(peer, {
      role,
      ...(name === undefined ? {} : { name }),
      notify: (view) => told.get(peer)!.push(view),
    });
  };
  for (const [peer, role] of Object.entries(members)) add(peer, role);
  /** The last view each viewer was told, then forgets them. */
  const last = () => {
    const out: Record<string, ControlView | undefined> = {};
    for (const [peer, views] of told) out[peer] = views.at(-1);
    return out;
  };
  const clear = () => {
    for (const views of told.values()) views.splice(0);
    revoked.splice(0);
  };
  return { control, told, revoked, add, last, clear };
}

Deno.test("Control.join() tells the new viewer its role and that nobody controls", () => {
  const { told } = room({ p1: "full", p2: "view" });
  assert.deepEqual(told.get("p1"), [{ you: { peer: "p1", role: "full" }, controller: null }]);
  assert.deepEqual(told.get("p2"), [{ you: { peer: "p2", role: "view" }, controller: null }]);
});

Deno.test("Control.admit() drops everything from view-only viewers, even with nobody in control", () => {
  const { control, told } = room({ p1: "view" });
  assert.equal(control.admit("p1", true), "view-only");
  assert.equal(control.admit("p1", false), "view-only");
  assert.equal(control.controller, undefined);
  assert.equal(told.get("p1")!.length, 1);
  assert.equal(control.take("p1"), "view-only");
  assert.equal(control.controller, undefined);
});

Deno.test("Control.admit() gives free control to the first active input, implicitly", () => {
  const { control, last, clear, revoked } = room({ p1: "full", p2: "full", p3: "view" });
  clear();
  // A heartbeat or a release does not take control.
  assert.equal(control.admit("p1", false), "not-controller");
  assert.equal(control.controller, undefined);
  assert.equal(control.admit("p1", true), "ok");
  assert.deepEqual(control.controller, { peer: "p1", name: "viewer 1" });
  assert.equal(control.stats.implicitTakes, 1);
  assert.deepEqual(revoked, []);
  const controller = { peer: "p1", name: "viewer 1" };
  assert.deepEqual(last(), {
    p1: { you: { peer: "p1", role: "full" }, controller },
    p2: { you: { peer: "p2", role: "full" }, controller },
    p3: { you: { peer: "p3", role: "view" }, controller },
  });
  // Now p2's input is dropped, active or not, and nobody is told anything new.
  clear();
  assert.equal(control.admit("p2", true), "not-controller");
  assert.equal(control.admit("p2", false), "not-controller");
  assert.equal(control.admit("p1", false), "ok");
  assert.deepEqual(last(), { p1: undefined, p2: undefined, p3: undefined });
});

Deno.test("Control.admit() never takes control implicitly when implicit is off", () => {
  const { control } = room({ p1: "full" }, { implicit: false });
  assert.equal(control.admit("p1", true), "not-controller");
  assert.equal(control.take("p1"), "taken");
  assert.equal(control.admit("p1", true), "ok");
});

Deno.test("Control.admit() refuses unknown viewers", () => {
  const { control } = room({});
  assert.equal(control.admit("p9", true), "unknown");
  assert.equal(control.take("p9"), "unknown");
});

Deno.test("Control.take() hands control over, revoking the previous controller first", () => {
  using time = fakeTime();
  const { control, revoked, last, clear } = room({ p1: "full", p2: "full" });
  const order: string[] = [];
  control.onRevoke((peer) => order.push(`revoke ${peer} (controller ${control.controller?.peer})`));
  assert.equal(control.admit("p1", true), "ok");
  clear();
  order.splice(0);
  time.tick(10);
  assert.equal(control.take("p2"), "taken");
  // The revoke runs while p1 still holds control: its keys go up before p2's input.
  assert.deepEqual(order, ["revoke p1 (controller p1)"]);
  assert.deepEqual(revoked, ["p1"]);
  assert.deepEqual(last().p1?.controller, { peer: "p2", name: "viewer 2" });
  assert.deepEqual(last().p2?.controller, { peer: "p2", name: "viewer 2" });
  assert.equal(control.admit("p1", true), "not-controller");
  assert.equal(control.admit("p2", true), "ok");
  assert.equal(control.stats.explicitTakes, 1);
});

Deno.test("Control.take() by the controller itself changes nothing", () => {
  const { control, clear, last, revoked } = room({ p1: "full" });
  control.admit("p1", true);
  clear();
  assert.equal(control.take("p1"), "already");
  assert.deepEqual(revoked, []);
  assert.equal(last().p1, undefined);
});

Deno.test("Control.take() allows one explicit take a second per viewer", () => {
  using time = fakeTime();
  const { control } = room({ p1: "full", p2: "full" }, { takeIntervalMs: 1000 });
  assert.equal(control.take("p1"), "taken");
  assert.equal(control.take("p2"), "taken");
  time.tick(400);
  assert.equal(control.take("p1"), "too-soon");
  assert.equal(control.controller?.peer, "p2");
  time.tick(599);
  assert.equal(control.take("p1"), "too-soon");
  time.tick(1);
  assert.equal(control.take("p1"), "taken");
  // p2's limit is its own.
  assert.equal(control.take("p2"), "taken");
  assert.equal(control.stats.explicitTakes, 4);
});

Deno.test("Control.release() frees control and releases the controller's input", () => {
  const { control, revoked, last, clear } = room({ p1: "full", p2: "full" });
  control.admit("p1", true);
  clear();
  assert.equal(control.release("p2"), false);
  assert.deepEqual(revoked, []);
  assert.equal(control.release("p1"), true);
  assert.deepEqual(revoked, ["p1"]);
  assert.equal(peerInControl(control), undefined);
  assert.equal(last().p2?.controller, null);
  // Free again: the next active input takes it.
  assert.equal(control.admit("p2", true), "ok");
  assert.equal(control.controller?.peer, "p2");
});

Deno.test("Control.leave() of the controller frees control and tells the others", () => {
  const { control, last, clear, revoked } = room({ p1: "full", p2: "full", p3: "view" });
  control.admit("p1", true);
  clear();
  control.leave("p1");
  assert.equal(control.controller, undefined);
  assert.equal(last().p1, undefined);
  assert.equal(last().p2?.controller, null);
  assert.equal(last().p3?.controller, null);
  assert.equal(control.admit("p1", true), "unknown");
  // Its input handler closes itself; no revoke for a viewer that is gone.
  assert.deepEqual(revoked, []);
  assert.equal(control.stats.releases, 1);
  // Another viewer leaving tells nobody anything.
  clear();
  control.leave("p3");
  assert.equal(last().p2, undefined);
  assert.equal(control.roleOf("p3"), undefined);
});

Deno.test("Control.rename() shows the controller's new name to every viewer", () => {
  const { control, add, last, clear } = room({ p2: "view" });
  add("p1", "full", "  Ada\u202e ");
  control.admit("p1", true);
  assert.deepEqual(control.controller, { peer: "p1", name: "Ada" });
  clear();
  control.rename("p2", "Bob");
  assert.equal(last().p1, undefined, "a viewer not in control is not announced");
  control.rename("p1", "Ada L.");
  assert.deepEqual(last().p2?.controller, { peer: "p1", name: "Ada L." });
  clear();
  control.rename("p1", "Ada L.");
  assert.equal(last().p2, undefined, "the same name again is no change");
  control.rename("p1", "\u0000");
  assert.deepEqual(last().p2?.controller, { peer: "p1", name: "viewer 1" });
});

Deno.test("Control keeps going when a viewer's notify or a revoke listener throws", () => {
  const control = new Control();
  control.onRevoke(() => {
    throw new Error("boom");
  });
  const seen: ControlView[] = [];
  control.join("p1", {
    role: "full",
    notify: () => {
      throw new Error("socket closed");
    },
  });
  control.join("p2", { role: "full", notify: (v) => seen.push(v) });
  assert.equal(control.admit("p1", true), "ok");
  assert.equal(control.take("p2"), "taken");
  assert.equal(seen.at(-1)?.controller?.peer, "p2");
});

Deno.test("Control.onChange() hears every change of controller, after the viewers are told", () => {
  const { control, last } = room({ p1: "full", p2: "full" });
  const seen: (string | undefined)[] = [];
  const off = control.onChange(() => {
    // The viewers already know: what the listener does may depend on it.
    assert.equal(last().p2?.controller?.peer ?? undefined, control.controller?.peer);
    seen.push(control.controller?.peer);
  });
  control.admit("p1", true);
  control.take("p2");
  control.release("p2");
  control.take("p1");
  control.leave("p1");
  off();
  control.take("p2");
  assert.deepEqual(seen, ["p1", "p2", undefined, "p1", undefined]);
});

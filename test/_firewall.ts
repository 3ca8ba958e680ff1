/**
 * Packet filter rules for tests, with iptables, in the network namespace the
 * tests run in (tools/in_netns). Rules are only ever added where that
 * namespace is the tests' own (nothing but loopback), so a test can never
 * change the host's firewall; each rule is removed again afterwards.
 *
 * @module
 */

import { run } from "./_harness.ts";

/**
 * Whether the tests have a network namespace of their own: only loopback
 * interfaces (tools/in_netns), where iptables rules touch nothing else.
 */
export function ownNetworkNamespace(): boolean {
  return Deno.networkInterfaces().every((i) => i.name === "lo") && iptablesWorks();
}

function iptablesWorks(): boolean {
  try {
    return new Deno.Command("iptables", { args: ["-S", "OUTPUT"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** Rules added to the OUTPUT chain; `remove()` deletes exactly those. */
export interface Rules {
  remove(): Promise<void>;
}

/** Inserts each rule (iptables arguments after `-I OUTPUT`) at the head of OUTPUT. */
export async function addRules(rules: string[][]): Promise<Rules> {
  const added: string[][] = [];
  const remove = async () => {
    for (const rule of added.splice(0).reverse()) {
      await run("iptables", ["-D", "OUTPUT", ...rule]).catch(() => {});
    }
  };
  try {
    for (const rule of rules) {
      await run("iptables", ["-I", "OUTPUT", ...rule]);
      added.push(rule);
    }
  } catch (error) {
    await remove();
    throw error;
  }
  return { remove };
}

/** Packets counted so far by the OUTPUT rule whose listing contains every one of `parts`. */
export async function packetCount(parts: string[]): Promise<number> {
  const listing = await run("iptables", ["-L", "OUTPUT", "-v", "-x", "-n"]);
  const line = listing.split("\n").find((l) => parts.every((p) => l.includes(p)));
  if (line === undefined) throw new Error(`no OUTPUT rule with ${parts.join(" ")}`);
  return Number(line.trim().split(/\s+/)[0]);
}

/**
 * The Kubernetes examples, checked without a cluster: every document parses,
 * has the kinds and names the README promises, and what Skerry's pod says
 * agrees with Skerry itself: each variable is in the option table (a renamed
 * option breaks this test), the values parse with Skerry's own parser, the
 * `*_FILE` secrets are mounted from Secrets that exist, and the probes, the
 * Service and coturn's ports line up.
 */

import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { OPTIONS, parseCommandLine } from "../../lib/config.ts";

const DIR = new URL("./", import.meta.url);

// deno-lint-ignore no-explicit-any
type Doc = any;

/** Every document of `file`, parsed; throws on any YAML error. */
function load(file: string): Doc[] {
  const text = Deno.readTextFileSync(new URL(file, DIR));
  return parseAllDocuments(text).map((doc) => {
    assert.deepEqual(doc.errors, [], `${file}: ${doc.errors.join("; ")}`);
    return doc.toJS();
  }).filter((d) => d !== null);
}

function find(docs: Doc[], kind: string, name: string): Doc {
  const doc = docs.find((d) => d.kind === kind && d.metadata?.name === name);
  assert.ok(doc, `no ${kind} ${name}`);
  return doc;
}

const skerry = load("skerry.yaml");
const coturn = load("coturn.yaml");
const all = [...skerry, ...coturn];
const pod = find(skerry, "Deployment", "skerry").spec.template.spec;
const container = pod.containers.find((c: Doc) => c.name === "skerry");
const env: Record<string, string> = Object.fromEntries(
  container.env.map((e: Doc) => [e.name, e.value]),
);

Deno.test("the manifests hold the documented kinds", () => {
  const kinds = (docs: Doc[]) => docs.map((d) => `${d.kind}/${d.metadata.name}`).sort();
  assert.deepEqual(kinds(skerry), ["Deployment/skerry", "Secret/skerry-auth", "Service/skerry"]);
  assert.deepEqual(kinds(coturn), [
    "ConfigMap/coturn",
    "Deployment/coturn",
    "Secret/turn-shared-secret",
  ]);
  for (const doc of all) assert.match(doc.apiVersion, /^(v1|apps\/v1)$/);
});

Deno.test("Skerry's pod names only variables of the option table, with values Skerry accepts", () => {
  const names = new Set(
    OPTIONS.flatMap((o) => {
      const envs = [o.env, ...(o.envAliases ?? [])];
      return o.secret ? [...envs, ...envs.map((n) => `${n}_FILE`)] : envs;
    }),
  );
  for (const name of Object.keys(env)) assert.ok(names.has(name), `${name} is not a Skerry option`);
  for (const e of container.env) assert.equal(e.valueFrom, undefined, `${e.name}: use *_FILE`);

  const read: string[] = [];
  const invocation = parseCommandLine([], (n) => env[n], (path) => {
    read.push(path);
    return "a-secret\n";
  });
  assert.equal(invocation.kind, "run");
  if (invocation.kind !== "run") return;
  assert.equal(invocation.config.port, 8080);
  assert.equal(invocation.config.basicAuthPassword, "a-secret");
  assert.equal(invocation.config.turnSharedSecret, "a-secret");
  assert.deepEqual(
    read.sort(),
    [
      env.SKERRY_BASIC_AUTH_PASSWORD_FILE,
      env.SKERRY_TURN_SHARED_SECRET_FILE,
    ].sort(),
  );
});

Deno.test("every *_FILE secret is a mounted key of a Secret in the manifests", () => {
  const files = Object.entries(env).filter(([name]) => name.endsWith("_FILE"));
  assert.equal(files.length, 2);
  for (const [name, path] of files) {
    const mount = container.volumeMounts.find((m: Doc) => path.startsWith(`${m.mountPath}/`));
    assert.ok(mount, `${name}: ${path} is not under a mounted volume`);
    assert.equal(mount.readOnly, true);
    const volume = pod.volumes.find((v: Doc) => v.name === mount.name);
    assert.ok(volume?.secret, `${name}: volume ${mount.name} is not a Secret`);
    const secret = find(all, "Secret", volume.secret.secretName);
    const key = path.slice(mount.mountPath.length + 1);
    assert.ok(key in secret.stringData, `${name}: Secret ${secret.metadata.name} has no ${key}`);
  }
});

Deno.test("probes, container port and Service agree on Skerry's port and /healthz", () => {
  const http = container.ports.find((p: Doc) => p.name === "http");
  assert.equal(http.containerPort, Number(env.SKERRY_PORT));
  for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
    assert.deepEqual(container[probe].httpGet, { path: "/healthz", port: "http" }, probe);
  }
  const service = find(skerry, "Service", "skerry");
  const deployment = find(skerry, "Deployment", "skerry");
  assert.deepEqual(service.spec.selector, deployment.spec.selector.matchLabels);
  assert.deepEqual(deployment.spec.template.metadata.labels, deployment.spec.selector.matchLabels);
  assert.deepEqual(service.spec.ports.map((p: Doc) => p.targetPort), ["http"]);
  assert.equal(container.securityContext.readOnlyRootFilesystem, true);
  assert.ok(
    container.volumeMounts.some((m: Doc) => m.mountPath === "/tmp"),
    "/tmp must be writable",
  );
});

Deno.test("coturn listens on SKERRY_TURN_PORT, relays on its range, and reads the Secret Skerry reads", () => {
  const conf = find(coturn, "ConfigMap", "coturn").data["turnserver.conf"] as string;
  const setting = (key: string) => new RegExp(`^${key}=(.*)$`, "m").exec(conf)?.[1];
  assert.equal(setting("listening-port"), env.SKERRY_TURN_PORT);
  assert.ok(Number(setting("min-port")) < Number(setting("max-port")));
  assert.match(conf, /^use-auth-secret$/m);
  assert.equal(setting("static-auth-secret"), undefined, "the secret belongs in the Secret");

  const turnPod = find(coturn, "Deployment", "coturn").spec.template.spec;
  assert.equal(turnPod.hostNetwork, true);
  const ports = turnPod.containers[0].ports.map((p: Doc) => `${p.containerPort}/${p.protocol}`);
  assert.deepEqual(ports.sort(), [`${env.SKERRY_TURN_PORT}/TCP`, `${env.SKERRY_TURN_PORT}/UDP`]);
  const secretVolume = turnPod.volumes.find((v: Doc) => v.secret);
  const skerryTurn = pod.volumes.find((v: Doc) => v.name === "turn");
  assert.equal(secretVolume.secret.secretName, skerryTurn.secret.secretName);
});

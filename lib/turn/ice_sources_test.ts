import assert from "node:assert/strict";
import { parseCommandLine } from "../config.ts";
import { pollUntil } from "../poll.ts";
import { iceOptionProblems, type IceOptions, iceSources } from "./ice_sources.ts";

/** The options of this command line (the real option table: flags, defaults, parsers). */
function options(...args: string[]): IceOptions {
  const invocation = parseCommandLine(args, () => undefined);
  if (invocation.kind !== "run") throw new Error(invocation.kind);
  return invocation.config;
}

const names = (o: IceOptions) => iceSources(o, { defaultUser: "skerry-test" }).map((s) => s.name);

Deno.test("iceSources() orders sources as selkies-gstreamer: Cloudflare, file, REST, user, secret, STUN", () => {
  const all = options(
    "--enable-cloudflare-turn",
    "--cloudflare-turn-token-id=k",
    "--cloudflare-turn-api-token=t",
    "--rtc-config-json=/tmp/rtc.json",
    "--turn-rest-uri=https://turn.example.com/api?key=1",
    "--turn-host=turn.example.com",
    "--turn-username=alice",
    "--turn-password=pw",
    "--turn-shared-secret=s",
    "--stun-host=stun.example.com",
  );
  assert.deepEqual(names(all), [
    "Cloudflare TURN",
    "RTC configuration file /tmp/rtc.json",
    "TURN REST service https://turn.example.com/api",
    "TURN user alice (turn.example.com:3478)",
    "STUN stun.example.com:3478",
  ]);
  assert.deepEqual(names(options("--turn-host=t", "--turn-port=443", "--turn-shared-secret=s")), [
    "TURN shared secret (t:443)",
    "no STUN or TURN server (host candidates)",
  ]);
  assert.deepEqual(names(options()), ["no STUN or TURN server (host candidates)"]);
});

Deno.test("iceSources() gives shared-secret credentials for the REST user name, with their expiry", async () => {
  const sources = iceSources(
    options(
      "--turn-host=t",
      "--turn-shared-secret=north-sea-secret",
      "--turn-rest-username=skerry-test",
    ),
    { credentialLifetimeS: 86400 },
  );
  const grant = await sources[0]!.resolve((1700000000 - 86400) * 1000);
  assert.deepEqual(grant, {
    config: {
      iceServers: [
        { urls: ["stun:t:3478"] },
        {
          urls: ["turn:t:3478?transport=udp"],
          username: "1700000000:skerry-test",
          credential: "kfsWgLe7YQ5DwKq5nLE2ns5TiDs=",
        },
      ],
    },
    expiresAtMs: 1700000000_000,
  });
});

Deno.test("iceSources() passes the TURN options to a REST service through fetch", async () => {
  const requests: Headers[] = [];
  const fetch = (_url: string | URL | Request, init?: RequestInit) => {
    requests.push(new Headers(init?.headers));
    return Promise.resolve(Response.json({ iceServers: [{ urls: "stun:from-rest" }] }));
  };
  const [rest] = iceSources(
    options("--turn-rest-uri=http://rest.test/", "--turn-protocol=tcp", "--turn-tls"),
    { defaultUser: "skerry-box", fetch },
  );
  assert.deepEqual(await rest!.resolve(0), {
    config: { iceServers: [{ urls: "stun:from-rest" }] },
  });
  assert.deepEqual([...requests[0]!.entries()].sort(), [
    ["x-auth-user", "skerry-box"],
    ["x-turn-protocol", "tcp"],
    ["x-turn-tls", "true"],
  ]);
});

Deno.test("iceOptionProblems() names combinations that cannot work, one line each", () => {
  const cases: [string[], string[]][] = [
    [
      ["--enable-cloudflare-turn", "--cloudflare-turn-token-id=k"],
      ["--enable-cloudflare-turn needs --cloudflare-turn-token-id and --cloudflare-turn-api-token"],
    ],
    [["--turn-host=t", "--turn-username=u"], ["--turn-username and --turn-password go together"]],
    [["--turn-shared-secret=s"], ["TURN credentials need --turn-host"]],
    [
      ["--turn-host=t"],
      ["--turn-host needs --turn-shared-secret, or --turn-username and --turn-password"],
    ],
    [[], []],
    [["--turn-host=t", "--turn-rest-uri=http://r/"], []],
  ];
  for (const [args, problems] of cases) {
    assert.deepEqual(iceOptionProblems(options(...args)), problems);
  }
});

Deno.test("iceSources() leaves out what cannot work: half a credential, Cloudflare without a token", () => {
  assert.deepEqual(
    names(options("--turn-host=t", "--turn-username=u", "--enable-cloudflare-turn")),
    ["no STUN or TURN server (host candidates)"],
  );
});

Deno.test("the --rtc-config-json source reads the file, and its watch sees the file change", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/rtc.json`;
  const [file] = iceSources(options(`--rtc-config-json=${path}`));
  await assert.rejects(file!.resolve(0), {
    message: `Cannot read RTC configuration file ${path}: no such file`,
  });
  let changes = 0;
  const stop = file!.watch!(() => changes++);
  try {
    // Written the way editors and config tools do: a new file renamed over the old one.
    await Deno.writeTextFile(`${path}.tmp`, '{"iceServers":[{"urls":"stun:v1:3478"}]}');
    await Deno.rename(`${path}.tmp`, path);
    await pollUntil(() => changes > 0, { what: "a change event", timeoutMs: 5000 });
    assert.deepEqual(await file!.resolve(0), {
      config: { iceServers: [{ urls: "stun:v1:3478" }] },
    });
  } finally {
    stop();
    await Deno.remove(dir, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { commonFlags, parseHelpFlags } from "./_help_flags.ts";

const HELP = `skerry 0.1.0: a Linux desktop in the browser over WebRTC

USAGE
  skerry [serve] [OPTIONS]   stream DISPLAY
  skerry --help | --version

VIDEO
  --capture <MODE>                   Screen capture: damage (only what changed; XDamage) or ximagesrc
                                     (env SKERRY_CAPTURE; default damage)
  --framerate <FPS>                  Frames per second captured and encoded (at most)
                                     (env SKERRY_FRAMERATE; default 60; also SELKIES_FRAMERATE)
  --https-cert <FILE>                PEM certificate chain for HTTPS
                                     (env SKERRY_HTTPS_CERT; also --https_cert, SELKIES_HTTPS_CERT)
  --enable-https                     Serve HTTPS
                                     (env SKERRY_ENABLE_HTTPS; default false)
`;

Deno.test("parseHelpFlags reads each flag and its default, and no usage line", () => {
  assert.deepEqual(
    [...parseHelpFlags(HELP)],
    [["capture", "damage"], ["framerate", "60"], ["https-cert", ""], ["enable-https", "false"]],
  );
});

Deno.test("commonFlags keeps the flags a revision knows and lists the others", () => {
  const known = new Map([["framerate", "60"], ["enable-https", "false"]]);
  assert.deepEqual(commonFlags(["--framerate=60", "--capture=damage", "--enable-https"], known), {
    args: ["--framerate=60", "--enable-https"],
    dropped: ["--capture=damage"],
  });
  assert.deepEqual(commonFlags(["--capture=damage"]), { args: ["--capture=damage"], dropped: [] });
});
